package org.chorus.media.rtp;

/**
 * 16-bit RTP sequence number arithmetic with wrap-around (RFC 3550, serial number arithmetic as
 * in RFC 1982). Values are taken modulo 2^16.
 */
public final class SequenceNumbers {

    public static final int MODULUS = 1 << 16;
    public static final int MASK = MODULUS - 1;

    private SequenceNumbers() {
    }

    /**
     * The signed distance from {@code b} to {@code a}, in [-32768, 32767]: positive when {@code a}
     * comes after {@code b}.
     */
    public static int delta(int a, int b) {
        return (short) (a - b);
    }

    /**
     * Whether {@code a} comes after {@code b}. Exactly half the ring apart (32768) is ambiguous;
     * the larger raw value is then taken as newer, so that exactly one of {@code isNewer(a, b)} and
     * {@code isNewer(b, a)} holds for any two different values.
     */
    public static boolean isNewer(int a, int b) {
        int diff = (a - b) & MASK;
        if (diff == MODULUS / 2) {
            return (a & MASK) > (b & MASK);
        }
        return diff != 0 && diff < MODULUS / 2;
    }

    public static boolean isOlder(int a, int b) {
        return isNewer(b, a);
    }

    /** Orders sequence numbers by wrap-around distance, consistently with {@link #isNewer}. */
    public static int compare(int a, int b) {
        if ((a & MASK) == (b & MASK)) {
            return 0;
        }
        return isNewer(a, b) ? 1 : -1;
    }

    /** {@code seq + n} modulo 2^16. */
    public static int add(int seq, int n) {
        return (seq + n) & MASK;
    }

    /**
     * The extended (unwrapped) index of {@code seq} closest to {@code reference}, another extended
     * index. Can be negative if the reference is within half a ring of zero.
     */
    public static long unwrap(int seq, long reference) {
        return reference + delta(seq, (int) reference);
    }

    /**
     * Turns a stream of 16-bit sequence numbers into 64-bit indexes that keep increasing across
     * wrap-arounds; reordered packets get the index nearest to the highest seen. The first value
     * maps to itself, so an old packet reordered before it across a wrap gets a negative index.
     * Not thread-safe.
     */
    public static final class Unwrapper {
        private long highest;
        private boolean started;

        /** The extended index of {@code seq}; moves the highest index forward when it is newer. */
        public long unwrap(int seq) {
            if (!started) {
                started = true;
                highest = seq & MASK;
                return highest;
            }
            long index = SequenceNumbers.unwrap(seq, highest);
            if (index > highest) {
                highest = index;
            }
            return index;
        }

        /** The extended index of {@code seq}, without updating state. */
        public long peek(int seq) {
            return started ? SequenceNumbers.unwrap(seq, highest) : seq & MASK;
        }

        /** The highest index returned so far, or -1 before the first call. */
        public long highest() {
            return started ? highest : -1;
        }

        public void reset() {
            started = false;
            highest = 0;
        }
    }
}
