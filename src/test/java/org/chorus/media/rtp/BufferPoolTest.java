package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void aFreshBufferHasHeadroomAndSrtpTailroomForAFullSizePacket() {
        BufferPool pool = new BufferPool(8);
        PacketBuffer buffer = pool.acquire();

        assertThat(buffer.offset()).isEqualTo(PacketBuffer.HEADROOM);
        assertThat(buffer.length()).isZero();
        assertThat(buffer.capacity()).isEqualTo(PacketBuffer.CAPACITY);
        assertThat(PacketBuffer.SRTP_TAILROOM).isEqualTo(64);

        buffer.copyFrom(new byte[PacketBuffer.MAX_PACKET_SIZE], 0, PacketBuffer.MAX_PACKET_SIZE);
        assertThat(buffer.tailroom()).isGreaterThanOrEqualTo(PacketBuffer.SRTP_TAILROOM);
        assertThat(buffer.hasSrtpTailroom()).isTrue();
        buffer.release();
    }

    @Test
    void copyFromRefusesPacketsThatWouldEatTheSrtpTailroom() {
        PacketBuffer buffer = new BufferPool(1).acquire();
        assertThatThrownBy(() -> buffer.copyFrom(new byte[2000], 0, PacketBuffer.MAX_PACKET_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setOffsetAndLengthChecksBounds() {
        PacketBuffer buffer = new BufferPool(1).acquire();
        assertThatThrownBy(() -> buffer.setOffsetAndLength(10, PacketBuffer.CAPACITY))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.setOffsetAndLength(-1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        buffer.setOffsetAndLength(0, PacketBuffer.CAPACITY);
        assertThat(buffer.tailroom()).isZero();
        assertThat(buffer.hasSrtpTailroom()).isFalse();
    }

    @Test
    void releasedBuffersAreReused() {
        BufferPool pool = new BufferPool(8, 1);
        PacketBuffer first = pool.acquire();
        first.release();
        PacketBuffer second = pool.acquire();

        assertThat(second).isSameAs(first);
        assertThat(pool.allocations()).isEqualTo(1);
    }

    @Test
    void anEmptyPoolAllocatesAndCountsAndKeepsNoMoreThanItsBound() {
        BufferPool pool = new BufferPool(4);
        List<PacketBuffer> held = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            held.add(pool.acquire());
        }
        assertThat(pool.allocations()).isEqualTo(6);
        assertThat(pool.outstanding()).isEqualTo(6);
        assertThat(held).doesNotHaveDuplicates();

        held.forEach(PacketBuffer::release);

        assertThat(pool.outstanding()).isZero();
        assertThat(pool.discarded()).isEqualTo(2);
        assertThat(pool.available()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            pool.acquire();
        }
        assertThat(pool.allocations()).isEqualTo(6);
    }

    @Test
    void releasingTwiceThrowsAndNeverPoolsTheBufferTwice() {
        BufferPool pool = new BufferPool(8, 1);
        PacketBuffer buffer = pool.acquire();
        buffer.release();

        assertThatThrownBy(buffer::release).isInstanceOf(IllegalStateException.class);
        assertThat(pool.doubleReleases()).isEqualTo(1);

        PacketBuffer a = pool.acquire();
        PacketBuffer b = pool.acquire();
        assertThat(a).isNotSameAs(b);
        assertThat(a.isOwned()).isTrue();
    }

    @Test
    void copyDuplicatesOnlyThePacketAtTheSameOffset() {
        BufferPool pool = new BufferPool(8);
        PacketBuffer original = pool.acquire();
        original.setOffsetAndLength(70, 3);
        original.array()[70] = 1;
        original.array()[71] = 2;
        original.array()[72] = 3;

        PacketBuffer copy = original.copy();

        assertThat(copy).isNotSameAs(original);
        assertThat(copy.array()).isNotSameAs(original.array());
        assertThat(copy.offset()).isEqualTo(70);
        assertThat(copy.length()).isEqualTo(3);
        assertThat(copy.array()[70]).isEqualTo((byte) 1);
        assertThat(copy.array()[72]).isEqualTo((byte) 3);
        copy.array()[70] = 9;
        assertThat(original.array()[70]).isEqualTo((byte) 1);
        assertThat(copy.pool()).isSameAs(pool);
    }

    @Test
    void ownerOfFindsTheBufferOfAPooledArray() {
        BufferPool pool = new BufferPool(2);
        PacketBuffer buffer = pool.acquire();

        assertThat(pool.ownerOf(buffer.array())).isSameAs(buffer);
        assertThat(pool.ownerOf(new byte[PacketBuffer.CAPACITY])).isNull();
        assertThat(pool.ownerOf(null)).isNull();
    }

    @Test
    void prewarmedPoolsDoNotAllocateOnFirstUse() {
        BufferPool pool = new BufferPool(16);
        pool.prewarm(16);
        long allocated = pool.allocations();
        List<PacketBuffer> held = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            held.add(pool.acquire());
        }
        assertThat(pool.allocations()).isEqualTo(allocated).isEqualTo(16);
        held.forEach(PacketBuffer::release);
    }

    /** The forwarding pattern: receive into a buffer, copy for all but the last receiver, release all. */
    @Test
    void aWarmForwardingLoopAllocatesNothing() {
        BufferPool pool = new BufferPool(64);
        byte[] datagram = RtpPacketBuilder.rtp().payload(new byte[1200]).build();
        int receivers = 8;
        PacketBuffer[] out = new PacketBuffer[receivers];

        forward(pool, datagram, out, 10);
        long warm = pool.allocations();
        forward(pool, datagram, out, 100_000);

        assertThat(pool.allocations()).isEqualTo(warm).isLessThanOrEqualTo(receivers);
        assertThat(pool.outstanding()).isZero();
        assertThat(pool.discarded()).isZero();
    }

    private static void forward(BufferPool pool, byte[] datagram, PacketBuffer[] out, int packets) {
        for (int p = 0; p < packets; p++) {
            PacketBuffer received = pool.acquire().copyFrom(datagram, 0, datagram.length);
            Rtp.setSequenceNumber(received.array(), received.offset(), p);
            for (int r = 0; r < out.length - 1; r++) {
                out[r] = received.copy();
            }
            out[out.length - 1] = received;
            for (PacketBuffer buffer : out) {
                Rtp.setSsrc(buffer.array(), buffer.offset(), 42);
                buffer.release();
            }
        }
    }

    @Test
    void buffersNeverHaveTwoOwnersAcrossThreads() throws Exception {
        BufferPool pool = new BufferPool(256, 4);
        Set<PacketBuffer> owned = ConcurrentHashMap.newKeySet();
        BlockingQueue<PacketBuffer> handOver = new ArrayBlockingQueue<>(128);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int producers = 3;
        int perProducer = 50_000;
        CountDownLatch done = new CountDownLatch(producers);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        PacketBuffer b = pool.acquire();
                        if (!owned.add(b)) {
                            throw new AssertionError("buffer handed out twice");
                        }
                        b.array()[b.offset()] = (byte) id;
                        b.setLength(1);
                        PacketBuffer copy = b.copy();
                        if (!owned.add(copy) || copy.array()[copy.offset()] != (byte) id) {
                            throw new AssertionError("bad copy");
                        }
                        owned.remove(copy);
                        copy.release();
                        handOver.put(b);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }));
        }
        Thread consumer = new Thread(() -> {
            try {
                while (true) {
                    PacketBuffer b = handOver.poll(10, TimeUnit.MILLISECONDS);
                    if (b == null) {
                        if (done.getCount() == 0 && handOver.isEmpty()) {
                            return;
                        }
                        continue;
                    }
                    owned.remove(b);
                    b.release();
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        threads.forEach(Thread::start);
        consumer.start();
        for (Thread t : threads) {
            t.join();
        }
        consumer.join();

        assertThat(failure.get()).isNull();
        assertThat(pool.outstanding()).isZero();
        assertThat(pool.doubleReleases()).isZero();
        assertThat(pool.allocations()).isLessThanOrEqualTo(256 + producers * 2L + 128);
    }
}
