package org.chorus.testing.fakes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded {@link ScheduledExecutorService} on a virtual clock: nothing runs until the test
 * calls {@link #advance(Duration)}, and then it runs on the test's thread, in due order. For timeouts
 * and retries without sleeping.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final List<Task<?>> tasks = new ArrayList<>();
    private long nowMillis;
    private long sequence;
    private boolean shutdown;

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long due;
        final long order = sequence++;

        Task(Callable<V> callable, long due) {
            super(callable);
            this.due = due;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nowMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
        }
    }

    /** Moves the clock on and runs every task that falls due, including ones scheduled meanwhile. */
    public void advance(Duration duration) {
        long target = nowMillis + duration.toMillis();
        while (true) {
            Task<?> next = tasks.stream()
                    .filter(t -> !t.isCancelled() && t.due <= target)
                    .min(Comparator.<Task<?>>comparingLong(t -> t.due).thenComparingLong(t -> t.order))
                    .orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            nowMillis = Math.max(nowMillis, next.due);
            next.run();
        }
        nowMillis = target;
        tasks.removeIf(Task::isCancelled);
    }

    /**
     * A {@link Clock} that reads {@code origin} plus the virtual time that has passed here, so that
     * timestamps taken by the code under test agree with the timers it runs ({@link #advance}).
     */
    public Clock clock(Instant origin) {
        return new VirtualClock(origin, ZoneOffset.UTC);
    }

    private final class VirtualClock extends Clock {
        private final Instant origin;
        private final ZoneId zone;

        VirtualClock(Instant origin, ZoneId zone) {
            this.origin = origin;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId newZone) {
            return new VirtualClock(origin, newZone);
        }

        @Override
        public Instant instant() {
            return origin.plusMillis(nowMillis);
        }
    }

    /** Runs what is due now without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Tasks not yet run and not cancelled. */
    public int pending() {
        return (int) tasks.stream().filter(t -> !t.isCancelled()).count();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(() -> {
            command.run();
            return null;
        }, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Task<V> task = new Task<>(callable, nowMillis + Math.max(0, unit.toMillis(delay)));
        tasks.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the code under test");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the code under test");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(tasks);
        tasks.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
