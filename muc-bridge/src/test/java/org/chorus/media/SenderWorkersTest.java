package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.chorus.media.rtp.BufferPool;
import org.chorus.media.rtp.PacketBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SenderWorkersTest {
    private final BufferPool pool = new BufferPool(64);
    private SenderWorkers workers;

    @AfterEach
    void closeAndCheckBuffers() {
        if (workers != null) {
            workers.close();
        }
        assertThat(pool.outstanding()).as("every packet handed over is released exactly once").isZero();
    }

    /** A packet whose first four bytes carry {@code number}. */
    private PacketBuffer packet(int number) {
        PacketBuffer p = pool.acquire();
        byte[] a = p.array();
        int off = PacketBuffer.HEADROOM;
        a[off] = (byte) (number >>> 24);
        a[off + 1] = (byte) (number >>> 16);
        a[off + 2] = (byte) (number >>> 8);
        a[off + 3] = (byte) number;
        return p.setOffsetAndLength(off, 4);
    }

    private static int number(PacketBuffer p) {
        byte[] a = p.array();
        int off = p.offset();
        return (a[off] & 0xFF) << 24 | (a[off + 1] & 0xFF) << 16 | (a[off + 2] & 0xFF) << 8 | (a[off + 3] & 0xFF);
    }

    /** A sink that records what it got, on which thread, and releases the packet. */
    private static final class RecordingSink implements SenderWorkers.Task {
        final List<Integer> got = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void run(PacketBuffer packet) {
            got.add(number(packet));
            threads.add(Thread.currentThread().getName());
            packet.release();
        }
    }

    /** A strict fake: any packet reaching it is a failure (it was supposed to be dropped). */
    private static final SenderWorkers.Task NEVER = packet -> {
        throw new AssertionError("a dropped packet was run");
    };

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingTheProducerOrTheOtherShards() throws Exception {
        workers = new SenderWorkers(2, 8);
        SenderWorkers.Shard stuck = workers.pin();
        SenderWorkers.Shard other = workers.pin();
        assertThat(stuck).isNotSameAs(other);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        // a receiver whose send never returns (until the test lets it)
        assertThat(stuck.submit(packet -> {
            running.countDown();
            try {
                unblock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            packet.release();
        }, packet(0))).isTrue();
        running.await();

        RecordingSink queued = new RecordingSink();
        for (int i = 1; i <= 8; i++) {
            assertThat(stuck.submit(queued, packet(i))).as("packet %d fits", i).isTrue();
        }
        List<PacketBuffer> refused = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PacketBuffer p = packet(100 + i);
            refused.add(p);
            assertThat(stuck.submit(NEVER, p)).as("the ninth packet on does not fit").isFalse();
        }
        assertThat(refused).noneMatch(PacketBuffer::isOwned); // released at once, back in the pool
        assertThat(stuck.drops()).isEqualTo(5);
        assertThat(workers.drops()).containsExactly(5L, 0L);

        // the other shard keeps forwarding meanwhile
        RecordingSink flowing = new RecordingSink();
        for (int i = 0; i < 20; i++) {
            assertThat(other.submit(flowing, packet(i))).isTrue();
            int sent = i + 1;
            await().pollInterval(Duration.ofMillis(1)).until(() -> flowing.got.size() == sent);
        }
        assertThat(queued.got).isEmpty();
        assertThat(other.drops()).isZero();

        unblock.countDown();
        await().until(() -> queued.got.size() == 8);
        assertThat(queued.got).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(stuck.drops()).isEqualTo(5);
    }

    @Test
    void eachProducersPacketsRunInOrderOnTheShardsOneThread() throws Exception {
        workers = new SenderWorkers(1, 1 << 14);
        SenderWorkers.Shard shard = workers.pin();
        int producers = 3;
        int perProducer = 4000;
        List<RecordingSink> sinks = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            RecordingSink sink = new RecordingSink();
            sinks.add(sink);
            threads.add(new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    assertThat(shard.submit(sink, packet(i))).isTrue();
                }
            }, "producer-" + p));
        }
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        await().until(() -> sinks.stream().allMatch(s -> s.got.size() == perProducer));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perProducer; i++) {
            expected.add(i);
        }
        for (RecordingSink sink : sinks) {
            assertThat(sink.got).isEqualTo(expected);
            assertThat(sink.threads).containsOnly("chorus-forward-0");
        }
        assertThat(shard.drops()).isZero();
    }

    @Test
    void subscriptionsArePinnedToTheLeastLoadedShard() {
        workers = new SenderWorkers(3, 8);
        List<SenderWorkers.Shard> pinned = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            pinned.add(workers.pin());
        }
        assertThat(pinned.stream().map(SenderWorkers.Shard::index)).containsExactly(0, 1, 2, 0, 1, 2, 0);
        assertThat(workers.shards().stream().map(SenderWorkers.Shard::pinned)).containsExactly(3, 2, 2);

        // two receivers of shard 0 leave: the next two new ones go to the shards now lightest
        workers.unpin(pinned.get(0));
        workers.unpin(pinned.get(3));
        assertThat(workers.shards().stream().map(SenderWorkers.Shard::pinned)).containsExactly(1, 2, 2);
        assertThat(workers.pin().index()).isZero();
        assertThat(workers.pin().index()).isZero();
        assertThat(workers.pin().index()).isEqualTo(1);
        assertThat(workers.shards().stream().map(SenderWorkers.Shard::pinned)).containsExactly(3, 3, 2);
    }

    @Test
    void zeroThreadsMeansOnePerProcessor() {
        workers = new SenderWorkers(0, 8);
        assertThat(workers.size()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(workers.shards().stream().map(s -> s.thread().getName()))
                .allMatch(name -> name.startsWith("chorus-forward-"));
    }

    @Test
    void closeStopsEveryThreadAndReleasesWhatWasQueued() throws Exception {
        workers = new SenderWorkers(2, 8);
        SenderWorkers.Shard busy = workers.pin();
        List<Thread> threads = workers.shards().stream().map(SenderWorkers.Shard::thread).toList();
        assertThat(threads).allMatch(Thread::isAlive);

        // a task that runs until close() has begun, so that what is queued behind it never runs
        CountDownLatch running = new CountDownLatch(1);
        SenderWorkers w = workers;
        busy.submit(packet -> {
            running.countDown();
            while (!w.isClosed()) {
                Thread.yield();
            }
            packet.release();
        }, packet(0));
        running.await();
        List<PacketBuffer> queued = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            PacketBuffer p = packet(i);
            queued.add(p);
            assertThat(busy.submit(NEVER, p)).isTrue();
        }

        workers.close();

        await().until(() -> threads.stream().noneMatch(Thread::isAlive));
        assertThat(queued).noneMatch(PacketBuffer::isOwned);
        PacketBuffer late = packet(9);
        assertThat(busy.submit(NEVER, late)).as("nothing runs after close").isFalse();
        assertThat(late.isOwned()).isFalse();
        assertThat(busy.drops()).as("refusals after close are not drops").isZero();
        workers.close(); // idempotent
    }

    @Test
    void aFailingTaskDoesNotStopTheShard() {
        workers = new SenderWorkers(1, 8);
        SenderWorkers.Shard shard = workers.pin();
        AtomicInteger failures = new AtomicInteger();
        shard.submit(packet -> {
            packet.release();
            failures.incrementAndGet();
            throw new IllegalStateException("a broken receiver");
        }, packet(0));
        RecordingSink after = new RecordingSink();
        shard.submit(after, packet(1));
        await().until(() -> after.got.size() == 1);
        assertThat(failures.get()).isEqualTo(1);
        assertThat(after.got).containsExactly(1);
        assertThat(after.threads).containsExactly("chorus-forward-0");
    }
}
