package org.chorus.recording.rtp;

import java.util.PriorityQueue;

/** A discrete-event clock for the tests: actions run in time order, then insertion order. */
final class Simulation {

    private record Event(long atNanos, long order, Runnable action) {
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.atNanos != b.atNanos
            ? Long.compare(a.atNanos, b.atNanos) : Long.compare(a.order, b.order));
    private long order;
    private long now;

    long now() {
        return now;
    }

    void at(long atNanos, Runnable action) {
        queue.add(new Event(Math.max(atNanos, now), order++, action));
    }

    /** Runs every event up to {@code endNanos}, calling {@code poll} every {@code pollNanos} as well. */
    void runUntil(long endNanos, long pollNanos, java.util.function.LongConsumer poll) {
        for (long t = (now / pollNanos + 1) * pollNanos; t <= endNanos; t += pollNanos) {
            long tick = t;
            at(tick, () -> poll.accept(tick));
        }
        while (!queue.isEmpty() && queue.peek().atNanos <= endNanos) {
            Event e = queue.poll();
            now = e.atNanos;
            e.action.run();
        }
        now = endNanos;
    }
}
