package org.chorus.recording.tracks;

/**
 * What the tracks writer needs to know about Opus packets (RFC 6716 §3.1): their duration from the
 * TOC byte, the OpusHead a WebM track needs as its CodecPrivate, and the one-byte packet that
 * fills a gap so that the decoded audio keeps the timeline.
 */
final class OpusPackets {

    /** Samples per second of every Opus stream on the recording's wire. */
    static final int SAMPLE_RATE = 48_000;

    /**
     * A TOC-only packet: config 31 (CELT fullband, 20 ms), mono, code 0, and no frame data. A
     * decoder treats the empty frame as lost and conceals 20 ms.
     */
    static final byte GAP_FILL_TOC = (byte) 0xF8;

    /** What {@link #GAP_FILL_TOC} stands for. */
    static final long GAP_FILL_MICROS = 20_000;

    private static final int[] SILK_MICROS = {10_000, 20_000, 40_000, 60_000};
    private static final int[] HYBRID_MICROS = {10_000, 20_000};
    private static final int[] CELT_MICROS = {2_500, 5_000, 10_000, 20_000};

    private OpusPackets() {
    }

    /** The packet's duration in microseconds, or 0 when it is too short to tell. */
    static long durationMicros(byte[] data, int offset, int length) {
        if (length < 1) {
            return 0;
        }
        int toc = data[offset] & 0xFF;
        int config = toc >>> 3;
        long frameMicros;
        if (config < 12) {
            frameMicros = SILK_MICROS[config & 3];
        } else if (config < 16) {
            frameMicros = HYBRID_MICROS[config & 1];
        } else {
            frameMicros = CELT_MICROS[config & 3];
        }
        int frames = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> length >= 2 ? data[offset + 1] & 0x3F : 0;
        };
        return frameMicros * frames;
    }

    /**
     * The 19-byte OpusHead (RFC 7845 §5.1) for a stereo 48 kHz stream without pre-skip or gain,
     * channel mapping family 0.
     */
    static byte[] opusHead(int channels) {
        byte[] head = new byte[19];
        byte[] magic = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};
        System.arraycopy(magic, 0, head, 0, magic.length);
        head[8] = 1; // version
        head[9] = (byte) channels;
        // pre-skip 0 (bytes 10-11)
        head[12] = (byte) SAMPLE_RATE;
        head[13] = (byte) (SAMPLE_RATE >>> 8);
        head[14] = (byte) (SAMPLE_RATE >>> 16);
        head[15] = (byte) (SAMPLE_RATE >>> 24);
        // output gain 0 (bytes 16-17), mapping family 0 (byte 18)
        return head;
    }
}
