package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyframeRequestLimiterTest {

    private static final long MS = 1_000_000L;
    private static final int PUBLISHER = 0x1234;

    private final AtomicLong now = new AtomicLong(-5_000 * MS); // nanoTime may well be negative
    private final KeyframeRequestLimiter limiter = new KeyframeRequestLimiter(Duration.ofMillis(300), now::get);

    @Test
    void foldsRequestsWithinTheIntervalIntoOne() {
        assertThat(limiter.tryRequest(PUBLISHER)).isTrue();
        for (int receiver = 0; receiver < 20; receiver++) {
            now.addAndGet(10 * MS);
            assertThat(limiter.tryRequest(PUBLISHER)).isFalse();
        }
        now.addAndGet(99 * MS);
        assertThat(limiter.tryRequest(PUBLISHER)).isFalse();
        now.addAndGet(MS);
        assertThat(limiter.tryRequest(PUBLISHER)).isTrue();
        assertThat(limiter.tryRequest(PUBLISHER)).isFalse();
    }

    @Test
    void limitsEachPublisherSsrcSeparately() {
        assertThat(limiter.tryRequest(PUBLISHER)).isTrue();
        assertThat(limiter.tryRequest(PUBLISHER + 1)).isTrue();
        assertThat(limiter.tryRequest(PUBLISHER)).isFalse();
        assertThat(limiter.tryRequest(PUBLISHER + 1)).isFalse();
    }

    @Test
    void forgettingAnSsrcStartsItAfresh() {
        assertThat(limiter.tryRequest(PUBLISHER)).isTrue();
        limiter.forget(PUBLISHER);
        assertThat(limiter.tryRequest(PUBLISHER)).isTrue();
    }

    @Test
    void numbersFirsPerTargetModulo256() {
        assertThat(limiter.nextFirSequenceNumber(PUBLISHER)).isZero();
        assertThat(limiter.nextFirSequenceNumber(PUBLISHER)).isEqualTo(1);
        assertThat(limiter.nextFirSequenceNumber(PUBLISHER + 1)).isZero();
        for (int i = 2; i < 256; i++) {
            limiter.nextFirSequenceNumber(PUBLISHER);
        }
        assertThat(limiter.nextFirSequenceNumber(PUBLISHER)).isZero();
    }

    @Test
    void writesPliOrFirOnlyWhenDue() {
        byte[] buf = new byte[20];
        assertThat(limiter.writeRequestIfDue(buf, 0, 1, PUBLISHER, false)).isEqualTo(12);
        assertThat(Rtcp.isPli(buf, 0, 12)).isTrue();
        assertThat(Rtcp.mediaSsrc(buf, 0)).isEqualTo(PUBLISHER);
        assertThat(limiter.writeRequestIfDue(buf, 0, 1, PUBLISHER, true)).isZero();

        now.addAndGet(300 * MS);
        assertThat(limiter.writeRequestIfDue(buf, 0, 1, PUBLISHER, true)).isEqualTo(20);
        assertThat(Rtcp.isFir(buf, 0, 20)).isTrue();
        assertThat(Rtcp.firSsrc(buf, 0, 0)).isEqualTo(PUBLISHER);
        assertThat(Rtcp.firSequenceNumber(buf, 0, 0)).isZero();
        now.addAndGet(300 * MS);
        limiter.writeRequestIfDue(buf, 0, 1, PUBLISHER, true);
        assertThat(Rtcp.firSequenceNumber(buf, 0, 0)).isEqualTo(1);
    }

    @Test
    void exactlyOneOfManyRacingReceiversGetsThrough() throws Exception {
        int threads = 8;
        for (int round = 0; round < 50; round++) {
            now.addAndGet(1_000 * MS);
            CyclicBarrier start = new CyclicBarrier(threads);
            AtomicInteger granted = new AtomicInteger();
            List<Thread> racers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                racers.add(new Thread(() -> {
                    try {
                        start.await();
                        if (limiter.tryRequest(PUBLISHER)) {
                            granted.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            racers.forEach(Thread::start);
            for (Thread racer : racers) {
                racer.join();
            }
            assertThat(granted.get()).isEqualTo(1);
        }
    }
}
