package org.chorus.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PortLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A session stand-in: a deadline, counting its ticks. */
    private static final class FakeSession {
        final AtomicInteger ticks = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final PortLoop.Timed timed = new PortLoop.Timed(now -> {
            threads.add(Thread.currentThread().getName());
            ticks.incrementAndGet();
        }, "fake");

        FakeSession(long deadline) {
            timed.deadline = deadline;
        }
    }

    @Test
    void theSweepTicksOnlySessionsWhoseDeadlineHasPassed() throws Exception {
        try (PortLoop loop = PortLoop.open(1)) {
            FakeSession due = new FakeSession(System.nanoTime());
            FakeSession never = new FakeSession(Long.MAX_VALUE);
            FakeSession later = new FakeSession(System.nanoTime() + Duration.ofHours(1).toNanos());
            loop.schedule(due.timed);
            loop.schedule(never.timed);
            loop.schedule(later.timed);
            await().atMost(WAIT).until(() -> due.ticks.get() >= 3);
            assertThat(never.ticks).hasValue(0);
            assertThat(later.ticks).hasValue(0);
            assertThat(due.threads).containsOnly("chorus-ice-timer");

            loop.unschedule(due.timed);
            int ticked = due.ticks.get();
            loop.setDeadline(later.timed, System.nanoTime());
            await().atMost(WAIT).until(() -> later.ticks.get() >= 2);
            assertThat(due.ticks.get()).isLessThanOrEqualTo(ticked + 1); // at most a sweep already under way
        }
    }

    @Test
    void eventsRunInOrderOnOneThreadAndTheThreadsEndWithTheLoop() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        PortLoop loop = PortLoop.open(2);
        assertThat(loopThreads()).contains("chorus-ice-read-0", "chorus-ice-read-1", "chorus-ice-timer");
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.execute(() -> {
                seen.add(n);
                threads.add(Thread.currentThread().getName());
            });
        }
        await().atMost(WAIT).until(() -> seen.size() == 100);
        assertThat(seen).isSorted();
        assertThat(threads).containsOnly("chorus-ice-events");
        loop.close();
        assertThat(loop.isClosed()).isTrue();
        loop.execute(() -> seen.add(-1)); // dropped, not thrown
        await().atMost(WAIT).until(() -> loopThreads().isEmpty());
        assertThat(seen).hasSize(100);
    }

    /** Live threads of loops in this JVM, other than the ports of other test classes (none run concurrently). */
    private static List<String> loopThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("chorus-ice-")).toList();
    }
}
