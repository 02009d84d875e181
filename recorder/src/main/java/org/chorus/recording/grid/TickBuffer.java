package org.chorus.recording.grid;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Everything one tick of the output carries: the composited picture and the mixed audio of that
 * 1/30 s (1600 stereo samples). Allocated once and reused.
 */
final class TickBuffer implements AutoCloseable {
    final Canvas canvas;
    /** Direct, so the encoder reads it in place. Interleaved stereo floats. */
    final FloatBuffer audio;
    long tick;

    TickBuffer(int width, int height, int samplesPerTick) {
        this.canvas = new Canvas(width, height);
        this.audio = java.nio.ByteBuffer.allocateDirect(samplesPerTick * AudioMixer.CHANNELS * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    @Override
    public void close() {
        canvas.close();
    }
}
