package org.chorus.media.dtls;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads every DTLS handshake of one owner runs on: a fixed number of workers, started at once,
 * plus one timer thread for handshake deadlines. The gateway's media plane and a client process's
 * media each own one, hand it to every {@link DtlsEndpoint}, and close it when they close.
 *
 * <p>BouncyCastle's DTLS handshake is blocking, so a handshake holds a worker from its first
 * datagram to its end, also while it waits for the peer's next flight; its deadline bounds that.
 * Handshakes beyond the workers wait in a queue, in order. An established association holds no
 * thread: its later datagrams are read on the thread that delivers them (see {@link DtlsEndpoint}).
 *
 * <p>Two queues: <em>responders</em> (a server endpoint whose ClientHello has arrived) go before
 * <em>initiators</em> (a client endpoint starting its handshake), and initiators never take the last
 * worker. A client handshake waits for its server; when both ends share one pool (two endpoints of
 * the same process talking to each other), a pool full of waiting clients whose servers are queued
 * behind them would only end in timeouts. A responder, on the other hand, always answers a client
 * that is already running, so it always makes progress.
 *
 * <p>Thread-safe. {@link #close()} stops the threads; handshakes still queued are rejected (their
 * endpoints fail), and running ones are interrupted.
 */
public final class DtlsWorkers implements AutoCloseable {

    /** One handshake waiting for a worker. */
    interface Job {
        /** Runs the handshake on a worker. */
        void run();

        /** The pool closed before the job could run. */
        void reject();
    }

    /** A scheduled deadline; cancel it when the handshake ends first. */
    interface Deadline {
        void cancel();
    }

    private static final Logger LOG = LoggerFactory.getLogger(DtlsWorkers.class);

    private final String name;
    private final int size;
    private final int initiatorLimit;
    private final List<Thread> workers;
    private final ScheduledThreadPoolExecutor timer;

    private final Object lock = new Object();
    private final ArrayDeque<Job> responders = new ArrayDeque<>(); // guarded by lock
    private final ArrayDeque<Job> initiators = new ArrayDeque<>(); // guarded by lock
    private int runningInitiators; // guarded by lock
    private int running; // guarded by lock
    private boolean closed; // guarded by lock

    /** The default size: two workers per processor, at least four. */
    public static int defaultSize() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** A pool of {@link #defaultSize()} workers. */
    public DtlsWorkers(String name) {
        this(name, defaultSize());
    }

    /**
     * @param name names the threads ({@code name-1} …, {@code name-deadlines})
     * @param size the number of workers, at least 2 (one is always left to responders)
     */
    public DtlsWorkers(String name, int size) {
        if (size < 2) {
            throw new IllegalArgumentException("a DTLS pool needs at least 2 workers: " + size);
        }
        this.name = name;
        this.size = size;
        this.initiatorLimit = size - 1;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, name + "-deadlines"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.timer.prestartAllCoreThreads();
        List<Thread> threads = new ArrayList<>(size);
        for (int i = 1; i <= size; i++) {
            Thread t = daemon(this::work, name + "-" + i);
            threads.add(t);
            t.start();
        }
        this.workers = List.copyOf(threads);
    }

    /** The number of workers. */
    public int size() {
        return size;
    }

    /** Every thread this pool owns: the workers and the deadline timer. Constant for the pool's life. */
    public int threadCount() {
        return size + 1;
    }

    /** Handshakes waiting for a worker. */
    public int queued() {
        synchronized (lock) {
            return responders.size() + initiators.size();
        }
    }

    /** Handshakes running on a worker now. */
    public int running() {
        synchronized (lock) {
            return running;
        }
    }

    /** Queues a handshake; rejects it at once when the pool is closed. Never blocks. */
    void submit(Job job, boolean initiator) {
        synchronized (lock) {
            if (!closed) {
                (initiator ? initiators : responders).add(job);
                lock.notifyAll();
                return;
            }
        }
        job.reject();
    }

    /** Runs {@code task} on the timer thread after {@code delay}; a no-op once the pool is closed. */
    Deadline schedule(Runnable task, Duration delay) {
        try {
            ScheduledFuture<?> future = timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return () -> { };
        }
    }

    /** Stops the workers and the timer; queued handshakes are rejected. Idempotent. */
    @Override
    public void close() {
        List<Job> rejected = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            rejected.addAll(responders);
            rejected.addAll(initiators);
            responders.clear();
            initiators.clear();
            lock.notifyAll();
        }
        timer.shutdownNow();
        workers.forEach(Thread::interrupt);
        rejected.forEach(DtlsWorkers::rejectQuietly);
    }

    @Override
    public String toString() {
        return "DtlsWorkers[" + name + ", " + size + " workers]";
    }

    private void work() {
        while (true) {
            Job job;
            boolean initiator;
            synchronized (lock) {
                while (true) {
                    if (closed) {
                        return;
                    }
                    job = responders.poll();
                    initiator = false;
                    if (job == null && runningInitiators < initiatorLimit) {
                        job = initiators.poll();
                        initiator = job != null;
                    }
                    if (job != null) {
                        break;
                    }
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // close() interrupts; the loop looks at the flag
                    }
                }
                running++;
                if (initiator) {
                    runningInitiators++;
                }
            }
            try {
                job.run();
            } catch (RuntimeException | Error e) {
                LOG.warn("{}: a DTLS handshake failed unexpectedly", name, e);
            } finally {
                Thread.interrupted(); // an interrupt meant for the job must not reach the next one
                synchronized (lock) {
                    running--;
                    if (initiator) {
                        runningInitiators--;
                        lock.notifyAll(); // a waiting initiator may now run
                    }
                }
            }
        }
    }

    private static void rejectQuietly(Job job) {
        try {
            job.reject();
        } catch (RuntimeException e) {
            LOG.warn("rejecting a DTLS handshake failed", e);
        }
    }

    private static Thread daemon(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
    }
}
