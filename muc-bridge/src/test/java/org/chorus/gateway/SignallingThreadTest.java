package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A failing task never stops the signalling thread's other work, nor its own next period. */
class SignallingThreadTest {
    private final ScheduledExecutorService signalling = SignallingThread.create();

    @AfterEach
    void tearDown() {
        signalling.shutdownNow();
    }

    @Test
    void aPeriodicTaskThatThrowsRunsAgain() {
        AtomicInteger runs = new AtomicInteger();
        signalling.scheduleWithFixedDelay(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("housekeeping hit bad input");
        }, 0, 10, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
    }

    @Test
    void aOneOffTaskThatThrowsDoesNotStopTheNext() {
        AtomicInteger after = new AtomicInteger();
        signalling.execute(() -> {
            throw new IllegalStateException("a handler failed");
        });
        signalling.execute(after::incrementAndGet);
        signalling.schedule(after::incrementAndGet, 1, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> after.get() == 2);
        assertThat(signalling.isShutdown()).isFalse();
    }
}
