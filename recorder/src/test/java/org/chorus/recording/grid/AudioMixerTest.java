package org.chorus.recording.grid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class AudioMixerTest {

    @Test
    void sumsBySampleIndexClipsAndIsSilentElsewhere() {
        AudioMixer mixer = new AudioMixer(1000);
        mixer.add(2, 0.25f, -0.5f);
        mixer.add(2, 0.5f, -0.75f); // a second speaker at the same instant
        mixer.add(3, 0.75f, 0f);
        mixer.add(3, 0.75f, 0f); // 1.5 clips to 1
        FloatBuffer out = FloatBuffer.allocate(8);
        assertThat(mixer.take(4, out)).isZero();
        float[] got = new float[8];
        out.get(got);
        assertThat(got).containsExactly(0f, 0f, 0f, 0f, 0.75f, -1f, 1f, 0f);
        // taken samples are cleared: the ring comes round to silence
        FloatBuffer next = FloatBuffer.allocate(2000);
        mixer.take(1000, next);
        while (next.hasRemaining()) {
            assertThat(next.get()).isZero();
        }
    }

    @Test
    void dropsSamplesAlreadyEmittedOrTooFarAhead() {
        AudioMixer mixer = new AudioMixer(100);
        mixer.take(50, null);
        mixer.add(10, 1f, 1f);
        mixer.add(150, 1f, 1f);
        assertThat(mixer.droppedSamples()).isEqualTo(2);
        FloatBuffer out = FloatBuffer.allocate(200);
        mixer.take(100, out);
        while (out.hasRemaining()) {
            assertThat(out.get()).isZero();
        }
    }
}
