package org.chorus.recording.tracks;

/**
 * The VP8 frame header (RFC 6386 §9.1), read only for what a container needs: whether a frame is a
 * keyframe and, for a keyframe, its size. A muxer cannot write a video header without a size, so
 * a track waits for its first keyframe.
 */
final class Vp8Keyframe {

    private Vp8Keyframe() {
    }

    /** Whether the frame is a keyframe: bit 0 of the first byte is 0. */
    static boolean isKeyframe(byte[] data, int offset, int length) {
        return length >= 10 && (data[offset] & 1) == 0 && data[offset + 3] == (byte) 0x9d
                && data[offset + 4] == (byte) 0x01 && data[offset + 5] == (byte) 0x2a;
    }

    /** The 14-bit width of a keyframe, or 0 when the frame is not one. */
    static int width(byte[] data, int offset, int length) {
        return isKeyframe(data, offset, length) ? le16(data, offset + 6) & 0x3FFF : 0;
    }

    /** The 14-bit height of a keyframe, or 0 when the frame is not one. */
    static int height(byte[] data, int offset, int length) {
        return isKeyframe(data, offset, length) ? le16(data, offset + 8) & 0x3FFF : 0;
    }

    private static int le16(byte[] data, int at) {
        return (data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8;
    }
}
