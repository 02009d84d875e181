package org.chorus.testing.media;

import java.util.random.RandomGenerator;

/**
 * Splits VP8 frames into RTP packets as RFC 7741 describes and as browsers send them: every packet
 * has the 4-byte payload descriptor with X=1 and I=1 (a 15-bit PictureID, one per frame), S=1 and
 * PID 0 on the frame's first packet, payloads of at most {@link #MAX_PAYLOAD} bytes of nearly
 * equal size, and the RTP marker on the last packet. Used from one thread.
 */
final class Vp8Packetizer {
    /** The most VP8 bytes (descriptor included) in one packet. */
    static final int MAX_PAYLOAD = 1100;
    static final int DESCRIPTOR_LENGTH = 4;

    /** Gets each packet as it is written; the buffer is reused after the call. */
    interface Sink {
        void packet(byte[] buf, int length);
    }

    private final RtpStream stream;
    private final byte[] scratch = new byte[1500];
    private int pictureId;

    Vp8Packetizer(RtpStream stream, RandomGenerator random) {
        this.stream = stream;
        this.pictureId = random.nextInt(1 << 15);
    }

    /** Packetizes one frame; returns the number of packets. */
    int packetize(long ptsMicros, byte[] frame, Sink sink) {
        int chunkMax = MAX_PAYLOAD - DESCRIPTOR_LENGTH;
        int count = Math.max(1, (frame.length + chunkMax - 1) / chunkMax);
        int chunk = (frame.length + count - 1) / count;
        int offset = 0;
        for (int i = 0; i < count; i++) {
            int n = Math.min(chunk, frame.length - offset);
            boolean last = i == count - 1;
            int p = stream.writeHeader(scratch, ptsMicros, last, DESCRIPTOR_LENGTH + n);
            scratch[p] = (byte) (i == 0 ? 0x90 : 0x80); // X=1, N=0, S on the first, PID=0
            scratch[p + 1] = (byte) 0x80; // I=1: PictureID present
            scratch[p + 2] = (byte) (0x80 | (pictureId >>> 8)); // M=1: 15 bits
            scratch[p + 3] = (byte) pictureId;
            System.arraycopy(frame, offset, scratch, p + DESCRIPTOR_LENGTH, n);
            sink.packet(scratch, p + DESCRIPTOR_LENGTH + n);
            offset += n;
        }
        pictureId = (pictureId + 1) & 0x7FFF;
        return count;
    }
}
