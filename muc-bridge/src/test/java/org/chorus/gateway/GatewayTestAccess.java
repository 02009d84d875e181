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

    /**
     * Starts the gateway as its own process (its command line, as systemd runs it, with the JVM
     * options given), with the same settings {@link #start} would use, so that its threads and heap
     * are its own. It must be in a room's occupant list before a call can be made: await that.
     */
    public static Child startProcess(ProsodyServer server, List<String> jvmOptions, Map<String, Object> overrides)
            throws Exception {
        java.nio.file.Path config = GatewayFixture.configFile(server, List.of(), overrides);
        return new Child(GatewayProcess.start(server.workDir(), jvmOptions, Map.of(), "--config", config.toString()));
    }

    /** A gateway in a process of its own. */
    public static final class Child implements AutoCloseable {
        private final GatewayProcess process;
        /** Kills the process if this JVM exits first (a test killed by its time-out). */
        private final Thread killer;

        private Child(GatewayProcess process) {
            this.process = process;
            this.killer = new Thread(process::close, "gateway-process-killer");
            Runtime.getRuntime().addShutdownHook(killer);
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** What it wrote to stdout and stderr so far. */
        public String output() {
            return process.stdout() + process.stderr();
        }

        /** SIGTERM, as systemd stops it, then SIGKILL if it has not exited in 20 s. */
        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.terminate();
                try {
                    process.waitForExit(20);
                } catch (AssertionError e) {
                    // killed by waitForExit
                }
            }
            process.close();
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // this JVM is exiting: the hook runs anyway
            }
        }
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
