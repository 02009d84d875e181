package org.chorus.media.ice;

import java.util.random.RandomGenerator;

/**
 * RFC 7675 consent freshness of one {@link IceAgent}'s selected pair: when the next check is due
 * (every interval, randomized ±20 %), the transaction ids of the last few checks (each check is
 * its own transaction, never retransmitted), and how long the peer has been silent. Not thread-safe.
 */
final class ConsentFreshness {

    private static final int SLOTS = 4;

    private final long intervalNanos;
    private final long disconnectedAfterNanos;
    private final long timeoutNanos;
    private final RandomGenerator random;
    private final long[] high = new long[SLOTS];
    private final int[] low = new int[SLOTS];
    private int slot;
    private long lastResponseAt;
    private long nextCheckAt;

    ConsentFreshness(long intervalNanos, long disconnectedAfterNanos, long timeoutNanos, RandomGenerator random) {
        this.intervalNanos = intervalNanos;
        this.disconnectedAfterNanos = disconnectedAfterNanos;
        this.timeoutNanos = timeoutNanos;
        this.random = random;
    }

    /** Consent is fresh as of {@code now} (the pair was just selected); the first check is one interval away. */
    void start(long now) {
        lastResponseAt = now;
        nextCheckAt = now + delay();
    }

    boolean expired(long now) {
        return now - lastResponseAt >= timeoutNanos;
    }

    boolean stale(long now) {
        return now - lastResponseAt >= disconnectedAfterNanos;
    }

    boolean checkDue(long now) {
        return now - nextCheckAt >= 0;
    }

    /** Schedules the next check and records the transaction id of the one about to go out. */
    void checkSent(long now, long transactionHigh, int transactionLow) {
        nextCheckAt = now + delay();
        high[slot] = transactionHigh;
        low[slot] = transactionLow;
        slot = (slot + 1) % SLOTS;
    }

    /** Whether the id is one of the last checks' (it is then forgotten, so it counts once). */
    boolean isCheck(long transactionHigh, int transactionLow) {
        for (int i = 0; i < SLOTS; i++) {
            if (high[i] == transactionHigh && low[i] == transactionLow) {
                high[i] = 0;
                low[i] = 0;
                return true;
            }
        }
        return false;
    }

    void refreshed(long now) {
        lastResponseAt = now;
    }

    /** The next check, staleness (while {@code connected}) or expiry, whichever comes first. */
    long nextDeadline(boolean connected) {
        long next = Math.min(nextCheckAt, lastResponseAt + timeoutNanos);
        return connected ? Math.min(next, lastResponseAt + disconnectedAfterNanos) : next;
    }

    private long delay() {
        return (long) (intervalNanos * random.nextDouble(0.8, 1.2));
    }
}
