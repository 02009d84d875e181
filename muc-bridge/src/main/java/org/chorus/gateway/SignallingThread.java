package org.chorus.gateway;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns all signalling state (rooms, calls, pending requests): no locks, and
 * stanzas are handled in the order they arrived.
 *
 * <p>A task given with {@code execute} or {@code schedule…} that throws is logged and does no further
 * harm: a periodic task runs again at its next period (a {@link ScheduledThreadPoolExecutor} would
 * otherwise cancel it for good, silently), and a one-off task's failure is logged instead of vanishing
 * into a future nobody reads. Tasks given with {@code submit} report their failure to their future.
 */
final class SignallingThread extends ScheduledThreadPoolExecutor {
    private static final Logger log = LoggerFactory.getLogger(SignallingThread.class);

    private SignallingThread() {
        super(1, r -> {
            Thread t = new Thread(r, "chorus-signalling");
            t.setDaemon(true);
            return t;
        });
        setRemoveOnCancelPolicy(true);
    }

    static ScheduledExecutorService create() {
        return new SignallingThread();
    }

    @Override
    public void execute(Runnable command) {
        super.schedule(guarded(command), 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return super.schedule(guarded(command), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return super.scheduleAtFixedRate(guarded(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return super.scheduleWithFixedDelay(guarded(command), initialDelay, delay, unit);
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("A signalling task failed (it does not stop the others, and a periodic one runs again)", e);
            }
        };
    }
}
