package org.chorus.media.ice;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that drive every {@link SharedUdpPort} and {@link IceSession} of one owner (the
 * gateway's media plane, or one client process's media): their number is fixed when the loop is
 * opened and never depends on how many sessions there are.
 *
 * <ul>
 *   <li>{@code chorus-ice-read-N}: the readers, each a {@link java.nio.channels.Selector} over
 *       non-blocking channels; a datagram is demultiplexed and handed to its session on the reader
 *       that read it (see {@link DatagramReader}).</li>
 *   <li>{@code chorus-ice-timer} ({@link IceTimer}): sweeps the registered sessions when the
 *       earliest deadline comes, ticking those whose deadline has passed (retransmissions, paced
 *       checks, consent, timeouts), and sleeps until the next.</li>
 *   <li>{@code chorus-ice-events}: one thread on which the sessions' state listeners run, in the
 *       order the changes happened.</li>
 * </ul>
 *
 * <p>Never shared through a static: the owner opens it and closes it with its ports.
 */
public final class PortLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortLoop.class);

    /** What the timer sweep ticks for one ICE session: its next deadline, and what to run then. */
    static final class Timed {
        /** The System.nanoTime at or after which the tick should run; Long.MAX_VALUE for never. */
        volatile long deadline = Long.MAX_VALUE;
        private final LongConsumer tick;
        private final String name;

        Timed(LongConsumer tick, String name) {
            this.tick = tick;
            this.name = name;
        }

        void tick(long now) {
            tick.accept(now);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final List<DatagramReader> readers;
    private final IceTimer timer;
    private final ExecutorService events;
    private final AtomicBoolean receiveBufferLogged = new AtomicBoolean();
    private volatile boolean closed;

    private PortLoop(int readerCount) throws IOException {
        List<DatagramReader> list = new ArrayList<>(readerCount);
        try {
            for (int i = 0; i < readerCount; i++) {
                list.add(DatagramReader.start("chorus-ice-read-" + i));
            }
        } catch (IOException | RuntimeException e) {
            list.forEach(DatagramReader::close);
            throw e;
        }
        this.readers = List.copyOf(list);
        this.timer = new IceTimer("chorus-ice-timer");
        this.events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "chorus-ice-events"));
    }

    /**
     * Starts a loop with {@code readers} reader threads (at least one), one timer thread and one
     * event thread.
     *
     * @throws IOException when a selector cannot be opened
     */
    public static PortLoop open(int readers) throws IOException {
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be >= 1: " + readers);
        }
        PortLoop loop = new PortLoop(readers);
        LOG.debug("ICE port loop started with {} reader(s)", readers);
        return loop;
    }

    /** How many reader threads the loop has. */
    public int readerCount() {
        return readers.size();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Registers a non-blocking channel with the reader that has the fewest channels; from then on
     * that reader hands every datagram of the channel to {@code handler}. Returns the reader: tell
     * it {@link DatagramReader#released()} after closing the channel.
     */
    DatagramReader register(DatagramChannel channel, DatagramReader.Handler handler) {
        requireOpen();
        DatagramReader least = readers.get(0);
        for (DatagramReader r : readers) {
            if (r.channelCount() < least.channelCount()) {
                least = r;
            }
        }
        least.register(channel, handler);
        return least;
    }

    /** Includes a session in the timer sweep until {@link #unschedule}. */
    void schedule(Timed t) {
        requireOpen();
        timer.add(t);
    }

    void unschedule(Timed t) {
        timer.remove(t);
    }

    /** Sets a session's next deadline, waking the timer thread if it now has to run earlier. */
    void setDeadline(Timed t, long deadline) {
        t.deadline = deadline;
        timer.deadlineSet(deadline);
    }

    /** Runs a task on the event thread, after every task handed over before it; dropped once closed. */
    void execute(Runnable task) {
        try {
            events.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("ICE event dropped: the port loop is closed");
        }
    }

    /**
     * Logs, for the first port of the loop, the receive buffer the kernel granted: it caps
     * {@code SO_RCVBUF} at {@code net.core.rmem_max} (and Linux reports twice what it keeps for
     * data, as it counts its bookkeeping).
     */
    void logReceiveBufferOnce(DatagramChannel channel, int requested) {
        if (!receiveBufferLogged.compareAndSet(false, true)) {
            return;
        }
        try {
            int effective = channel.getOption(StandardSocketOptions.SO_RCVBUF);
            if (requested > 0 && effective < requested) {
                LOG.warn("Media socket receive buffer is {} bytes, less than the {} configured: the kernel caps it at "
                        + "net.core.rmem_max (raise it with sysctl)", effective, requested);
            } else {
                LOG.info("Media socket receive buffer is {} bytes ({} configured)", effective,
                        requested > 0 ? requested : "none");
            }
        } catch (IOException e) {
            LOG.debug("cannot read SO_RCVBUF", e);
        }
    }

    /** How many sessions the timer sweeps. */
    int timedCount() {
        return timer.size();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the ICE port loop is closed");
        }
    }

    /**
     * Stops the threads: the readers (closing their selectors, not the channels: ports close
     * those), the timer and, after the listener calls already queued, the event thread.
     * Close the ports first. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        readers.forEach(DatagramReader::close);
        timer.close();
        events.shutdown();
        LOG.debug("ICE port loop closed");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() {
        return "PortLoop[" + readers.size() + " reader(s), " + timer.size() + " timed]";
    }
}
