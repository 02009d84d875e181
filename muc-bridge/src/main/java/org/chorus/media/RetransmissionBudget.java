package org.chorus.media;

/**
 * What one receiver may still have retransmitted to it, and asked of the sender for it, in answer
 * to its NACKs ({@link RetransmissionLimits}):
 * <ul>
 *   <li>per packet: a sequence number of an SSRC is admitted at most once within
 *       {@code resendInterval}, however often the receiver repeats it;</li>
 *   <li>per second: a token bucket in bytes, filled with {@code budgetPercent} of every byte
 *       forwarded to the receiver plus {@code floorBytesPerSecond}, holding at most
 *       {@code burstBytes}; every retransmission, and every request passed on to the sender, is
 *       paid from it. A retransmission may overdraw the bucket by one packet, never more.</li>
 * </ul>
 * So over any interval of {@code t} seconds, what a receiver causes is at most
 * {@code burst + percent × forwarded + floor × t}, whatever it sends.
 *
 * <h2>Threads and allocation</h2>
 * Every method runs on the receiver's forwarding shard ({@link SenderWorkers}), which both forwards
 * the publisher's packets to the receiver and answers its NACKs; so there is no lock and no atomic.
 * The methods take the time as an argument, so that tests can use their own clock. The table of
 * admitted sequence numbers (8 KiB) is made on the first NACK: most receivers never send one, and a
 * 25-person call holds 600 budgets. Nothing allocates after that.
 */
final class RetransmissionBudget {
    /** Sequence numbers remembered per receiver: a second of a fast stream, as the cache holds. */
    static final int REMEMBERED = 512;

    private final long resendIntervalNanos;
    private final int budgetPercent;
    private final long floorBytesPerSecond;
    private final long burstBytes;
    private long forwardedBytes;
    private long[] keys;
    private long[] admittedAt;
    private long creditedForwarded;
    private long lastRefillNanos;
    private long tokens;

    RetransmissionBudget(RetransmissionLimits limits, long nowNanos) {
        this.resendIntervalNanos = limits.resendInterval().toNanos();
        this.budgetPercent = limits.budgetPercent();
        this.floorBytesPerSecond = limits.floorBytesPerSecond();
        this.burstBytes = limits.burstBytes();
        this.lastRefillNanos = nowNanos;
        this.tokens = Math.min(burstBytes, floorBytesPerSecond);
    }

    /** Counts bytes forwarded to the receiver (not retransmissions), which earn it budget. */
    void forwarded(int bytes) {
        forwardedBytes += bytes;
    }

    /** Adds what was earned since the last refill: call once per NACK, before {@link #canSpend}. */
    void refill(long nowNanos) {
        long forwarded = forwardedBytes;
        long earned = (forwarded - creditedForwarded) * budgetPercent / 100;
        creditedForwarded = forwarded;
        long elapsed = Math.max(0, Math.min(nowNanos - lastRefillNanos, 1_000_000_000L));
        lastRefillNanos = nowNanos;
        earned += floorBytesPerSecond * elapsed / 1_000_000_000L;
        tokens = Math.min(burstBytes, tokens + earned);
    }

    /** Whether anything may be spent now. */
    boolean canSpend() {
        return tokens > 0;
    }

    /** Pays for a retransmission or a request of {@code bytes}; the bucket may go below zero once. */
    void spend(int bytes) {
        tokens -= bytes;
    }

    /**
     * Whether {@code seq} of {@code ssrc} may be retransmitted (or asked for) now: false when it was
     * admitted less than {@code resendInterval} ago. Admitting it records the time.
     */
    boolean admit(int ssrc, int seq, long nowNanos) {
        if (keys == null) {
            keys = new long[REMEMBERED];
            admittedAt = new long[REMEMBERED];
        }
        long key = key(ssrc, seq);
        int slot = slot(ssrc, seq, REMEMBERED);
        if (keys[slot] == key && nowNanos - admittedAt[slot] < resendIntervalNanos) {
            return false;
        }
        keys[slot] = key;
        admittedAt[slot] = nowNanos;
        return true;
    }

    /** The budget left, in bytes (negative after an overdraft). */
    long tokens() {
        return tokens;
    }

    /** Never 0, so that an empty slot matches no sequence number. */
    static long key(int ssrc, int seq) {
        return (Integer.toUnsignedLong(ssrc) << 17) | (1L << 16) | (seq & 0xFFFF);
    }

    /**
     * The slot in a table of {@code size} (a power of two): consecutive sequence numbers of one SSRC
     * take consecutive slots.
     */
    static int slot(int ssrc, int seq, int size) {
        return ((seq & 0xFFFF) + ssrc * 0x9E3779B9) & (size - 1);
    }
}
