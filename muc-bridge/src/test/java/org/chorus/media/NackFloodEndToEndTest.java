package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.media.rtp.Rtcp;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver floods the gateway with NACKs (issue 8, hole 4): the other receivers' media must not
 * suffer, the flooding receiver gets no more retransmissions than its budget allows, and the sender
 * is not asked for the flood's sequence numbers.
 */
@ExtendWith(ProsodyExtension.class)
class NackFloodEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(NackFloodEndToEndTest.class);
    private static final Duration WINDOW = Duration.ofSeconds(4);
    /** NACK packets the flooding receiver sends a second. */
    private static final int NACKS_PER_SECOND = 200;
    /** Sequence numbers each NACK lists: the newest 256 the flooder has seen. */
    private static final int SEQS_PER_NACK = 256;

    @RegisterExtension
    final CallFixture calls;

    NackFloodEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @Test
    void aReceiverFloodingNacksNeitherSlowsTheOthersNorReachesTheSender() throws Exception {
        calls.gateway();
        TestRoom room = calls.room(MediaParticipant.Video.FULL_SIZE, "flood", "sender", "flooder", "viewer");
        MediaParticipant a = room.member(0);
        MediaParticipant b = room.member(1);
        MediaParticipant c = room.member(2);
        room.everyMemberCalls();
        await().atMost(Duration.ofSeconds(30)).until(() -> b.videoFrom(a) > 100 && c.videoFrom(a) > 100);
        ReceivingSession fromA = b.sessionFrom(a).orElseThrow();
        int videoSsrc = (int) fromA.videoSsrc().orElseThrow();

        // before the flood
        long[] before = countBoth(() -> c.videoFrom(a), () -> b.datagramsFrom(a));
        long viewerBefore = before[0];
        long flooderBefore = before[1];

        ScheduledExecutorService flood = Executors.newSingleThreadScheduledExecutor();
        AtomicLong nacksSent = new AtomicLong();
        byte[] nack = new byte[2048];
        int[] seqs = new int[SEQS_PER_NACK];
        long nackedBefore = a.nackedSequenceNumbers.get();
        try {
            flood.scheduleAtFixedRate(() -> {
                int last = b.bySid.get(fromA.sid()).lastVideoSeq.get();
                for (int i = 0; i < seqs.length; i++) {
                    seqs[i] = (last - seqs.length + 1 + i) & 0xFFFF;
                }
                int length = Rtcp.writeNack(nack, 0, b.client.rtcpSsrc(), videoSsrc, seqs, seqs.length);
                if (fromA.sendRtcp(nack, 0, length)) {
                    nacksSent.incrementAndGet();
                }
            }, 0, 1_000_000 / NACKS_PER_SECOND, TimeUnit.MICROSECONDS);
            Thread.sleep(1_000); // let the flood reach its steady state
            long[] during = countBoth(() -> c.videoFrom(a), () -> b.datagramsFrom(a));
            long viewerDuring = during[0];
            long flooderDuring = during[1];
            long nackedDuringFlood = a.nackedSequenceNumbers.get() - nackedBefore;
            long asked = nacksSent.get() * SEQS_PER_NACK;

            log.info("NACK flood: viewer {} video packets before, {} during; flooder {} datagrams before, {} during; "
                    + "sender asked for {} of {} sequence numbers", viewerBefore, viewerDuring, flooderBefore, flooderDuring,
                    nackedDuringFlood, asked);
            assertThat(nacksSent.get()).as("NACKs the flooder sent").isGreaterThan(NACKS_PER_SECOND * 3L);
            SoftAssertions.assertSoftly(soft -> {
                soft.assertThat(viewerDuring).as("the viewer's video packets from the sender in %s during the flood "
                        + "(%d before)", WINDOW, viewerBefore)
                        .isBetween((long) (viewerBefore * 0.7), (long) (viewerBefore * 1.3));
                soft.assertThat(flooderDuring).as("SRTP datagrams the flooder got from the sender in %s during the "
                        + "flood (%d before): retransmissions stay within its budget", WINDOW, flooderBefore)
                        .isLessThanOrEqualTo(flooderBefore * 2);
                soft.assertThat(nackedDuringFlood).as("sequence numbers the sender was asked for, of %d the flooder "
                        + "asked", asked).isLessThan(1_000);
            });
        } finally {
            flood.shutdownNow();
        }
    }

    private static long[] countBoth(java.util.function.LongSupplier first, java.util.function.LongSupplier second)
            throws InterruptedException {
        long a = first.getAsLong();
        long b = second.getAsLong();
        Thread.sleep(WINDOW.toMillis());
        return new long[] {first.getAsLong() - a, second.getAsLong() - b};
    }
}
