package org.chorus.media.rtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One pooled packet: a byte array of fixed capacity ({@link #CAPACITY}) and the region
 * {@code [offset, offset + length)} that holds the packet.
 *
 * <h2>Layout</h2>
 * A freshly acquired buffer has {@code offset == HEADROOM} and {@code length == 0}. The
 * {@link #HEADROOM} bytes in front let a packet grow at its start without moving the payload (a
 * header extension added by moving the RTP header left, an RTX header). Any packet of up to
 * {@link #MAX_PACKET_SIZE} bytes placed at {@code HEADROOM} leaves at least {@link #SRTP_TAILROOM}
 * spare bytes after it: SRTP writes its authentication tag there in place, and with AES-GCM it does
 * so without checking the capacity, so a full array would crash or corrupt the send path.
 * {@link #copyFrom} enforces that; code that sets the region by hand checks
 * {@link #hasSrtpTailroom()} before handing a plaintext packet to SRTP.
 *
 * <h2>Ownership</h2>
 * <ul>
 *   <li>Exactly one owner at a time. {@link BufferPool#acquire()} and {@link #copy()} return a buffer
 *       that the caller owns.</li>
 *   <li>The owner either {@link #release() releases} it once, or hands it over to a method documented
 *       to take ownership, after which it must not touch the buffer (nor its {@link #array()}).</li>
 *   <li>Methods that receive a buffer without taking ownership may read or modify it only during the
 *       call and keep no reference to it.</li>
 *   <li>Forwarding one packet to N receivers: the receive path owns the packet, makes N-1
 *       {@link #copy() copies} and hands the original to the last receiver, because each receiver
 *       rewrites and encrypts its packet in place. Each receiver's send path releases its buffer
 *       after sending.</li>
 *   <li>Releasing twice throws {@link IllegalStateException} and never puts the buffer into the
 *       pool twice. Use after release is not detected.</li>
 * </ul>
 *
 * A buffer is not thread-safe: its owner uses it from one thread at a time, and a hand-over
 * between threads must go through a happens-before edge (a queue, an executor).
 */
public final class PacketBuffer {

    /** The largest packet (RTP, RTCP, SRTP, DTLS or STUN datagram) that {@link #copyFrom} accepts. */
    public static final int MAX_PACKET_SIZE = 1500;

    /** Spare bytes in front of a freshly placed packet. */
    public static final int HEADROOM = 64;

    /** Spare bytes kept after any packet of up to {@link #MAX_PACKET_SIZE} bytes, for SRTP tags. */
    public static final int SRTP_TAILROOM = 64;

    /** The length of every pooled array. */
    public static final int CAPACITY = HEADROOM + MAX_PACKET_SIZE + SRTP_TAILROOM;

    static final int FREE = 0;
    static final int OWNED = 1;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PacketBuffer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[] array;
    private final BufferPool pool;
    /** Index in the pool's slot table, or -1 for a buffer allocated past the pool's bound. */
    final int slot;
    private int offset;
    private int length;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    PacketBuffer(BufferPool pool, int slot) {
        this.array = new byte[CAPACITY];
        this.pool = pool;
        this.slot = slot;
        this.offset = HEADROOM;
    }

    /** The backing array. Valid only while the caller owns this buffer. */
    public byte[] array() {
        return array;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The index just past the packet: {@code offset + length}. */
    public int end() {
        return offset + length;
    }

    public int capacity() {
        return array.length;
    }

    /** Spare bytes before the packet. */
    public int headroom() {
        return offset;
    }

    /** Spare bytes after the packet. */
    public int tailroom() {
        return array.length - offset - length;
    }

    /** Whether at least {@link #SRTP_TAILROOM} bytes follow the packet. */
    public boolean hasSrtpTailroom() {
        return tailroom() >= SRTP_TAILROOM;
    }

    /** The pool this buffer returns to. */
    public BufferPool pool() {
        return pool;
    }

    /**
     * Sets the packet region.
     *
     * @throws IndexOutOfBoundsException if the region does not fit the array
     */
    public PacketBuffer setOffsetAndLength(int offset, int length) {
        if (!Bytes.inBounds(array, offset, length)) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length
                    + " outside an array of " + array.length);
        }
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Sets the packet length, keeping the offset. */
    public PacketBuffer setLength(int length) {
        return setOffsetAndLength(offset, length);
    }

    /**
     * Copies a packet in, placing it at {@link #HEADROOM}.
     *
     * @throws IllegalArgumentException if it is longer than {@link #MAX_PACKET_SIZE}, which would eat
     *     into the SRTP tailroom
     */
    public PacketBuffer copyFrom(byte[] src, int srcOffset, int srcLength) {
        if (srcLength < 0 || srcLength > MAX_PACKET_SIZE) {
            throw new IllegalArgumentException("packet of " + srcLength + " bytes; at most "
                    + MAX_PACKET_SIZE);
        }
        System.arraycopy(src, srcOffset, array, HEADROOM, srcLength);
        this.offset = HEADROOM;
        this.length = srcLength;
        return this;
    }

    /**
     * A copy of the packet in another buffer of the same pool, at the same offset, which the
     * caller owns. Only the packet bytes are copied, not the whole array.
     */
    public PacketBuffer copy() {
        PacketBuffer copy = pool.acquire();
        System.arraycopy(array, offset, copy.array, offset, length);
        copy.offset = offset;
        copy.length = length;
        return copy;
    }

    /** Whether someone owns this buffer, i.e. it is not in the pool. For assertions and tests. */
    public boolean isOwned() {
        return state == OWNED;
    }

    /**
     * Gives the buffer back to its pool. The caller must not use it afterwards.
     *
     * @throws IllegalStateException if it was already released
     */
    public void release() {
        if (!STATE.compareAndSet(this, OWNED, FREE)) {
            pool.countDoubleRelease();
            throw new IllegalStateException("packet buffer released twice");
        }
        pool.giveBack(this);
    }

    /** Marks the buffer owned as the pool hands it out. */
    void claim() {
        if (!STATE.compareAndSet(this, FREE, OWNED)) {
            throw new IllegalStateException("pooled buffer was already owned");
        }
        offset = HEADROOM;
        length = 0;
    }

    @Override
    public String toString() {
        return "PacketBuffer[offset=" + offset + ", length=" + length + ", capacity=" + array.length + "]";
    }
}
