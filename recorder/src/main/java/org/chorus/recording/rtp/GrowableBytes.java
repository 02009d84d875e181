package org.chorus.recording.rtp;

import java.util.Arrays;

/**
 * A reusable byte array that grows to the largest content it has held and is then reused, so that
 * assembling frames allocates only while the stream's frames keep getting bigger.
 */
final class GrowableBytes {

    private byte[] bytes;
    private int length;

    GrowableBytes(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    void clear() {
        length = 0;
    }

    void append(byte[] src, int off, int len) {
        ensureRoom(len);
        System.arraycopy(src, off, bytes, length, len);
        length += len;
    }

    void append(int b) {
        ensureRoom(1);
        bytes[length++] = (byte) b;
    }

    private void ensureRoom(int extra) {
        int needed = length + extra;
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
    }
}
