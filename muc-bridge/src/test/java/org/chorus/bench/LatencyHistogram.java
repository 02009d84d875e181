package org.chorus.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe log-linear histogram of nanosecond values in fixed memory: exact below 256 ns,
 * then 128 buckets per power of two, so a reported percentile is within 0.8 % of the true value.
 * Covers up to about 2^40 ns (18 minutes); larger values land in the last bucket.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 7;
    private static final int SUB = 1 << SUB_BITS;
    private static final int LINEAR = 2 * SUB;
    private static final int MAX_EXPONENT = 40;
    private static final int BUCKETS = LINEAR + (MAX_EXPONENT - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong negative = new AtomicLong();

    void record(long nanos) {
        if (nanos < 0) {
            negative.incrementAndGet();
            nanos = 0;
        }
        counts.incrementAndGet(index(nanos));
        total.incrementAndGet();
        long m = max.get();
        while (nanos > m && !max.compareAndSet(m, nanos)) {
            m = max.get();
        }
    }

    long count() {
        return total.get();
    }

    long maxNanos() {
        return max.get();
    }

    /** Samples below zero (recorded as 0); a clock that is not monotonic would show here. */
    long negativeSamples() {
        return negative.get();
    }

    /** The value at or below which a fraction {@code q} (0..1) of the samples lie: the bucket's midpoint. */
    long percentileNanos(double q) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                long low = lowerBound(i);
                long high = i + 1 < BUCKETS ? lowerBound(i + 1) : low;
                return Math.min((low + high) / 2, max.get());
            }
        }
        return max.get();
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS + 1
        if (e >= MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (v >>> (e - SUB_BITS)) & (SUB - 1);
        return LINEAR + (e - SUB_BITS - 1) * SUB + sub;
    }

    static long lowerBound(int index) {
        if (index < LINEAR) {
            return index;
        }
        int e = (index - LINEAR) / SUB + SUB_BITS + 1;
        int sub = (index - LINEAR) % SUB;
        return (long) (SUB + sub) << (e - SUB_BITS);
    }
}
