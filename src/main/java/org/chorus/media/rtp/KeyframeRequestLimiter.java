package org.chorus.media.rtp;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Folds keyframe requests (PLI or FIR from any number of receivers, or a receiver joining) for one
 * publisher SSRC into at most one request per interval, and numbers the FIRs sent to each SSRC
 * (RFC 5104 §4.3.1: the command sequence number increases by one per new request, modulo 256).
 *
 * <p>Thread-safe and lock-free: receivers' feedback arrives on several threads, and exactly one
 * of the callers racing within an interval gets {@code true}.
 */
public final class KeyframeRequestLimiter {

    /** The default interval: a keyframe usually arrives 15–55 ms after a PLI, well within it. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(300);

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Integer, Target> targets = new ConcurrentHashMap<>();

    public KeyframeRequestLimiter() {
        this(DEFAULT_INTERVAL, System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds (System::nanoTime outside tests) */
    public KeyframeRequestLimiter(Duration interval, LongSupplier nanoClock) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive: " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Whether a keyframe request for this publisher SSRC should go out now: true for the first call
     * and then for the first call at least one interval after the last request that went out.
     */
    public boolean tryRequest(int mediaSsrc) {
        long now = nanoClock.getAsLong();
        Target target = target(mediaSsrc, now);
        while (true) {
            long last = target.lastRequestNanos.get();
            if (now - last < intervalNanos) {
                return false;
            }
            if (target.lastRequestNanos.compareAndSet(last, now)) {
                return true;
            }
            // another thread got there first; look again, which normally returns false
        }
    }

    /** The next FIR command sequence number for this SSRC: 0, 1, ... 255, 0, ... */
    public int nextFirSequenceNumber(int mediaSsrc) {
        return target(mediaSsrc, nanoClock.getAsLong()).firSequence.getAndIncrement() & 0xFF;
    }

    /**
     * Writes a keyframe request for {@code mediaSsrc} if {@link #tryRequest} allows one: a FIR
     * with the next sequence number when {@code useFir} (the publisher negotiated
     * {@code ccm fir}), a PLI otherwise. Returns the bytes written, 0 if suppressed.
     */
    public int writeRequestIfDue(byte[] buf, int off, int senderSsrc, int mediaSsrc, boolean useFir) {
        if (!tryRequest(mediaSsrc)) {
            return 0;
        }
        return useFir
                ? Rtcp.writeFir(buf, off, senderSsrc, mediaSsrc, nextFirSequenceNumber(mediaSsrc))
                : Rtcp.writePli(buf, off, senderSsrc, mediaSsrc);
    }

    /** Forgets an SSRC that is gone (its publisher left). */
    public void forget(int mediaSsrc) {
        targets.remove(mediaSsrc);
    }

    private Target target(int mediaSsrc, long now) {
        Target target = targets.get(mediaSsrc);
        return target != null ? target : targets.computeIfAbsent(mediaSsrc, ssrc -> new Target(now - intervalNanos));
    }

    private static final class Target {
        /** Starts one interval in the past, so that the first request goes out. */
        final AtomicLong lastRequestNanos;
        final AtomicInteger firSequence = new AtomicInteger();

        Target(long lastRequestNanos) {
            this.lastRequestNanos = new AtomicLong(lastRequestNanos);
        }
    }
}
