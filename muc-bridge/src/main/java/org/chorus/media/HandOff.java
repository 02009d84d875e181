package org.chorus.media;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.chorus.media.rtp.PacketBuffer;

/**
 * The bounded queue in front of one forwarding shard: (task, packet) pairs from any number of
 * threads to the shard's one thread. It is Dmitry Vyukov's bounded ring, where each slot carries a
 * sequence number that says whether it is free for the producer at a position or filled for the
 * consumer; a producer claims a position with one compare-and-set and publishes the slot with one
 * volatile write. {@link #offer} never blocks and never allocates: when the ring is full it
 * returns false and the caller drops the packet.
 *
 * <p>{@link #runNext} and {@link #clear} belong to the one consuming thread.
 */
final class HandOff {
    private final int capacity;
    private final int mask;
    /** Per slot: its position when free for a producer, its position + 1 once filled. */
    private final AtomicLongArray sequences;
    private final SenderWorkers.Task[] tasks;
    private final PacketBuffer[] packets;
    private final AtomicLong tail = new AtomicLong();
    private long head; // the consumer's alone

    /** @param capacity rounded up to a power of two */
    HandOff(int capacity) {
        if (capacity < 1 || capacity > 1 << 20) {
            throw new IllegalArgumentException("capacity 1..1048576: " + capacity);
        }
        this.capacity = Integer.highestOneBit(capacity * 2 - 1);
        this.mask = this.capacity - 1;
        this.sequences = new AtomicLongArray(this.capacity);
        for (int i = 0; i < this.capacity; i++) {
            sequences.set(i, i);
        }
        this.tasks = new SenderWorkers.Task[this.capacity];
        this.packets = new PacketBuffer[this.capacity];
    }

    int capacity() {
        return capacity;
    }

    /** Queues the pair; false when the ring is full (the caller keeps the packet). Any thread. */
    boolean offer(SenderWorkers.Task task, PacketBuffer packet) {
        long position = tail.get();
        while (true) {
            int slot = (int) position & mask;
            long difference = sequences.get(slot) - position;
            if (difference == 0) {
                if (tail.compareAndSet(position, position + 1)) {
                    tasks[slot] = task;
                    packets[slot] = packet;
                    sequences.set(slot, position + 1); // volatile: the consumer sees the slot filled
                    return true;
                }
                position = tail.get();
            } else if (difference < 0) {
                return false; // the slot still holds the entry of a lap ago: full
            } else {
                position = tail.get(); // another producer took this position
            }
        }
    }

    /** Whether nothing is ready for the consumer. */
    boolean isEmpty() {
        return sequences.get((int) head & mask) != head + 1;
    }

    /** Runs the oldest entry's task with its packet; false when nothing is ready. Consumer only. */
    boolean runNext() {
        int slot = (int) head & mask;
        if (sequences.get(slot) != head + 1) {
            return false;
        }
        SenderWorkers.Task task = tasks[slot];
        PacketBuffer packet = packets[slot];
        tasks[slot] = null;
        packets[slot] = null;
        sequences.lazySet(slot, head + capacity); // free for the producer one lap on
        head++;
        task.run(packet);
        return true;
    }

    /** Releases every queued packet without running its task; the consumer only, or after it ended. */
    int clear() {
        int cleared = 0;
        while (true) {
            int slot = (int) head & mask;
            if (sequences.get(slot) != head + 1) {
                return cleared;
            }
            PacketBuffer packet = packets[slot];
            tasks[slot] = null;
            packets[slot] = null;
            sequences.lazySet(slot, head + capacity);
            head++;
            packet.release();
            cleared++;
        }
    }
}
