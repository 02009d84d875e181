package org.chorus.recording.rtp;

import org.chorus.media.rtp.Vp8Payload;

/**
 * VP8 (RFC 7741): a frame runs from the packet with S=1 and partition 0 to the packet with the
 * marker bit, all with one timestamp; a frame with any sequence gap inside is dropped. A gap
 * between two whole frames is harmless when the PictureIDs are consecutive (only padding was
 * lost) and breaks the reference chain otherwise (a whole frame was lost).
 */
final class Vp8Assembler extends VideoFrameAssembler {

    private int pictureId = -1;
    private int pictureIdBits;
    private int lastPictureId = -1;
    private int lastPictureIdBits;

    Vp8Assembler(FrameSink sink) {
        super(sink);
    }

    @Override
    public void packet(long extendedTimestamp, boolean marker, byte[] payload, int offset, int length) {
        if (length == 0) {
            return; // padding only
        }
        int descriptor = Vp8Payload.descriptorLength(payload, offset, length);
        if (descriptor < 0) {
            lost(); // unreadable: as good as lost
            return;
        }
        if (state != State.IDLE && extendedTimestamp != frameTimestamp) {
            endFrame(); // the marker never came, but nothing is missing in between
        }
        if (Vp8Payload.isStartOfFrame(payload, offset, length)) {
            if (state != State.IDLE) {
                drop();
            }
            startFrame(extendedTimestamp, payload, offset, length);
        } else if (state == State.IDLE) {
            return; // the rest of a frame whose start is gone; the gap was reported
        }
        frame.append(payload, offset + descriptor, length - descriptor);
        if (marker) {
            endFrame();
        }
    }

    private void startFrame(long timestamp, byte[] payload, int offset, int length) {
        pictureId = Vp8Payload.pictureId(payload, offset, length);
        pictureIdBits = Vp8Payload.pictureIdBits(payload, offset, length);
        if (gapSinceLastFrame && !followsLastFrame()) {
            sink.referenceChainBroken();
        }
        gapSinceLastFrame = false;
        state = State.ASSEMBLING;
        frameTimestamp = timestamp;
        keyframe = Vp8Payload.isKeyframe(payload, offset, length);
        frame.clear();
    }

    private boolean followsLastFrame() {
        if (pictureId < 0 || lastPictureId < 0 || pictureIdBits != lastPictureIdBits) {
            return false;
        }
        int modulus = 1 << pictureIdBits;
        return pictureId == (lastPictureId + 1) % modulus;
    }

    private void endFrame() {
        if (state == State.ASSEMBLING) {
            sink.frame(frameTimestamp, keyframe, frame.array(), 0, frame.length());
            frameEnded();
        } else if (state == State.BROKEN) {
            drop();
        }
    }

    @Override
    void frameEnded() {
        super.frameEnded();
        lastPictureId = pictureId;
        lastPictureIdBits = pictureIdBits;
        gapSinceLastFrame = false;
    }
}
