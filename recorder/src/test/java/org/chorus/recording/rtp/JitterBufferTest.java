package org.chorus.recording.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitterBufferTest {

    private static final long MS = 1_000_000L;

    /** Records the released sequence as payload first bytes, -1 for a given-up packet. */
    private static final class Released implements PacketSink {
        final List<Integer> order = new ArrayList<>();

        @Override
        public void packet(long extendedTimestamp, boolean marker, byte[] payload, int offset, int length) {
            order.add(payload[offset] & 0xFF);
        }

        @Override
        public void lost() {
            order.add(-1);
        }
    }

    private final JitterBuffer buffer = new JitterBuffer(64, 100 * MS, 32, 3, 50 * MS, 20 * MS);
    private final Released released = new Released();

    private JitterBuffer.Insert insert(int seq, int tag, long at) {
        JitterBuffer.Insert result = buffer.insert(seq & 0xFFFF, 0, false, new byte[] {(byte) tag}, 0, 1, at,
                released);
        buffer.release(at, released);
        return result;
    }

    @Test
    void packetsReorderedBeforeTheFirstArrival_areKept() {
        insert(0xFFFF, 2, 0);
        insert(0xFFFE, 1, 10 * MS);
        insert(0, 3, 20 * MS);
        assertThat(released.order).isEmpty(); // nothing leaves during the first delay
        buffer.release(100 * MS, released);
        assertThat(released.order).containsExactly(1, 2, 3);
    }

    @Test
    void aGapHoldsLaterPacketsBackUntilItsDeadline_thenIsGivenUp_andLateArrivalsAreCounted() {
        insert(100, 1, 0);
        buffer.release(100 * MS, released);
        insert(102, 3, 110 * MS);
        int[] nacks = new int[8];
        assertThat(buffer.nacksDue(110 * MS, nacks)).isEqualTo(1);
        assertThat(nacks[0]).isEqualTo(101);
        assertThat(buffer.nacksDue(140 * MS, nacks)).isZero(); // not yet due again
        assertThat(buffer.nacksDue(160 * MS, nacks)).isEqualTo(1);
        assertThat(buffer.nacksDue(200 * MS, nacks)).isZero(); // too close to the deadline to be worth it
        buffer.release(209 * MS, released);
        assertThat(released.order).containsExactly(1);
        buffer.release(210 * MS, released);
        assertThat(released.order).containsExactly(1, -1, 3);
        assertThat(insert(101, 2, 220 * MS)).isEqualTo(JitterBuffer.Insert.LATE);
        assertThat(insert(102, 3, 220 * MS)).isEqualTo(JitterBuffer.Insert.DUPLICATE);
        assertThat(buffer.lostPackets()).isEqualTo(1);
    }

    @Test
    void aJumpBeyondTheCapacity_releasesEverything_andCountsTheGapLost() {
        insert(10, 1, 0);
        buffer.release(100 * MS, released);
        insert(12, 3, 110 * MS);
        assertThat(insert(12 + 1000, 4, 120 * MS)).isEqualTo(JitterBuffer.Insert.STORED_AFTER_LARGE_GAP);
        assertThat(released.order).hasSize(1 + 1 + 1 + 999 + 1);
        assertThat(released.order.subList(0, 3)).containsExactly(1, -1, 3);
        assertThat(released.order.get(released.order.size() - 1)).isEqualTo(4);
        assertThat(buffer.lostPackets()).isEqualTo(1000);
        int[] nacks = new int[8];
        assertThat(buffer.nacksDue(130 * MS, nacks)).isZero();
    }
}
