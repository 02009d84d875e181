package org.chorus.recording.grid;

import java.nio.FloatBuffer;

/**
 * Mixes every participant's decoded audio by sample index on the recording clock: samples are
 * summed into a ring of interleaved stereo floats, and clipped when a tick takes them out. Where
 * nobody spoke the ring holds zeros, so the output is continuous silence there.
 *
 * <p>Sample index {@code n} is time {@code n / 48000} s of the recording clock. Samples before the
 * read position (already emitted) or too far ahead of it are dropped.
 */
final class AudioMixer {
    static final int SAMPLE_RATE = 48_000;
    static final int CHANNELS = 2;

    private final float[] ring;
    private final int capacity;
    private long readPosition;
    private long droppedSamples;

    /** @param capacitySamples how far ahead of the read position samples may land (per channel) */
    AudioMixer(int capacitySamples) {
        this.capacity = capacitySamples;
        this.ring = new float[capacitySamples * CHANNELS];
    }

    /** Adds one stereo sample at absolute sample index {@code index}. */
    void add(long index, float left, float right) {
        if (index < readPosition || index >= readPosition + capacity) {
            droppedSamples++;
            return;
        }
        int slot = (int) (index % capacity) * CHANNELS;
        ring[slot] += left;
        ring[slot + 1] += right;
    }

    /**
     * Moves the next {@code count} samples (from the read position on) into {@code out} as
     * interleaved stereo, clipped to [-1, 1], and clears them in the ring. {@code out} may be null
     * to discard them. Returns the index of the first sample taken.
     */
    long take(int count, FloatBuffer out) {
        long first = readPosition;
        if (out != null) {
            out.clear();
        }
        for (int i = 0; i < count; i++) {
            int slot = (int) ((first + i) % capacity) * CHANNELS;
            for (int c = 0; c < CHANNELS; c++) {
                float v = ring[slot + c];
                ring[slot + c] = 0f;
                if (out != null) {
                    out.put(v > 1f ? 1f : (v < -1f ? -1f : v));
                }
            }
        }
        if (out != null) {
            out.flip();
        }
        readPosition = first + count;
        return first;
    }

    long readPosition() {
        return readPosition;
    }

    long droppedSamples() {
        return droppedSamples;
    }
}
