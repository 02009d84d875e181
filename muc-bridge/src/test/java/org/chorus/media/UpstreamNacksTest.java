package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chorus.media.rtp.BufferPool;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.rtp.Rtcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamNacksTest {
    private static final long MS = 1_000_000L;
    private static final int GATEWAY = 0x6A7E;
    private static final int VIDEO = 0x1111;
    private static final int OTHER_VIDEO = 0x2222;
    private static final RetransmissionLimits LIMITS = new RetransmissionLimits(
            Duration.ofMillis(100), 50, 8_000, 64_000, 1_200, Duration.ofMillis(20), 8);

    private final BufferPool pool = new BufferPool(16);
    /** Every NACK packet sent: per packet, the lost sequence numbers per media SSRC, in packet order. */
    private final List<Map<Integer, List<Integer>>> sent = new ArrayList<>();
    private long now = 9_000 * MS;

    private void send(PacketBuffer packet) {
        Map<Integer, List<Integer>> nacks = new LinkedHashMap<>();
        assertThat(Rtcp.isValidCompound(packet.array(), packet.offset(), packet.length())).isTrue();
        Rtcp.forEach(packet.array(), packet.offset(), packet.length(), (buf, off, len, type, count) -> {
            assertThat(Rtcp.isNack(buf, off, len)).isTrue();
            assertThat(Rtcp.senderSsrc(buf, off)).isEqualTo(GATEWAY);
            List<Integer> seqs = new ArrayList<>();
            for (int seq : Rtcp.nackLost(buf, off, len)) {
                seqs.add(seq);
            }
            nacks.put(Rtcp.mediaSsrc(buf, off), seqs);
            return true;
        });
        sent.add(nacks);
        packet.release();
    }

    private int flush(UpstreamNacks nacks) {
        return nacks.flushIfDue(now, pool, GATEWAY, this::send);
    }

    @AfterEach
    void noBufferLeaks() {
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void requestsOfManyReceiversGoOutAsOneNackPerSsrcInOnePacket() {
        UpstreamNacks nacks = new UpstreamNacks(LIMITS, now);
        // three receivers miss the same packets, in their own order, and one misses another stream's
        for (int receiver = 0; receiver < 3; receiver++) {
            nacks.ask(VIDEO, 101, now);
            nacks.ask(VIDEO, 65535, now);
            nacks.ask(VIDEO, 0, now);
        }
        nacks.ask(OTHER_VIDEO, 7, now);
        assertThat(nacks.hasPending()).isTrue();

        assertThat(flush(nacks)).isEqualTo(4);

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).containsOnlyKeys(VIDEO, OTHER_VIDEO);
        assertThat(sent.get(0).get(VIDEO)).as("in order across the wrap").containsExactly(65535, 0, 101);
        assertThat(sent.get(0).get(OTHER_VIDEO)).containsExactly(7);
        assertThat(nacks.hasPending()).isFalse();
        assertThat(flush(nacks)).as("nothing waits").isZero();
    }

    @Test
    void aSequenceNumberAskedIsNotAskedAgainWithinTheResendInterval() {
        UpstreamNacks nacks = new UpstreamNacks(LIMITS, now);
        assertThat(nacks.ask(VIDEO, 500, now)).isTrue();
        flush(nacks);

        now += 99 * MS;
        assertThat(nacks.ask(VIDEO, 500, now)).isFalse();
        assertThat(flush(nacks)).isZero();

        now += MS;
        assertThat(nacks.ask(VIDEO, 500, now)).as("a round trip later: the retransmission was lost too").isTrue();
        assertThat(flush(nacks)).isEqualTo(1);
        assertThat(sent).hasSize(2);
    }

    @Test
    void atMostOneNackPacketPerIntervalWhateverTheNumberOfRequests() {
        UpstreamNacks nacks = new UpstreamNacks(LIMITS, now);
        int asked = 0;
        // 1 s of requests for new sequence numbers every millisecond, flushing after each
        for (int ms = 0; ms < 1_000; ms++) {
            now += MS;
            if (nacks.ask(VIDEO, ms, now)) {
                asked++;
            }
            flush(nacks);
        }
        now += 20 * MS;
        flush(nacks);

        assertThat(sent).as("NACK packets in 1 s with a 20 ms interval").hasSizeBetween(49, 51);
        assertThat(sent.stream().mapToInt(p -> p.get(VIDEO).size()).sum()).isEqualTo(asked);
        assertThat(sent).allSatisfy(p -> assertThat(p.get(VIDEO)).hasSizeLessThanOrEqualTo(8));
    }

    @Test
    void aFullNackRefusesMoreUntilItIsSent() {
        UpstreamNacks nacks = new UpstreamNacks(LIMITS, now);
        for (int seq = 0; seq < 8; seq++) {
            assertThat(nacks.ask(VIDEO, seq, now)).isTrue();
        }
        assertThat(nacks.ask(VIDEO, 8, now)).as("the ninth waits for no one").isFalse();
        now += 20 * MS;
        assertThat(flush(nacks)).isEqualTo(8);
        assertThat(nacks.ask(VIDEO, 8, now)).as("refused, so not remembered as asked").isTrue();
        now += 20 * MS;
        assertThat(flush(nacks)).isEqualTo(1);
    }
}
