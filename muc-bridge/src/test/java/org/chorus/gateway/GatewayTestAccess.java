package org.chorus.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.chorus.testing.ProsodyServer;

/** Lets tests in other packages start a real gateway on a test Prosody. */
public final class GatewayTestAccess {
    private GatewayTestAccess() {}

    public static AutoCloseable start(ProsodyServer server, List<String> rooms) throws Exception {
        return GatewayFixture.start(server, rooms, Map.of());
    }

    /**
     * Holds the gateway's signalling thread until {@link Paused#resume()}: stanzas that arrive
     * meanwhile queue up, in order, so a test can line up a race exactly.
     */
    public static Paused pauseSignalling(AutoCloseable gateway) throws InterruptedException {
        ScheduledThreadPoolExecutor signalling = (ScheduledThreadPoolExecutor) ((GatewayFixture) gateway).gateway().signalling();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        signalling.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.await();
        return new Paused(signalling, release);
    }

    /** A held signalling thread. */
    public static final class Paused {
        private final ScheduledThreadPoolExecutor signalling;
        private final CountDownLatch release;

        private Paused(ScheduledThreadPoolExecutor signalling, CountDownLatch release) {
            this.signalling = signalling;
            this.release = release;
        }

        /** Tasks waiting to run (stanzas handed over, timers). */
        public int queued() {
            return signalling.getQueue().size();
        }

        public void resume() {
            release.countDown();
        }
    }

    public static AutoCloseable start(ProsodyServer server, List<String> rooms, Map<String, Object> overrides)
            throws Exception {
        return GatewayFixture.start(server, rooms, overrides);
    }

    /** The UDP port the gateway started by {@link #start} receives media on. */
    public static int mediaPort(AutoCloseable gateway) {
        return ((GatewayFixture) gateway).gateway().mediaPort();
    }

    /** How often the gateway's component stream had to be opened again since start. */
    public static long reconnectAttempts(AutoCloseable gateway) {
        return ((GatewayFixture) gateway).gateway().reconnectAttempts();
    }
}
