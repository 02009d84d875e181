package org.chorus.media.rtp;

import java.util.concurrent.locks.StampedLock;
import java.util.function.LongSupplier;

/**
 * Copies of recently sent plaintext RTP packets, per SSRC, for answering NACKs.
 *
 * <ul>
 *   <li>Each SSRC has a ring of {@code packetsPerSsrc} slots (a power of two) indexed by the
 *       unwrapped sequence number, so lookups are O(1) and wrap-around safe.</li>
 *   <li>A packet leaves the cache when a newer one takes its slot, when it is older than
 *       {@code maxAgeNanos}, or when its SSRC is removed. Its pooled copy is released then.</li>
 *   <li>At most {@code maxSsrcs} SSRCs are kept; a new SSRC beyond that evicts the one written to
 *       least recently. Memory is therefore bounded by {@code maxSsrcs × packetsPerSsrc} buffers.</li>
 * </ul>
 *
 * <h2>Copy semantics</h2>
 * {@link #insert} copies the packet into a buffer from the cache's pool; the caller keeps its
 * own buffer (typically to encrypt and send it). {@link #get} returns another fresh copy, owned by
 * the caller, who may rewrite it (RTX), encrypt it in place and must release it. The cached copies
 * are never handed out, so they stay plaintext and unchanged.
 *
 * <h2>Threads</h2>
 * Designed for one writer per cache (the thread sending to one receiver calls {@link #insert})
 * and NACK handling on another thread calling {@link #get}. Every method is nevertheless safe
 * from any thread: writes to one SSRC's ring take its write lock, and {@link #get} first copies
 * optimistically without locking and falls back to the read lock only if a write raced with it.
 * Creating or removing an SSRC takes a cache-wide lock; lookups of existing SSRCs do not.
 */
public final class RetransmissionCache implements AutoCloseable {

    /** Defaults: 512 packets (about a second of 4 Mbps video), 1 s, 32 SSRCs. */
    public static final int DEFAULT_PACKETS_PER_SSRC = 512;
    public static final long DEFAULT_MAX_AGE_NANOS = 1_000_000_000L;
    public static final int DEFAULT_MAX_SSRCS = 32;

    private final BufferPool pool;
    private final int packetsPerSsrc;
    private final long maxAgeNanos;
    private final int maxSsrcs;
    private final LongSupplier nanoClock;
    private final Object tableLock = new Object();
    /** Copy-on-write: replaced, never mutated, under tableLock. */
    private volatile Ring[] rings = new Ring[0];

    public RetransmissionCache(BufferPool pool) {
        this(pool, DEFAULT_PACKETS_PER_SSRC, DEFAULT_MAX_AGE_NANOS, DEFAULT_MAX_SSRCS, System::nanoTime);
    }

    /**
     * @param packetsPerSsrc ring size, rounded up to a power of two
     * @param maxAgeNanos how long a packet stays retransmittable
     * @param nanoClock a monotonic clock in nanoseconds (System::nanoTime outside tests)
     */
    public RetransmissionCache(BufferPool pool, int packetsPerSsrc, long maxAgeNanos, int maxSsrcs,
                               LongSupplier nanoClock) {
        if (packetsPerSsrc < 1 || packetsPerSsrc > 1 << 15 || maxAgeNanos <= 0 || maxSsrcs < 1) {
            throw new IllegalArgumentException("packetsPerSsrc 1..32768, positive maxAge and maxSsrcs");
        }
        this.pool = pool;
        this.packetsPerSsrc = Integer.highestOneBit(packetsPerSsrc * 2 - 1);
        this.maxAgeNanos = maxAgeNanos;
        this.maxSsrcs = maxSsrcs;
        this.nanoClock = nanoClock;
    }

    /** Stores a copy of a sent plaintext RTP packet. Invalid RTP is ignored (returns false). */
    public boolean insert(byte[] buf, int off, int len) {
        if (!Rtp.isValidRtp(buf, off, len) || len > PacketBuffer.MAX_PACKET_SIZE) {
            return false;
        }
        long now = nanoClock.getAsLong();
        Ring ring = ringFor(Rtp.ssrc(buf, off), now);
        PacketBuffer copy = pool.acquire();
        System.arraycopy(buf, off, copy.array(), PacketBuffer.HEADROOM, len);
        copy.setOffsetAndLength(PacketBuffer.HEADROOM, len);
        ring.put(copy, Rtp.sequenceNumber(buf, off), now);
        return true;
    }

    /** Stores a copy of a sent plaintext RTP packet; the caller keeps ownership of {@code packet}. */
    public boolean insert(PacketBuffer packet) {
        return insert(packet.array(), packet.offset(), packet.length());
    }

    /**
     * A copy of the cached packet {@code seq} of {@code ssrc}, which the caller owns and must
     * release, or null if it is not cached (never sent, evicted, or older than the maximum age).
     */
    public PacketBuffer get(int ssrc, int seq) {
        Ring ring = find(rings, ssrc);
        return ring == null ? null : ring.copyOut(seq & 0xFFFF, nanoClock.getAsLong());
    }

    /**
     * Whether {@code seq} of {@code ssrc} is a packet the cache never got, among the ones it holds:
     * the SSRC is known and written to within the maximum age, and {@code seq} lies between its
     * oldest live packet and its newest, yet is not cached. Such a packet was lost before it reached
     * the cache, so its sender may still have it; anything older, newer or of another SSRC is not
     * worth asking for. Never blocks a writer.
     */
    public boolean isRecentGap(int ssrc, int seq) {
        Ring ring = find(rings, ssrc);
        return ring != null && ring.isGap(seq & 0xFFFF, nanoClock.getAsLong());
    }

    /** Whether {@code seq} of {@code ssrc} is cached and young enough to retransmit. */
    public boolean contains(int ssrc, int seq) {
        PacketBuffer copy = get(ssrc, seq);
        if (copy == null) {
            return false;
        }
        copy.release();
        return true;
    }

    /** Releases every packet older than the maximum age, for streams that went quiet. */
    public void evictExpired() {
        long now = nanoClock.getAsLong();
        for (Ring ring : rings) {
            ring.evictOlderThan(now - maxAgeNanos);
        }
    }

    /** Drops an SSRC and releases its packets. */
    public void remove(int ssrc) {
        Ring removed = null;
        synchronized (tableLock) {
            Ring[] current = rings;
            for (int i = 0; i < current.length; i++) {
                if (current[i].ssrc == ssrc) {
                    removed = current[i];
                    Ring[] next = new Ring[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    rings = next;
                    break;
                }
            }
        }
        if (removed != null) {
            removed.clear();
        }
    }

    /** The number of cached packets (for tests and metrics). */
    public int size() {
        int size = 0;
        for (Ring ring : rings) {
            size += ring.size();
        }
        return size;
    }

    /** Releases every cached packet. The cache stays usable. */
    @Override
    public void close() {
        Ring[] current;
        synchronized (tableLock) {
            current = rings;
            rings = new Ring[0];
        }
        for (Ring ring : current) {
            ring.clear();
        }
    }

    private static Ring find(Ring[] table, int ssrc) {
        for (Ring ring : table) {
            if (ring.ssrc == ssrc) {
                return ring;
            }
        }
        return null;
    }

    private Ring ringFor(int ssrc, long now) {
        Ring ring = find(rings, ssrc);
        if (ring != null) {
            return ring;
        }
        Ring evicted = null;
        synchronized (tableLock) {
            Ring[] current = rings;
            ring = find(current, ssrc);
            if (ring != null) {
                return ring;
            }
            ring = new Ring(ssrc, packetsPerSsrc);
            Ring[] next;
            if (current.length < maxSsrcs) {
                next = new Ring[current.length + 1];
                System.arraycopy(current, 0, next, 0, current.length);
                next[current.length] = ring;
            } else {
                int oldest = 0;
                for (int i = 1; i < current.length; i++) {
                    if (current[i].lastWriteNanos - current[oldest].lastWriteNanos < 0) {
                        oldest = i;
                    }
                }
                evicted = current[oldest];
                next = current.clone();
                next[oldest] = ring;
            }
            ring.lastWriteNanos = now;
            rings = next;
        }
        if (evicted != null) {
            evicted.clear();
        }
        return ring;
    }

    /** One SSRC's packets. Slot i holds the packet whose unwrapped index is i modulo the size. */
    private final class Ring {
        final int ssrc;
        final int mask;
        final PacketBuffer[] packets;
        final long[] indexes;
        final long[] sentAt;
        final StampedLock lock = new StampedLock();
        final SequenceNumbers.Unwrapper unwrapper = new SequenceNumbers.Unwrapper();
        /** The lowest index that may still hold a live packet; only moves forward. */
        long oldest = Long.MIN_VALUE;
        /** Set once the ring left the table; a late insert then releases its copy at once. */
        boolean closed;
        volatile long lastWriteNanos;

        Ring(int ssrc, int size) {
            this.ssrc = ssrc;
            this.mask = size - 1;
            this.packets = new PacketBuffer[size];
            this.indexes = new long[size];
            this.sentAt = new long[size];
        }

        void put(PacketBuffer copy, int seq, long now) {
            long stamp = lock.writeLock();
            try {
                if (closed) {
                    copy.release();
                    return;
                }
                long index = unwrapper.unwrap(seq);
                long highest = unwrapper.highest();
                if (highest - index > mask) {
                    copy.release(); // older than the whole ring: not worth keeping
                } else {
                    int slot = (int) index & mask;
                    PacketBuffer old = packets[slot];
                    if (old != null && indexes[slot] > index) {
                        copy.release(); // a newer packet already holds the slot
                    } else {
                        if (old != null) {
                            old.release();
                        }
                        packets[slot] = copy;
                        indexes[slot] = index;
                        sentAt[slot] = now;
                    }
                }
                lastWriteNanos = now;
                advanceOldest(highest, now - maxAgeNanos);
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        /**
         * Releases expired packets from the old end of the ring, stopping at the first live one:
         * amortised O(1) per insert, since {@code oldest} only moves forward.
         */
        private void advanceOldest(long highest, long cutoff) {
            oldest = Math.max(oldest, highest - mask);
            while (oldest <= highest) {
                int slot = (int) oldest & mask;
                PacketBuffer packet = packets[slot];
                if (packet != null && indexes[slot] == oldest) {
                    if (sentAt[slot] - cutoff >= 0) {
                        return;
                    }
                    packet.release();
                    packets[slot] = null;
                }
                oldest++;
            }
        }

        PacketBuffer copyOut(int seq, long now) {
            long stamp = lock.tryOptimisticRead();
            if (stamp != 0) {
                PacketBuffer copy = copyIfPresent(seq, now);
                if (lock.validate(stamp)) {
                    return copy;
                }
                if (copy != null) {
                    copy.release();
                }
            }
            stamp = lock.readLock();
            try {
                return copyIfPresent(seq, now);
            } finally {
                lock.unlockRead(stamp);
            }
        }

        boolean isGap(int seq, long now) {
            long stamp = lock.tryOptimisticRead();
            if (stamp != 0) {
                boolean gap = gapIn(seq, now);
                if (lock.validate(stamp)) {
                    return gap;
                }
            }
            stamp = lock.readLock();
            try {
                return gapIn(seq, now);
            } finally {
                lock.unlockRead(stamp);
            }
        }

        /** Under a read lock or an optimistic read (then the caller validates, as for copies). */
        private boolean gapIn(int seq, long now) {
            long highest = unwrapper.highest();
            if (highest < 0 || now - lastWriteNanos > maxAgeNanos) {
                return false;
            }
            long index = SequenceNumbers.unwrap(seq, highest);
            if (index > highest || index < oldest) {
                return false;
            }
            int slot = (int) index & mask;
            PacketBuffer cached = packets[slot];
            return cached == null || indexes[slot] != index || now - sentAt[slot] > maxAgeNanos;
        }

        /**
         * Under a read lock or an optimistic read: with the latter, fields may be inconsistent and
         * the cached buffer may even have been released and reused, so every bound is checked
         * before copying and the caller discards the copy unless the stamp validates.
         */
        private PacketBuffer copyIfPresent(int seq, long now) {
            long highest = unwrapper.highest();
            if (highest < 0) {
                return null;
            }
            long index = SequenceNumbers.unwrap(seq, highest);
            int slot = (int) index & mask;
            PacketBuffer cached = packets[slot];
            if (cached == null || indexes[slot] != index || now - sentAt[slot] > maxAgeNanos) {
                return null;
            }
            byte[] src = cached.array();
            int off = cached.offset();
            int len = cached.length();
            PacketBuffer copy = pool.acquire();
            if (!Bytes.inBounds(src, off, len) || off + len > copy.capacity()) {
                copy.release();
                return null;
            }
            System.arraycopy(src, off, copy.array(), off, len);
            copy.setOffsetAndLength(off, len);
            return copy;
        }

        void evictOlderThan(long cutoff) {
            long stamp = lock.writeLock();
            try {
                for (int i = 0; i <= mask; i++) {
                    if (packets[i] != null && sentAt[i] - cutoff < 0) {
                        packets[i].release();
                        packets[i] = null;
                    }
                }
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        void clear() {
            long stamp = lock.writeLock();
            try {
                closed = true;
                for (int i = 0; i <= mask; i++) {
                    if (packets[i] != null) {
                        packets[i].release();
                        packets[i] = null;
                    }
                }
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        int size() {
            long stamp = lock.readLock();
            try {
                int size = 0;
                for (PacketBuffer packet : packets) {
                    if (packet != null) {
                        size++;
                    }
                }
                return size;
            } finally {
                lock.unlockRead(stamp);
            }
        }
    }
}
