package org.chorus.media.rtp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded, lock-free pool of {@link PacketBuffer}s of {@link PacketBuffer#CAPACITY} bytes.
 *
 * <ul>
 *   <li>{@link #acquire()} never blocks and never fails: when the pool is empty it allocates a new
 *       buffer and counts it ({@link #allocations()}).</li>
 *   <li>At most {@code maxPooled} buffers are ever kept. Buffers allocated past that bound (only
 *       when more than {@code maxPooled} are in use at once) are dropped for the garbage collector
 *       when released, and counted in {@link #discarded()}.</li>
 *   <li>Once warm, acquiring and releasing allocate nothing.</li>
 * </ul>
 *
 * Internally the free buffers sit in a few striped Treiber stacks (last in, first out, so that
 * recently used arrays stay in cache), linked through an index table rather than nodes, with an
 * ABA stamp on each stack top. A thread pushes to and pops from the stripe its identity hash
 * selects, and pops from the other stripes when that one is empty, which keeps contention low
 * when one thread receives and others send.
 *
 * All methods are thread-safe.
 */
public final class BufferPool {

    /** Longs between two stack tops, so that each sits on its own cache line pair. */
    private static final int TOP_SPACING = 16;

    private final int maxPooled;
    private final PacketBuffer[] slots;
    /** For each slot in a stack: the slot below it plus one, 0 for none. */
    private final int[] below;
    /** For each stripe: (stamp << 32) | (top slot + 1), 0 in the low half for an empty stack. */
    private final AtomicLongArray tops;
    private final int stripeMask;
    private final AtomicInteger slotsUsed = new AtomicInteger();
    private final ConcurrentHashMap<byte[], PacketBuffer> byArray = new ConcurrentHashMap<>();

    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicLong doubleReleases = new AtomicLong();
    private final LongAdder acquires = new LongAdder();
    private final LongAdder releases = new LongAdder();

    /** A pool keeping at most {@code maxPooled} buffers, with as many stripes as processors (up to 16). */
    public BufferPool(int maxPooled) {
        this(maxPooled, Runtime.getRuntime().availableProcessors());
    }

    /** A pool keeping at most {@code maxPooled} buffers in {@code stripes} (rounded up to a power of two) stacks. */
    public BufferPool(int maxPooled, int stripes) {
        if (maxPooled < 1) {
            throw new IllegalArgumentException("maxPooled must be positive: " + maxPooled);
        }
        int n = Integer.highestOneBit(Math.max(1, Math.min(stripes, 16)) * 2 - 1);
        this.maxPooled = maxPooled;
        this.slots = new PacketBuffer[maxPooled];
        this.below = new int[maxPooled];
        this.tops = new AtomicLongArray(n * TOP_SPACING);
        this.stripeMask = n - 1;
    }

    /**
     * A buffer with {@code offset == HEADROOM} and {@code length == 0}, owned by the caller, who
     * must release it exactly once. Its contents are whatever the previous owner left.
     */
    public PacketBuffer acquire() {
        PacketBuffer buffer = pop();
        if (buffer == null) {
            buffer = allocate();
        }
        buffer.claim();
        acquires.increment();
        return buffer;
    }

    /**
     * Allocates buffers up front, up to the pool's bound, so that the first packets of a call do
     * not allocate.
     */
    public void prewarm(int count) {
        for (int i = 0; i < count; i++) {
            int slot = reserveSlot();
            if (slot < 0) {
                return;
            }
            push(newPooled(slot));
        }
    }

    /**
     * The pooled buffer whose array this is, or null if the array is not (or no longer) one of this
     * pool's. Lets code that passes raw arrays through a library (ice4j's receive buffers) find the
     * buffer again without copying.
     */
    public PacketBuffer ownerOf(byte[] array) {
        return array == null ? null : byArray.get(array);
    }

    /** The bound on pooled buffers. */
    public int maxPooled() {
        return maxPooled;
    }

    /** How many arrays this pool has ever allocated, pooled or not. */
    public long allocations() {
        return allocations.get();
    }

    /** How many released buffers were dropped because they were allocated past the bound. */
    public long discarded() {
        return discarded.get();
    }

    /** How many times a buffer was released twice (each also threw). */
    public long doubleReleases() {
        return doubleReleases.get();
    }

    /** Buffers acquired and not yet released (a moment's estimate under concurrency). */
    public long outstanding() {
        return acquires.sum() - releases.sum();
    }

    /** Buffers sitting in the pool (a moment's estimate under concurrency). */
    public long available() {
        long overflowOutstanding = allocations.get() - slotsUsed.get() - discarded.get();
        return Math.max(0, slotsUsed.get() - (outstanding() - overflowOutstanding));
    }

    void giveBack(PacketBuffer buffer) {
        releases.increment();
        if (buffer.slot >= 0) {
            push(buffer);
        } else {
            byArray.remove(buffer.array());
            discarded.incrementAndGet();
        }
    }

    void countDoubleRelease() {
        doubleReleases.incrementAndGet();
    }

    private PacketBuffer allocate() {
        int slot = reserveSlot();
        if (slot >= 0) {
            return newPooled(slot);
        }
        PacketBuffer buffer = new PacketBuffer(this, -1);
        allocations.incrementAndGet();
        byArray.put(buffer.array(), buffer);
        return buffer;
    }

    private PacketBuffer newPooled(int slot) {
        PacketBuffer buffer = new PacketBuffer(this, slot);
        slots[slot] = buffer;
        allocations.incrementAndGet();
        byArray.put(buffer.array(), buffer);
        return buffer;
    }

    private int reserveSlot() {
        while (true) {
            int used = slotsUsed.get();
            if (used >= maxPooled) {
                return -1;
            }
            if (slotsUsed.compareAndSet(used, used + 1)) {
                return used;
            }
        }
    }

    private int homeStripe() {
        int hash = System.identityHashCode(Thread.currentThread()) * 0x9E3779B9;
        return (hash >>> 16) & stripeMask;
    }

    private void push(PacketBuffer buffer) {
        int index = homeStripe() * TOP_SPACING;
        long entry = buffer.slot + 1L;
        while (true) {
            long top = tops.get(index);
            below[buffer.slot] = (int) top;
            long next = (((top >>> 32) + 1) << 32) | entry;
            if (tops.compareAndSet(index, top, next)) {
                return;
            }
        }
    }

    private PacketBuffer pop() {
        int home = homeStripe();
        for (int i = 0; i <= stripeMask; i++) {
            int index = ((home + i) & stripeMask) * TOP_SPACING;
            while (true) {
                long top = tops.get(index);
                int entry = (int) top;
                if (entry == 0) {
                    break;
                }
                // A stale read of below[] only happens when the top changed, so the stamp makes the CAS fail.
                long next = (((top >>> 32) + 1) << 32) | (below[entry - 1] & 0xFFFF_FFFFL);
                if (tops.compareAndSet(index, top, next)) {
                    return slots[entry - 1];
                }
            }
        }
        return null;
    }
}
