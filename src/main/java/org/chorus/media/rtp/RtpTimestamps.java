package org.chorus.media.rtp;

/**
 * 32-bit RTP timestamp arithmetic with wrap-around. Timestamps are longs holding the unsigned
 * value (as {@link Rtp#timestamp} returns them); only their low 32 bits are used.
 */
public final class RtpTimestamps {

    public static final long MODULUS = 1L << 32;
    public static final long MASK = MODULUS - 1;

    private RtpTimestamps() {
    }

    /** The signed distance from {@code b} to {@code a}, in [-2^31, 2^31-1]. */
    public static long delta(long a, long b) {
        return (int) (a - b);
    }

    /**
     * Whether {@code a} comes after {@code b}; exactly half the ring apart, the larger raw value
     * is newer (as in {@link SequenceNumbers#isNewer}).
     */
    public static boolean isNewer(long a, long b) {
        long diff = (a - b) & MASK;
        if (diff == MODULUS / 2) {
            return (a & MASK) > (b & MASK);
        }
        return diff != 0 && diff < MODULUS / 2;
    }

    public static boolean isOlder(long a, long b) {
        return isNewer(b, a);
    }

    public static int compare(long a, long b) {
        if ((a & MASK) == (b & MASK)) {
            return 0;
        }
        return isNewer(a, b) ? 1 : -1;
    }

    /** {@code timestamp + n} modulo 2^32. */
    public static long add(long timestamp, long n) {
        return (timestamp + n) & MASK;
    }

    /** The extended timestamp of {@code timestamp} closest to the extended {@code reference}. */
    public static long unwrap(long timestamp, long reference) {
        return reference + delta(timestamp, reference);
    }

    /** Extends a stream of 32-bit timestamps to 64 bits, as {@link SequenceNumbers.Unwrapper} does. Not thread-safe. */
    public static final class Unwrapper {
        private long highest;
        private boolean started;

        public long unwrap(long timestamp) {
            if (!started) {
                started = true;
                highest = timestamp & MASK;
                return highest;
            }
            long extended = RtpTimestamps.unwrap(timestamp, highest);
            if (extended > highest) {
                highest = extended;
            }
            return extended;
        }

        /** The highest extended timestamp returned so far, or -1 before the first call. */
        public long highest() {
            return started ? highest : -1;
        }

        public void reset() {
            started = false;
            highest = 0;
        }
    }
}
