package org.chorus.testing.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkedAvTest {

    @Test
    void videoFramesAreVp8OnTheFrameClockWithKeyframesEveryThreeSecondsAndOnDemand() {
        try (MarkedAv av = new MarkedAv(320, 180, 30)) {
            List<EncodedFrame> frames = new ArrayList<>();
            for (int i = 0; i < 140; i++) {
                if (i == 100) {
                    av.forceKeyframe();
                }
                frames.add(av.nextVideo());
            }
            for (int i = 0; i < frames.size(); i++) {
                EncodedFrame f = frames.get(i);
                assertThat(f.ptsMicros()).isEqualTo(i * 1_000_000L / 30);
                // the VP8 payload header: bit 0 of the first byte is 0 on keyframes
                assertThat((f.data()[0] & 1) == 0).as("frame %d key bit", i).isEqualTo(f.keyframe());
            }
            EncodedFrame first = frames.get(0);
            assertThat(first.keyframe()).isTrue();
            // keyframe start code and the size in the keyframe header
            assertThat(first.data()[3] & 0xff).isEqualTo(0x9d);
            assertThat(first.data()[4] & 0xff).isEqualTo(0x01);
            assertThat(first.data()[5] & 0xff).isEqualTo(0x2a);
            assertThat((first.data()[6] & 0xff | (first.data()[7] & 0x3f) << 8)).isEqualTo(320);
            assertThat((first.data()[8] & 0xff | (first.data()[9] & 0x3f) << 8)).isEqualTo(180);
            assertThat(frames.get(90).keyframe()).as("keyframe after 3 s").isTrue();
            assertThat(frames.get(100).keyframe()).as("forced keyframe").isTrue();
            assertThat(frames.subList(1, 90)).noneMatch(EncodedFrame::keyframe);
            assertThat(frames.subList(101, 140)).noneMatch(EncodedFrame::keyframe);
        }
    }

    @Test
    void audioPacketsAreTwentyMillisecondOpusStereo() {
        try (MarkedAv av = new MarkedAv(320, 180, 30)) {
            for (int i = 0; i < 150; i++) {
                EncodedFrame p = av.nextAudio();
                assertThat(p.ptsMicros()).isEqualTo(i * 20_000L);
                // Opus TOC: config ≥ 12 (SILK/hybrid/CELT 20 ms or CELT), stereo flag set, code 0
                int toc = p.data()[0] & 0xff;
                assertThat(toc & 0x04).as("stereo bit of packet %d", i).isEqualTo(0x04);
                assertThat(toc & 0x03).as("one frame per packet").isZero();
                assertThat(p.data().length).isBetween(2, 1275);
            }
        }
    }

    @Test
    void flashesOnlyAtMultiplesOfTheMarkPeriod() {
        assertThat(MarkedAv.isMarked(0)).isFalse();
        assertThat(MarkedAv.isMarked(1_999_999)).isFalse();
        assertThat(MarkedAv.isMarked(2_000_000)).isTrue();
        assertThat(MarkedAv.isMarked(2_066_666)).isTrue();
        assertThat(MarkedAv.isMarked(2_100_000)).isFalse();
        assertThat(MarkedAv.isMarked(4_000_000)).isTrue();
    }
}
