package org.chorus.gateway;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns all signalling state (rooms, calls, pending requests): no locks, and
 * stanzas are handled in the order they arrived.
 */
final class SignallingThread {
    private static final Logger log = LoggerFactory.getLogger(SignallingThread.class);

    private SignallingThread() {}

    static ScheduledExecutorService create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } catch (Throwable e) {
                    log.error("Signalling thread failure", e);
                    throw e;
                }
            }, "chorus-signalling");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
