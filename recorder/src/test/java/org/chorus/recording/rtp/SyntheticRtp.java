package org.chorus.recording.rtp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds WebRTC-like RTP packets for the tests: random initial sequence numbers and timestamps. */
final class SyntheticRtp {

    /** One packet with when it was sent on the sender's clock (ns) and what it is. */
    record Packet(byte[] bytes, int seq, long sentNanos, boolean padding) {
    }

    /** One frame as the sender made it, and the packets that carry it. */
    record Frame(int index, long timestamp, boolean keyframe, byte[] expected, long captureNanos,
                 List<Packet> packets) {
    }

    private SyntheticRtp() {
    }

    /**
     * An RTP packet with a one-word header extension (as WebRTC always sends) and optional
     * padding.
     */
    static byte[] rtp(int payloadType, int seq, long timestamp, long ssrc, boolean marker, byte[] payload,
                      int paddingLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | 0x10 | (paddingLength > 0 ? 0x20 : 0));
        out.write((marker ? 0x80 : 0) | payloadType);
        out.write(seq >>> 8 & 0xFF);
        out.write(seq & 0xFF);
        write32(out, timestamp);
        write32(out, ssrc);
        out.write(0xBE);
        out.write(0xDE);
        out.write(0);
        out.write(1);
        out.write(0x10); // id 1, length 1 (two bytes of data)
        out.write(0x12);
        out.write(0x34);
        out.write(0);
        out.write(payload, 0, payload.length);
        for (int i = 0; i < paddingLength - 1; i++) {
            out.write(0);
        }
        if (paddingLength > 0) {
            out.write(paddingLength);
        }
        return out.toByteArray();
    }

    /** The RTX form (RFC 4588) of an original packet. */
    static byte[] rtx(byte[] original, int rtxSeq, long rtxSsrc, int rtxPayloadType) {
        int headerLength = 12 + 4 + 4; // fixed header plus the one-word extension
        int padding = (original[0] & 0x20) != 0 ? original[original.length - 1] & 0xFF : 0;
        int payloadLength = original.length - headerLength - padding;
        byte[] out = new byte[headerLength + 2 + payloadLength];
        System.arraycopy(original, 0, out, 0, headerLength);
        out[0] &= ~0x20;
        out[1] = (byte) ((original[1] & 0x80) | rtxPayloadType);
        out[2] = (byte) (rtxSeq >>> 8);
        out[3] = (byte) rtxSeq;
        out[8] = (byte) (rtxSsrc >>> 24);
        out[9] = (byte) (rtxSsrc >>> 16);
        out[10] = (byte) (rtxSsrc >>> 8);
        out[11] = (byte) rtxSsrc;
        out[headerLength] = original[2];
        out[headerLength + 1] = original[3];
        System.arraycopy(original, headerLength, out, headerLength + 2, payloadLength);
        return out;
    }

    private static void write32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24) & 0xFF);
        out.write((int) (v >>> 16) & 0xFF);
        out.write((int) (v >>> 8) & 0xFF);
        out.write((int) v & 0xFF);
    }

    /** Deterministic frame bytes; a VP8 frame tag first (P=0 on keyframes, with start code and size). */
    static byte[] vp8FrameBytes(int index, boolean keyframe, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (index * 31 + i * 7);
        }
        b[0] = (byte) (keyframe ? 0x10 : 0x11);
        if (keyframe) {
            b[3] = (byte) 0x9D;
            b[4] = 0x01;
            b[5] = 0x2A;
            b[6] = (byte) 0x80; // 640
            b[7] = 0x02;
            b[8] = (byte) 0xE0; // 480
            b[9] = 0x01;
        }
        return b;
    }

    /** A VP8 sender: 15-bit PictureID, frames split into packets of at most {@code mtu} payload bytes. */
    static final class Vp8Sender {
        static final int PT = 96;
        final long ssrc;
        int seq;
        long timestamp;
        int pictureId;
        private int index;

        Vp8Sender(long ssrc, int seq, long timestamp, int pictureId) {
            this.ssrc = ssrc;
            this.seq = seq & 0xFFFF;
            this.timestamp = timestamp & 0xFFFF_FFFFL;
            this.pictureId = pictureId & 0x7FFF;
        }

        static Vp8Sender random(Random random) {
            return new Vp8Sender(random.nextInt() & 0xFFFF_FFFFL, random.nextInt(), random.nextInt(),
                    random.nextInt());
        }

        /** The next frame, {@code timestampStep} ticks after the previous one. */
        Frame frame(boolean keyframe, int size, int mtu, long captureNanos, long timestampStep) {
            byte[] data = vp8FrameBytes(index, keyframe, size);
            List<Packet> packets = new ArrayList<>();
            for (int at = 0; at < size; at += mtu) {
                int n = Math.min(mtu, size - at);
                byte[] payload = new byte[4 + n];
                payload[0] = (byte) (0x80 | (at == 0 ? 0x10 : 0));
                payload[1] = (byte) 0x80;
                payload[2] = (byte) (0x80 | pictureId >>> 8);
                payload[3] = (byte) pictureId;
                System.arraycopy(data, at, payload, 4, n);
                byte[] bytes = rtp(PT, seq, timestamp, ssrc, at + n == size, payload, 0);
                packets.add(new Packet(bytes, seq, captureNanos, false));
                seq = (seq + 1) & 0xFFFF;
            }
            Frame frame = new Frame(index, timestamp, keyframe, data, captureNanos, packets);
            index++;
            pictureId = (pictureId + 1) & 0x7FFF;
            timestamp = (timestamp + timestampStep) & 0xFFFF_FFFFL;
            return frame;
        }

        /** A padding-only packet (as sent for bandwidth probing), with the last frame's timestamp. */
        Packet padding(long sentNanos) {
            byte[] bytes = rtp(PT, seq, (timestamp - 3000) & 0xFFFF_FFFFL, ssrc, false, new byte[0], 200);
            Packet p = new Packet(bytes, seq, sentNanos, true);
            seq = (seq + 1) & 0xFFFF;
            return p;
        }
    }

    /** An Opus sender: one 20 ms packet per frame. */
    static final class OpusSender {
        static final int PT = 111;
        final long ssrc;
        int seq;
        long timestamp;
        private int index;

        OpusSender(long ssrc, int seq, long timestamp) {
            this.ssrc = ssrc;
            this.seq = seq & 0xFFFF;
            this.timestamp = timestamp & 0xFFFF_FFFFL;
        }

        static OpusSender random(Random random) {
            return new OpusSender(random.nextInt() & 0xFFFF_FFFFL, random.nextInt(), random.nextInt());
        }

        Frame frame(long captureNanos) {
            byte[] data = new byte[60 + index % 20];
            data[0] = (byte) 0x78; // a TOC byte
            for (int i = 1; i < data.length; i++) {
                data[i] = (byte) (index + i);
            }
            byte[] bytes = rtp(PT, seq, timestamp, ssrc, false, data, 0);
            Frame frame = new Frame(index, timestamp, true, data, captureNanos,
                    List.of(new Packet(bytes, seq, captureNanos, false)));
            index++;
            seq = (seq + 1) & 0xFFFF;
            timestamp = (timestamp + 960) & 0xFFFF_FFFFL;
            return frame;
        }
    }
}
