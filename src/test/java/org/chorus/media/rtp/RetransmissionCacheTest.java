package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.media.rtp.RtpPacketBuilder.rtp;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RetransmissionCacheTest {

    private static final int SSRC = 0x5EED;
    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final BufferPool pool = new BufferPool(1024);

    private RetransmissionCache cache(int packets, long maxAgeMs, int maxSsrcs) {
        return new RetransmissionCache(pool, packets, maxAgeMs * MS, maxSsrcs, now::get);
    }

    private static byte[] packet(int ssrc, int seq) {
        return rtp().ssrc(ssrc).seq(seq).payload(seq & 0xFF, (seq >>> 8) & 0xFF, 0x55).build();
    }

    private static void assertIsPacket(PacketBuffer copy, int ssrc, int seq) {
        assertThat(copy).isNotNull();
        byte[] a = copy.array();
        int off = copy.offset();
        assertThat(Rtp.isValidRtp(a, off, copy.length())).isTrue();
        assertThat(Rtp.ssrc(a, off)).isEqualTo(ssrc);
        assertThat(Rtp.sequenceNumber(a, off)).isEqualTo(seq);
        int payload = Rtp.payloadOffset(a, off, copy.length());
        assertThat(a[payload] & 0xFF).isEqualTo(seq & 0xFF);
        assertThat(a[payload + 1] & 0xFF).isEqualTo((seq >>> 8) & 0xFF);
    }

    @Test
    void getReturnsAFreshCopyTheCallerOwns() {
        RetransmissionCache cache = cache(16, 1000, 4);
        byte[] sent = packet(SSRC, 10);
        assertThat(cache.insert(sent, 0, sent.length)).isTrue();
        sent[12] = 0x77; // the sender goes on to encrypt its own buffer in place

        PacketBuffer first = cache.get(SSRC, 10);
        assertIsPacket(first, SSRC, 10);
        assertThat(first.hasSrtpTailroom()).isTrue();
        first.array()[first.offset() + 12] = 0x66; // and the retransmission in its own
        PacketBuffer second = cache.get(SSRC, 10);

        assertIsPacket(second, SSRC, 10);
        assertThat(second).isNotSameAs(first);
        first.release();
        second.release();
        assertThat(pool.outstanding()).isEqualTo(1); // the cached copy
        cache.close();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void missesUnknownSsrcsAndSequences() {
        RetransmissionCache cache = cache(16, 1000, 4);
        byte[] sent = packet(SSRC, 10);
        cache.insert(sent, 0, sent.length);

        assertThat(cache.get(SSRC, 11)).isNull();
        assertThat(cache.get(SSRC, 10 + 16)).isNull();
        assertThat(cache.get(SSRC + 1, 10)).isNull();
        assertThat(cache.contains(SSRC, 10)).isTrue();
    }

    @Test
    void ignoresWhatIsNotRtp() {
        RetransmissionCache cache = cache(16, 1000, 4);
        byte[] pli = new byte[12];
        Rtcp.writePli(pli, 0, 1, 2);
        assertThat(cache.insert(pli, 0, pli.length)).isFalse();
        assertThat(cache.insert(new byte[5], 0, 5)).isFalse();
        assertThat(cache.size()).isZero();
    }

    @Test
    void evictsTheOldestWhenTheRingIsFullAndReleasesIt() {
        RetransmissionCache cache = cache(8, 10_000, 4);
        for (int seq = 0; seq < 20; seq++) {
            byte[] p = packet(SSRC, seq);
            cache.insert(p, 0, p.length);
        }

        assertThat(cache.size()).isEqualTo(8);
        assertThat(pool.outstanding()).isEqualTo(8);
        assertThat(cache.get(SSRC, 11)).isNull();
        for (int seq = 12; seq < 20; seq++) {
            PacketBuffer copy = cache.get(SSRC, seq);
            assertIsPacket(copy, SSRC, seq);
            copy.release();
        }
    }

    @Test
    void findsPacketsAcrossTheSequenceWrap() {
        RetransmissionCache cache = cache(16, 10_000, 4);
        int seq = 65530;
        for (int i = 0; i < 12; i++) {
            byte[] p = packet(SSRC, seq);
            cache.insert(p, 0, p.length);
            seq = (seq + 1) & 0xFFFF;
        }

        for (int s : new int[] {65530, 65535, 0, 5}) {
            PacketBuffer copy = cache.get(SSRC, s);
            assertIsPacket(copy, SSRC, s);
            copy.release();
        }
        assertThat(cache.get(SSRC, 6)).isNull();
        assertThat(cache.get(SSRC, 65529)).isNull();
    }

    @Test
    void keepsLateReorderedPacketsWithinTheWindow() {
        RetransmissionCache cache = cache(16, 10_000, 4);
        for (int s : new int[] {65534, 1, 65535, 0}) {
            byte[] p = packet(SSRC, s);
            cache.insert(p, 0, p.length);
        }
        for (int s : new int[] {65534, 65535, 0, 1}) {
            PacketBuffer copy = cache.get(SSRC, s);
            assertIsPacket(copy, SSRC, s);
            copy.release();
        }
        byte[] ancient = packet(SSRC, 65000);
        cache.insert(ancient, 0, ancient.length);
        assertThat(cache.get(SSRC, 65000)).isNull();
        assertThat(pool.outstanding()).isEqualTo(4);
    }

    @Test
    void packetsExpireAfterTheMaximumAge() {
        RetransmissionCache cache = cache(64, 1000, 4);
        for (int seq = 0; seq < 10; seq++) {
            byte[] p = packet(SSRC, seq);
            cache.insert(p, 0, p.length);
            now.addAndGet(100 * MS);
        }
        // now = start + 1000 ms: packet 0 was sent 1000 ms ago, packet 1 900 ms ago
        assertThat(cache.contains(SSRC, 0)).isTrue();
        now.addAndGet(50 * MS);
        assertThat(cache.get(SSRC, 0)).isNull();
        assertThat(cache.contains(SSRC, 1)).isTrue();

        byte[] p = packet(SSRC, 10);
        cache.insert(p, 0, p.length); // inserting drops the expired ones from the old end
        assertThat(cache.size()).isEqualTo(10);

        now.addAndGet(5_000 * MS);
        cache.evictExpired(); // a stream gone quiet
        assertThat(cache.size()).isZero();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void aRecentGapIsAPacketMissingAmongTheCachedOnesAndNothingElse() {
        RetransmissionCache cache = cache(64, 1000, 4);
        for (int seq = 65530; seq < 65536 + 10; seq++) {
            if (seq == 65534 || seq == 65536 + 3) {
                continue; // lost before the gateway
            }
            byte[] p = packet(SSRC, seq & 0xFFFF);
            cache.insert(p, 0, p.length);
            now.addAndGet(10 * MS);
        }

        assertThat(cache.isRecentGap(SSRC, 65534)).as("lost, across the wrap").isTrue();
        assertThat(cache.isRecentGap(SSRC, 3)).as("lost").isTrue();
        assertThat(cache.isRecentGap(SSRC, 4)).as("cached: retransmit it, do not ask").isFalse();
        assertThat(cache.isRecentGap(SSRC, 10)).as("not sent yet").isFalse();
        assertThat(cache.isRecentGap(SSRC, 65529)).as("older than the oldest cached").isFalse();
        assertThat(cache.isRecentGap(SSRC + 1, 3)).as("another SSRC").isFalse();

        now.addAndGet(1_500 * MS);
        assertThat(cache.isRecentGap(SSRC, 3)).as("the stream went quiet longer than the maximum age").isFalse();
        cache.close();
    }

    @Test
    void keepsSsrcsApartAndBoundsTheirNumber() {
        RetransmissionCache cache = cache(8, 10_000, 2);
        for (int ssrc = 1; ssrc <= 3; ssrc++) {
            for (int seq = 100; seq < 104; seq++) {
                byte[] p = packet(ssrc, seq);
                cache.insert(p, 0, p.length);
            }
            now.addAndGet(MS);
        }

        assertThat(cache.contains(1, 100)).isFalse(); // least recently written, evicted
        assertThat(cache.contains(2, 100)).isTrue();
        assertThat(cache.contains(3, 103)).isTrue();
        assertThat(cache.size()).isEqualTo(8);
        assertThat(pool.outstanding()).isEqualTo(8);

        cache.remove(2);
        assertThat(cache.contains(2, 100)).isFalse();
        assertThat(pool.outstanding()).isEqualTo(4);
        cache.close();
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void aReplacedSlotReleasesTheOldCopy() {
        RetransmissionCache cache = cache(8, 10_000, 2);
        byte[] p = packet(SSRC, 5);
        cache.insert(p, 0, p.length);
        cache.insert(p, 0, p.length);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(pool.outstanding()).isEqualTo(1);
    }

    @Test
    void aNackThreadReadsConsistentPacketsWhileTheSenderWrites() throws Exception {
        RetransmissionCache cache = new RetransmissionCache(pool, 64, 10_000 * MS, 4, now::get);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong highest = new AtomicLong(-1);
        Thread sender = new Thread(() -> {
            try {
                byte[] p = packet(SSRC, 0);
                for (int i = 0; i < 300_000 && failure.get() == null; i++) {
                    int seq = i & 0xFFFF;
                    Rtp.setSequenceNumber(p, 0, seq);
                    int payload = Rtp.payloadOffset(p, 0, p.length);
                    p[payload] = (byte) seq;
                    p[payload + 1] = (byte) (seq >>> 8);
                    cache.insert(p, 0, p.length);
                    highest.set(i);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                // whatever happens, the reader must stop too, or the test never ends
                stop.set(true);
            }
        });
        Thread nacker = new Thread(() -> {
            try {
                while (!stop.get()) {
                    long h = highest.get();
                    if (h < 0) {
                        continue;
                    }
                    int seq = (int) ((h - (h % 40)) & 0xFFFF);
                    PacketBuffer copy = cache.get(SSRC, seq);
                    if (copy != null) {
                        assertIsPacket(copy, SSRC, seq);
                        copy.release();
                    }
                }
                long last = highest.get();
                PacketBuffer copy = cache.get(SSRC, (int) (last & 0xFFFF));
                assertIsPacket(copy, SSRC, (int) (last & 0xFFFF));
                copy.release();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        sender.setDaemon(true);
        nacker.setDaemon(true);
        sender.start();
        nacker.start();
        sender.join(60_000);
        stop.set(true);
        nacker.join(10_000);
        assertThat(sender.isAlive() || nacker.isAlive()).as("both threads finished").isFalse();

        assertThat(failure.get()).isNull();
        cache.close();
        assertThat(pool.outstanding()).isZero();
    }
}
