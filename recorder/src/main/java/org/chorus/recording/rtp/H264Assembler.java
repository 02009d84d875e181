package org.chorus.recording.rtp;

import org.chorus.media.rtp.H264Payload;

/**
 * H.264 (RFC 6184, packetization modes 0 and 1) to Annex B access units: every NAL unit of the
 * access unit, from single NAL unit packets, STAP-A and FU-A, behind a 4-byte start code. An
 * access unit is the packets of one timestamp up to the marker bit; it is a keyframe when it
 * holds an IDR slice.
 *
 * <p>Unlike VP8, H.264 carries no picture counter in the RTP payload, so a gap between two access
 * units cannot be told from lost padding: it is taken as a lost frame (the safe side, since
 * decoding past a lost reference smears until the next IDR).
 */
final class H264Assembler extends VideoFrameAssembler {

    /** Inside a fragmented NAL unit: an FU-A start was seen and its end not yet. */
    private boolean inFragment;

    H264Assembler(FrameSink sink) {
        super(sink);
    }

    @Override
    public void packet(long extendedTimestamp, boolean marker, byte[] payload, int offset, int length) {
        if (length == 0) {
            return; // padding only
        }
        if (state != State.IDLE && extendedTimestamp != frameTimestamp) {
            endFrame();
        }
        if (state == State.IDLE) {
            startFrame(extendedTimestamp, payload, offset, length);
        }
        if (state == State.ASSEMBLING && !appendNalUnits(payload, offset, length)) {
            state = State.BROKEN;
        }
        if (marker) {
            endFrame();
        }
    }

    private void startFrame(long timestamp, byte[] payload, int offset, int length) {
        state = State.ASSEMBLING;
        if (gapSinceLastFrame) {
            sink.referenceChainBroken();
            if (!startsNalUnit(payload, offset, length)) {
                state = State.BROKEN;
            }
        }
        gapSinceLastFrame = false;
        frameTimestamp = timestamp;
        keyframe = false;
        inFragment = false;
        frame.clear();
    }

    private static boolean startsNalUnit(byte[] payload, int offset, int length) {
        int type = H264Payload.nalType(payload, offset, length);
        return type >= 1 && type <= 23 || type == H264Payload.STAP_A
                || H264Payload.isFragmentStart(payload, offset, length);
    }

    /** Appends the packet's NAL units; false if the packet is malformed or out of place. */
    private boolean appendNalUnits(byte[] payload, int offset, int length) {
        int type = H264Payload.nalType(payload, offset, length);
        if (type >= 1 && type <= 23) {
            if (inFragment) {
                return false;
            }
            appendNalUnit(payload, offset, length);
            return true;
        }
        if (type == H264Payload.STAP_A) {
            if (inFragment) {
                return false;
            }
            int end = offset + length;
            int p = offset + 1;
            while (p < end) {
                if (end - p < 2) {
                    return false;
                }
                int size = ((payload[p] & 0xFF) << 8) | (payload[p + 1] & 0xFF);
                p += 2;
                if (size == 0 || size > end - p) {
                    return false;
                }
                appendNalUnit(payload, p, size);
                p += size;
            }
            return true;
        }
        if (type == H264Payload.FU_A && length >= 2) {
            int header = payload[offset + 1] & 0xFF;
            boolean start = (header & 0x80) != 0;
            boolean end = (header & 0x40) != 0;
            if (start == inFragment) {
                return false; // a start inside a fragment, or a continuation without its start
            }
            if (start) {
                int nalType = header & 0x1F;
                startCode();
                frame.append((payload[offset] & 0xE0) | nalType);
                keyframe |= nalType == H264Payload.NAL_IDR;
                inFragment = true;
            }
            frame.append(payload, offset + 2, length - 2);
            if (end) {
                inFragment = false;
            }
            return true;
        }
        return false;
    }

    private void appendNalUnit(byte[] payload, int offset, int length) {
        startCode();
        frame.append(payload, offset, length);
        keyframe |= (payload[offset] & 0x1F) == H264Payload.NAL_IDR;
    }

    private void startCode() {
        frame.append(0);
        frame.append(0);
        frame.append(0);
        frame.append(1);
    }

    private void endFrame() {
        if (state == State.ASSEMBLING && !inFragment && frame.length() > 0) {
            sink.frame(frameTimestamp, keyframe, frame.array(), 0, frame.length());
            state = State.IDLE;
        } else if (state != State.IDLE) {
            drop();
        }
    }
}
