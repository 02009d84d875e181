package org.chorus.testing.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.chorus.media.rtp.Rtp;
import org.junit.jupiter.api.Test;

class VideoHistoryTest {

    private static byte[] packet(int seq, int length) {
        byte[] p = new byte[length];
        p[0] = (byte) 0x80;
        Rtp.setSequenceNumber(p, 0, seq);
        p[length - 1] = (byte) seq;
        return p;
    }

    @Test
    void resendsTheStoredPacketsThatAreStillHeldAcrossTheWrap() {
        VideoHistory history = new VideoHistory();
        for (int i = 0; i < 2000; i++) {
            int seq = (65_000 + i) & 0xFFFF;
            history.store(packet(seq, 100 + (i % 50)), 100 + (i % 50));
        }
        List<Integer> resent = new ArrayList<>();
        int newest = (65_000 + 1999) & 0xFFFF;
        int oldestHeld = (newest - VideoHistory.CAPACITY + 1) & 0xFFFF;
        int tooOld = (oldestHeld - 1) & 0xFFFF;
        int found = history.resend(new int[] {newest, oldestHeld, tooOld, 65_535, 0}, (buf, len) -> {
            int seq = Rtp.sequenceNumber(buf, 0);
            assertThat(buf[len - 1]).as("the packet's own bytes").isEqualTo((byte) seq);
            resent.add(seq);
        });
        assertThat(resent).containsExactly(newest, oldestHeld);
        assertThat(found).isEqualTo(2);
    }
}
