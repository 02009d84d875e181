package org.chorus.recording.rtp;

import java.util.ArrayDeque;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.rtp.SequenceNumbers;

/**
 * Puts one stream's packets back into sequence number order, waits a bounded time for missing
 * ones, and knows which missing ones are due for a NACK.
 *
 * <p>Packets that continue the sequence are released at once: a recorder needs order, not a
 * steady pace, and the frame timestamps come from the RTP clock. Only a gap holds the packets
 * behind it back, until the missing packet arrives (reordered or retransmitted) or the gap is
 * {@code delay} old; then it is given up and reported with {@link PacketSink#lost()}. Padding-only
 * packets go through like any other, so that the sequence numbers they use up are not mistaken
 * for loss. At the very start, nothing is released for one delay, so that packets reordered
 * before the first one that arrived are not thrown away as late.
 *
 * <p>Each slot keeps a payload copy in an array taken from a free list, so the steady state
 * allocates nothing. Not thread-safe.
 */
final class JitterBuffer {

    /** What became of an inserted packet. */
    enum Insert {
        /** Stored. */
        STORED,
        /** Stored, after a gap too large to NACK: ask for a keyframe instead. */
        STORED_AFTER_LARGE_GAP,
        /** Stored, filling a gap that had been NACKed. */
        RECOVERED,
        /** Already stored or released. */
        DUPLICATE,
        /** Its place was given up already, or it is older than the buffer reaches. */
        LATE
    }

    private enum Phase {
        EMPTY,
        /** Collecting the first packets, releasing nothing yet. */
        STARTING,
        RUNNING
    }

    private enum SlotState {
        EMPTY,
        /** A gap: later packets arrived, this one did not (yet). */
        MISSING,
        PRESENT,
        RELEASED,
        /** Given up at its deadline. */
        ABANDONED
    }

    private static final class Slot {
        long seq = Long.MIN_VALUE;
        SlotState state = SlotState.EMPTY;
        byte[] data;
        int length;
        long timestamp;
        boolean marker;
        long missingSince;
        int nacks;
        long nextNackAt;
    }

    private final Slot[] slots;
    private final int mask;
    private final long delayNanos;
    private final int maxNackGap;
    private final int nackRetries;
    private final long nackIntervalNanos;
    private final long nackMinRemainingNanos;
    private final SequenceNumbers.Unwrapper unwrapper = new SequenceNumbers.Unwrapper();
    private final ArrayDeque<byte[]> spareArrays = new ArrayDeque<>();

    private Phase phase = Phase.EMPTY;
    private long firstArrivalNanos;
    /** The extended sequence number to release next. */
    private long next;
    /** The highest extended sequence number stored or marked missing. */
    private long highest;
    private int missing;
    private long lostPackets;

    /**
     * @param capacity              slots, a power of two; a packet further ahead than this pushes older ones out
     * @param nackRetries           NACKs per missing packet; 0 for streams without retransmission
     */
    JitterBuffer(int capacity, long delayNanos, int maxNackGap, int nackRetries, long nackIntervalNanos,
                 long nackMinRemainingNanos) {
        if (Integer.bitCount(capacity) != 1 || capacity < 16) {
            throw new IllegalArgumentException("capacity must be a power of two, at least 16: " + capacity);
        }
        slots = new Slot[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = new Slot();
        }
        mask = capacity - 1;
        this.delayNanos = delayNanos;
        this.maxNackGap = maxNackGap;
        this.nackRetries = nackRetries;
        this.nackIntervalNanos = nackIntervalNanos;
        this.nackMinRemainingNanos = nackMinRemainingNanos;
    }

    /** Packets given up so far. */
    long lostPackets() {
        return lostPackets;
    }

    /**
     * Stores a copy of one packet's payload. A jump far ahead releases (or gives up) what is in
     * the way through {@code sink} first.
     */
    Insert insert(int seq, long timestamp, boolean marker, byte[] payload, int off, int len, long arrivalNanos,
                  PacketSink sink) {
        long ext = unwrapper.unwrap(seq);
        if (phase == Phase.EMPTY) {
            phase = Phase.STARTING;
            firstArrivalNanos = arrivalNanos;
            next = ext;
            highest = ext;
            store(slot(ext), ext, timestamp, marker, payload, off, len);
            return Insert.STORED;
        }
        if (ext < next) {
            if (phase == Phase.STARTING && highest - ext < slots.length) {
                for (long s = ext + 1; s < next; s++) {
                    markMissing(s, arrivalNanos, true);
                }
                next = ext;
                store(slot(ext), ext, timestamp, marker, payload, off, len);
                return Insert.STORED;
            }
            Slot old = slot(ext);
            return old.seq == ext && old.state == SlotState.RELEASED ? Insert.DUPLICATE : Insert.LATE;
        }
        Insert result = Insert.STORED;
        if (ext > highest) {
            long gap = ext - highest - 1;
            if (gap >= slots.length) {
                releaseAll(sink);
                for (long s = next; s < ext; s++) {
                    lostPackets++;
                    sink.lost();
                }
                next = ext;
            } else {
                while (ext - next >= slots.length) {
                    releaseHead(sink);
                }
                for (long s = Math.max(highest + 1, next); s < ext; s++) {
                    markMissing(s, arrivalNanos, gap < maxNackGap);
                }
            }
            highest = ext;
            if (gap >= maxNackGap) {
                result = Insert.STORED_AFTER_LARGE_GAP;
            }
        }
        Slot slot = slot(ext);
        if (slot.seq == ext && slot.state == SlotState.PRESENT) {
            return Insert.DUPLICATE;
        }
        boolean wasMissing = slot.seq == ext && slot.state == SlotState.MISSING;
        boolean recovered = wasMissing && slot.nacks > 0 && slot.nacks <= nackRetries;
        if (wasMissing) {
            missing--;
        }
        store(slot, ext, timestamp, marker, payload, off, len);
        return recovered ? Insert.RECOVERED : result;
    }

    /** Releases the packets that continue the sequence and the gaps whose deadline has passed. */
    void release(long nowNanos, PacketSink sink) {
        if (phase == Phase.STARTING) {
            if (nowNanos - firstArrivalNanos < delayNanos) {
                return;
            }
            phase = Phase.RUNNING;
        }
        if (phase != Phase.RUNNING) {
            return;
        }
        while (next <= highest) {
            Slot head = slot(next);
            if (head.state == SlotState.MISSING && nowNanos - head.missingSince < delayNanos) {
                return;
            }
            releaseHead(sink);
        }
    }

    /** Releases everything stored, giving up every gap: the stream ends. */
    void releaseAll(PacketSink sink) {
        if (phase == Phase.EMPTY) {
            return;
        }
        phase = Phase.RUNNING;
        while (next <= highest) {
            releaseHead(sink);
        }
    }

    /**
     * Writes into {@code out} the 16-bit sequence numbers due for a NACK now (increasing), at most
     * {@code out.length}, and counts the NACK against each. A missing packet is NACKed when it is
     * found missing and again every NACK interval, up to the retry limit, as long as at least the
     * minimum remaining time is left before its deadline.
     */
    int nacksDue(long nowNanos, int[] out) {
        if (missing == 0 || nackRetries == 0) {
            return 0;
        }
        int count = 0;
        for (long s = next; s <= highest && count < out.length; s++) {
            Slot slot = slot(s);
            if (slot.seq != s || slot.state != SlotState.MISSING || slot.nacks >= nackRetries
                    || nowNanos < slot.nextNackAt
                    || slot.missingSince + delayNanos - nowNanos < nackMinRemainingNanos) {
                continue;
            }
            slot.nacks++;
            slot.nextNackAt = nowNanos + nackIntervalNanos;
            out[count++] = (int) (s & SequenceNumbers.MASK);
        }
        return count;
    }

    private void releaseHead(PacketSink sink) {
        Slot head = slot(next);
        if (head.seq == next && head.state == SlotState.PRESENT) {
            head.state = SlotState.RELEASED;
            sink.packet(head.timestamp, head.marker, head.data, 0, head.length);
            spareArrays.push(head.data);
            head.data = null;
        } else {
            if (head.seq == next && head.state == SlotState.MISSING) {
                missing--;
            }
            head.seq = next;
            head.state = SlotState.ABANDONED;
            lostPackets++;
            sink.lost();
        }
        next++;
    }

    private void markMissing(long seq, long sinceNanos, boolean nackable) {
        Slot slot = slot(seq);
        if (slot.state == SlotState.PRESENT) {
            // cannot happen within the window; keep the array anyway
            spareArrays.push(slot.data);
            slot.data = null;
        }
        slot.seq = seq;
        slot.state = SlotState.MISSING;
        slot.missingSince = sinceNanos;
        slot.nacks = nackable ? 0 : Integer.MAX_VALUE;
        slot.nextNackAt = sinceNanos;
        missing++;
    }

    private void store(Slot slot, long ext, long timestamp, boolean marker, byte[] payload, int off, int len) {
        byte[] data = slot.data;
        if (data == null || data.length < len) {
            data = spareArrays.poll();
            if (data == null || data.length < len) {
                data = new byte[Math.max(len, PacketBuffer.MAX_PACKET_SIZE)];
            }
        }
        System.arraycopy(payload, off, data, 0, len);
        slot.data = data;
        slot.length = len;
        slot.seq = ext;
        slot.state = SlotState.PRESENT;
        slot.timestamp = timestamp;
        slot.marker = marker;
    }

    private Slot slot(long ext) {
        return slots[(int) (ext & mask)];
    }
}
