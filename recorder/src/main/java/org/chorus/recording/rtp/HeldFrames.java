package org.chorus.recording.rtp;

import java.util.Arrays;

/**
 * Frames waiting for their stream's clock mapping (the first sender reports), stored back to back
 * in one reusable array. Filled only until the mapping exists, then drained once.
 */
final class HeldFrames {

    interface Consumer {
        void frame(long extendedTimestamp, boolean keyframe, byte[] data, int offset, int length);
    }

    private final GrowableBytes bytes = new GrowableBytes(256 * 1024);
    private long[] timestamps = new long[64];
    private boolean[] keyframes = new boolean[64];
    private int[] offsets = new int[64];
    private int[] lengths = new int[64];
    private int count;

    boolean isEmpty() {
        return count == 0;
    }

    int byteCount() {
        return bytes.length();
    }

    /** The timestamp of the oldest frame; only when not empty. */
    long firstTimestamp() {
        return timestamps[0];
    }

    void add(long extendedTimestamp, boolean keyframe, byte[] data, int offset, int length) {
        if (count == timestamps.length) {
            int n = count * 2;
            timestamps = Arrays.copyOf(timestamps, n);
            keyframes = Arrays.copyOf(keyframes, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        timestamps[count] = extendedTimestamp;
        keyframes[count] = keyframe;
        offsets[count] = bytes.length();
        lengths[count] = length;
        bytes.append(data, offset, length);
        count++;
    }

    /** Hands every frame to the consumer, oldest first, and empties. */
    void drainTo(Consumer consumer) {
        for (int i = 0; i < count; i++) {
            consumer.frame(timestamps[i], keyframes[i], bytes.array(), offsets[i], lengths[i]);
        }
        count = 0;
        bytes.clear();
    }
}
