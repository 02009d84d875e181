package org.chorus.recording.writer;

/**
 * Counts a writer's failed writes: {@link #LIMIT} of them within {@link #WINDOW_NANOS} (a full
 * disk, a file over the size limit, a dead stream) mean the output is lost, and the attempt fails
 * rather than record nothing while it reports {@code on}. One thread.
 */
final class WriteErrors {
    static final int LIMIT = 25;
    static final long WINDOW_NANOS = 5_000_000_000L;

    private final long[] times = new long[LIMIT];
    private int count;
    private int next;
    private long total;

    /** Records one error at {@code nowNanos}; true when it is the {@link #LIMIT}th within the window. */
    boolean record(long nowNanos) {
        times[next] = nowNanos;
        next = (next + 1) % LIMIT;
        total++;
        if (count < LIMIT) {
            count++;
        }
        return count == LIMIT && nowNanos - times[next] <= WINDOW_NANOS;
    }

    long total() {
        return total;
    }
}
