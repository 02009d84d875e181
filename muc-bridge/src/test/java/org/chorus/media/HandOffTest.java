package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.chorus.media.rtp.BufferPool;
import org.chorus.media.rtp.PacketBuffer;
import org.junit.jupiter.api.Test;

class HandOffTest {
    private final BufferPool pool = new BufferPool(16);

    @Test
    void firstInFirstOutUntilFullThenRefusesAndTakesAgainOnceRun() {
        HandOff queue = new HandOff(3); // rounded up to 4
        assertThat(queue.capacity()).isEqualTo(4);
        List<String> ran = new ArrayList<>();
        List<PacketBuffer> packets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String name = "p" + i;
            PacketBuffer p = pool.acquire();
            packets.add(p);
            assertThat(queue.offer(packet -> {
                ran.add(name);
                packet.release();
            }, p)).isTrue();
        }
        PacketBuffer extra = pool.acquire();
        assertThat(queue.offer(packet -> ran.add("extra"), extra)).isFalse();
        assertThat(extra.isOwned()).as("a refused packet stays the caller's").isTrue();
        extra.release();

        assertThat(queue.runNext()).isTrue();
        assertThat(queue.offer(packet -> {
            ran.add("p4");
            packet.release();
        }, pool.acquire())).as("a slot is free again").isTrue();
        while (queue.runNext()) {
            // drain
        }
        assertThat(ran).containsExactly("p0", "p1", "p2", "p3", "p4");
        assertThat(queue.isEmpty()).isTrue();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void clearReleasesWithoutRunning() {
        HandOff queue = new HandOff(8);
        for (int i = 0; i < 5; i++) {
            queue.offer(packet -> {
                throw new AssertionError("cleared entries never run");
            }, pool.acquire());
        }
        assertThat(queue.clear()).isEqualTo(5);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void capacityIsBounded() {
        assertThatThrownBy(() -> new HandOff(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new HandOff(4096).capacity()).isEqualTo(4096);
    }
}
