package org.chorus.bench;

/**
 * The synthetic RTP packets of the load generator. After a plain 12-byte RTP header the payload
 * carries:
 * <pre>
 *   0..3   "CHBN"
 *   4..5   the sending participant's index
 *   6      the phase it was sent in: 0 warm-up, 1 measured, 2 after
 *   7      0 audio, 1 video
 *   8..15  System.nanoTime() just before the packet was handed to the sending stack
 *   16..   zeros up to the configured packet length
 * </pre>
 * Senders and receivers share one JVM, so the receive time minus the send time is the one-way
 * latency on one clock.
 */
final class BenchPayload {
    static final int AUDIO_PT = 111;
    static final int VIDEO_PT = 96;
    static final int HEADER = 12;
    static final int PAYLOAD = 16;
    static final int MIN_PACKET = HEADER + PAYLOAD;

    static final int WARMUP = 0;
    static final int MEASURED = 1;
    static final int AFTER = 2;

    private BenchPayload() {}

    /** Writes the parts of a packet that never change: version, payload type, SSRC, magic, sender, kind. */
    static void prepare(byte[] buf, boolean video, long ssrc, int sender) {
        buf[0] = (byte) 0x80;
        buf[1] = (byte) (video ? VIDEO_PT : AUDIO_PT);
        putInt(buf, 8, (int) ssrc);
        buf[HEADER] = 'C';
        buf[HEADER + 1] = 'H';
        buf[HEADER + 2] = 'B';
        buf[HEADER + 3] = 'N';
        buf[HEADER + 4] = (byte) (sender >>> 8);
        buf[HEADER + 5] = (byte) sender;
        buf[HEADER + 7] = (byte) (video ? 1 : 0);
    }

    /** Sets the per-packet fields; the send time is written last, just before sending. */
    static void stamp(byte[] buf, boolean marker, int seq, long rtpTimestamp, int phase, long nanos) {
        int pt = buf[1] & 0x7f;
        buf[1] = (byte) (marker ? pt | 0x80 : pt);
        buf[2] = (byte) (seq >>> 8);
        buf[3] = (byte) seq;
        putInt(buf, 4, (int) rtpTimestamp);
        buf[HEADER + 6] = (byte) phase;
        putLong(buf, HEADER + 8, nanos);
    }

    /** Where the payload of an RTP packet starts (after CSRCs and a header extension), or -1. */
    static int payloadOffset(byte[] buf, int off, int len) {
        if (len < HEADER) {
            return -1;
        }
        int p = off + HEADER + 4 * (buf[off] & 0x0f);
        if ((buf[off] & 0x10) != 0) {
            if (p + 4 > off + len) {
                return -1;
            }
            int words = (buf[p + 2] & 0xff) << 8 | (buf[p + 3] & 0xff);
            p += 4 + 4 * words;
        }
        return p + PAYLOAD <= off + len ? p : -1;
    }

    static boolean hasMagic(byte[] buf, int p) {
        return buf[p] == 'C' && buf[p + 1] == 'H' && buf[p + 2] == 'B' && buf[p + 3] == 'N';
    }

    static int sender(byte[] buf, int p) {
        return (buf[p + 4] & 0xff) << 8 | (buf[p + 5] & 0xff);
    }

    static int phase(byte[] buf, int p) {
        return buf[p + 6];
    }

    static long sentNanos(byte[] buf, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (buf[p + 8 + i] & 0xff);
        }
        return v;
    }

    private static void putInt(byte[] buf, int off, int v) {
        buf[off] = (byte) (v >>> 24);
        buf[off + 1] = (byte) (v >>> 16);
        buf[off + 2] = (byte) (v >>> 8);
        buf[off + 3] = (byte) v;
    }

    private static void putLong(byte[] buf, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            buf[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
