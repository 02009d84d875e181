package org.chorus.media;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.chorus.media.rtp.PacketBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding threads: a fixed number of shards, each one thread ({@code chorus-forward-N})
 * behind a bounded {@link HandOff} queue. Every {@link Subscription} is pinned to one shard when it
 * is made (the shard with the fewest, so receivers spread evenly), and only that shard's thread
 * rewrites, encrypts and sends for it: its forwarded packets, its retransmissions and the RTCP
 * forwarded to it. So a subscription's state (SRTP send contexts, rewrite tables, retransmission
 * budget) has one owner and needs no lock, and its packets leave in the order they were handed
 * over.
 *
 * <p>Handing over never blocks: a full queue drops the packet (the packet is released and the
 * shard's drop counter grows). One slow receiver, or one busy shard, so never stalls the receive
 * threads or the other shards; it costs its own shard's receivers packets, which NACKs and
 * keyframe requests repair.
 *
 * <p>Owned by the {@link MediaPlane} and closed with it.
 */
public final class SenderWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SenderWorkers.class);

    /**
     * Entries one shard may have waiting. A packet takes one entry per shard that has receivers of
     * it, however many receivers that shard has; 25 senders at 2.5 Mbps (about 300 packets a
     * second each, with audio) fill 4096 entries in about half a second.
     */
    public static final int DEFAULT_QUEUE_CAPACITY = 4096;

    /** How long {@link #close} waits for each thread. */
    static final Duration JOIN_WAIT = Duration.ofSeconds(2);

    /** Work a shard's thread does with a packet; it takes ownership of the packet. */
    @FunctionalInterface
    public interface Task {
        void run(PacketBuffer packet);
    }

    /** One forwarding thread, its queue, and the subscriptions pinned to it. */
    public final class Shard {
        private final int index;
        private final HandOff queue;
        private final AtomicLong drops = new AtomicLong();
        private final AtomicBoolean asleep = new AtomicBoolean();
        private final Thread thread;
        private int pinned; // guarded by SenderWorkers.this
        private boolean failureLogged; // the shard's thread alone

        private Shard(int index, int queueCapacity) {
            this.index = index;
            this.queue = new HandOff(queueCapacity);
            this.thread = new Thread(this::loop, "chorus-forward-" + index);
            this.thread.setDaemon(true);
        }

        public int index() {
            return index;
        }

        /**
         * Queues {@code task} to run with {@code packet} on this shard's thread, which then owns the
         * packet. When the queue is full, or the workers are closed, the packet is released at once
         * and false returned; a full queue counts a drop. Any thread; never blocks.
         */
        public boolean submit(Task task, PacketBuffer packet) {
            if (closed || !queue.offer(task, packet)) {
                if (!closed) {
                    drops.incrementAndGet();
                }
                packet.release();
                return false;
            }
            // the volatile write in offer() and this read pair with the thread's write of asleep
            // and its re-check of the queue: one of the two sees the other
            if (asleep.get() && asleep.compareAndSet(true, false)) {
                LockSupport.unpark(thread);
            }
            return true;
        }

        /** Packets dropped because this shard's queue was full. */
        public long drops() {
            return drops.get();
        }

        /** Whether this is the calling thread's shard. */
        public boolean isCurrentThread() {
            return Thread.currentThread() == thread;
        }

        Thread thread() {
            return thread;
        }

        int pinned() {
            synchronized (SenderWorkers.this) {
                return pinned;
            }
        }

        private void loop() {
            while (!closed) {
                if (runOne()) {
                    continue;
                }
                asleep.set(true);
                if (!queue.isEmpty() || closed) {
                    asleep.set(false);
                    continue;
                }
                LockSupport.park(this);
                asleep.set(false);
            }
        }

        private boolean runOne() {
            try {
                return queue.runNext();
            } catch (RuntimeException e) {
                if (!failureLogged) {
                    failureLogged = true;
                    log.error("{}: a forwarding task failed (logged once per shard)", thread.getName(), e);
                }
                return true;
            }
        }
    }

    private final Shard[] shards;
    private volatile boolean closed;

    /**
     * Starts the threads.
     *
     * @param threads how many shards; 0 means one per available processor
     * @param queueCapacity packets each shard may have waiting (rounded up to a power of two)
     */
    public SenderWorkers(int threads, int queueCapacity) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0: " + threads);
        }
        int n = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        this.shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(i, queueCapacity);
        }
        for (Shard s : shards) {
            s.thread.start();
        }
    }

    /** How many shards (and threads) there are. */
    public int size() {
        return shards.length;
    }

    /** The shard with the fewest subscriptions pinned to it (the lowest index on a tie), now one more. */
    public synchronized Shard pin() {
        Shard least = shards[0];
        for (Shard s : shards) {
            if (s.pinned < least.pinned) {
                least = s;
            }
        }
        least.pinned++;
        return least;
    }

    /** A subscription pinned by {@link #pin} has ended; call once per pin. */
    public synchronized void unpin(Shard shard) {
        if (shard.pinned > 0) {
            shard.pinned--;
        }
    }

    /** Each shard's drops, by shard index. */
    public List<Long> drops() {
        List<Long> out = new ArrayList<>(shards.length);
        for (Shard s : shards) {
            out.add(s.drops());
        }
        return List.copyOf(out);
    }

    List<Shard> shards() {
        return List.of(shards);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the threads, waiting up to {@link #JOIN_WAIT} for each to finish the task it is running,
     * and releases the packets still queued. Later submits release their packet and return false.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Shard s : shards) {
            LockSupport.unpark(s.thread);
        }
        boolean interrupted = false;
        for (Shard s : shards) {
            try {
                s.thread.join(JOIN_WAIT.toMillis());
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (s.thread.isAlive()) {
                log.warn("{} is still running a task {} after close; its queued packets are left to the collector",
                        s.thread.getName(), JOIN_WAIT);
            } else {
                s.queue.clear(); // the thread has ended: this thread is the queue's consumer now
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
