package org.chorus.media.ice;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one timer thread of a {@link PortLoop} ({@code chorus-ice-timer}): it ticks every session whose
 * deadline has passed, then sleeps until the earliest deadline of all (at least
 * {@link #MIN_SLEEP_NANOS}, at most {@link #MAX_SLEEP_NANOS}). A session whose deadline moves earlier
 * than the thread's planned wake-up wakes it ({@link #deadlineSet}). So while every leg is connected
 * the thread wakes only for consent checks (one per leg every few seconds), not on a fixed period;
 * while legs are checking it follows their 20 ms pacing.
 */
final class IceTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IceTimer.class);

    /** The shortest sleep between sweeps, which also bunches deadlines that fall close together. */
    static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** The longest sleep: a sweep at least this often, whatever the deadlines say. */
    static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Set<PortLoop.Timed> timed = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    /** When the thread means to sweep next; {@code Long.MAX_VALUE} while it sweeps. */
    private volatile long wakeAt = Long.MAX_VALUE;
    /** A deadline earlier than {@link #wakeAt} was set since the sweep began. */
    private volatile boolean moved;
    private volatile boolean closed;

    IceTimer(String name) {
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    void add(PortLoop.Timed t) {
        timed.add(Objects.requireNonNull(t));
        deadlineSet(t.deadline);
    }

    void remove(PortLoop.Timed t) {
        timed.remove(t);
    }

    int size() {
        return timed.size();
    }

    /** A session's deadline is now {@code deadline}: wakes the thread if that is earlier than it planned. */
    void deadlineSet(long deadline) {
        if (Thread.currentThread() == thread) {
            return; // the sweep reads every deadline after ticking
        }
        if (deadline - wakeAt < 0) {
            moved = true;
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (!closed) {
            wakeAt = Long.MAX_VALUE;
            moved = false;
            long now = System.nanoTime();
            long next = now + MAX_SLEEP_NANOS;
            for (PortLoop.Timed t : timed) {
                if (t.deadline - now <= 0) {
                    try {
                        t.tick(now);
                    } catch (RuntimeException e) {
                        LOG.error("ICE tick failed for {}", t, e);
                    }
                }
                long d = t.deadline;
                if (d - next < 0) {
                    next = d;
                }
            }
            long sleep = Math.max(MIN_SLEEP_NANOS, next - System.nanoTime());
            wakeAt = System.nanoTime() + sleep;
            if (moved) {
                continue; // a deadline set during the sweep may come before the planned wake-up
            }
            LockSupport.parkNanos(this, sleep);
        }
    }

    /** Stops the thread (after the sweep under way, if any). Idempotent. */
    @Override
    public void close() {
        closed = true;
        timed.clear();
        LockSupport.unpark(thread);
    }
}
