package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.SessionState;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * What a call leaves behind in the gateway: after a 20-person call (20 members, 400 legs) has
 * ended, the gateway's threads and live heap are back where they were before it, within a small
 * tolerance. The gateway runs as its own process (its command line, with the systemd unit's JVM
 * options) so that the figures are its own: threads from /proc, the heap after full collections
 * from jcmd. The baseline is taken after a two-person call in the same room, so that what any first
 * call initialises once is in it. Three members send media; the others only receive.
 */
@ExtendWith(ProsodyExtension.class)
class GatewayResourcesEndToEndTest {
    private static final int PEOPLE = 20;
    private static final int SENDERS = 3;
    /** Threads a finished call may leave (a pool that has not shrunk to its core yet, a timer). */
    private static final int THREAD_TOLERANCE = 4;
    /** Live heap a finished call may leave: a fraction of what a single leg costs today. */
    private static final long HEAP_TOLERANCE = 4L << 20;
    private static final List<String> GATEWAY_JVM = List.of("-Xms128m", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError");

    @RegisterExtension
    final CallFixture calls;

    GatewayResourcesEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void threadsAndLiveHeapReturnToTheBaselineAfterATwentyPersonCallEnds() throws Exception {
        ProsodyServer server = calls.server();
        GatewayTestAccess.Child gateway = calls.add(GatewayTestAccess.startProcess(server, GATEWAY_JVM,
                // members that only receive send no RTP, and would leave after the media timeout
                Map.of("chorus.calls.max-participants", PEOPLE + 5, "chorus.calls.media-timeout", "30m")));
        long pid = gateway.pid();
        XmppTestClient probe = calls.client("probe");
        await("the gateway's component is online").atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            assertThat(gateway.isAlive()).as("the gateway process; its output: %s", gateway.output()).isTrue();
            probe.discoverInfo(JidCreate.domainBareFrom(server.componentDomain()));
        });
        String[] nicks = new String[PEOPLE];
        for (int i = 0; i < PEOPLE; i++) {
            nicks[i] = "m" + i;
        }
        TestRoom room = calls.room("resources", nicks);
        List<MediaParticipant> people = room.members;

        // a first call, to initialise what any first call does, then the baseline
        List<MediaParticipant> pair = people.subList(0, 2);
        for (MediaParticipant p : pair) {
            p.join(room.conference);
        }
        LegFaultsEndToEndTest.awaitFlowing(LegFaultsEndToEndTest.allPairs(pair));
        for (MediaParticipant p : pair) {
            p.stopSending();
            p.sending().terminate();
        }
        await("the first call ends").atMost(Duration.ofSeconds(30)).until(() -> room.find("ended"), Optional::isPresent);
        room.announcements.clear();
        Thread.sleep(5_000);
        int baseThreads = ProcessFigures.threads(pid);
        long baseHeap = ProcessFigures.liveHeapBytes(pid);

        for (int i = 0; i < PEOPLE; i++) {
            MediaParticipant p = people.get(i);
            p.join(room.conference);
            if (i >= SENDERS) {
                p.stopSending();
            }
        }
        await("every member has a secure session with each of the others' streams").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    for (MediaParticipant p : people) {
                        long secure = p.openSessionsByPublisher().values().stream()
                                .filter(s -> s.state() == SessionState.SECURE).count();
                        assertThat(secure).as(p.name + "'s secure receiving sessions").isEqualTo(PEOPLE - 1);
                    }
                });
        LegFaultsEndToEndTest.awaitFlowing(LegFaultsEndToEndTest.allPairs(people).stream()
                .filter(pr -> people.indexOf(pr.publisher()) < SENDERS).toList());
        int callThreads = ProcessFigures.threads(pid);
        long callHeap = ProcessFigures.liveHeapBytes(pid);

        for (MediaParticipant p : people) {
            p.stopSending();
            p.sending().terminate();
        }
        await("the call ends").atMost(Duration.ofSeconds(60)).until(() -> room.find("ended"), Optional::isPresent);
        long ended = System.nanoTime();
        int[] threads = {Integer.MAX_VALUE};
        long[] heap = {Long.MAX_VALUE};
        try {
            await("the gateway's threads return to the baseline").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                        threads[0] = ProcessFigures.threads(pid);
                        assertThat(threads[0]).isLessThanOrEqualTo(baseThreads + THREAD_TOLERANCE);
                    });
            await("the gateway's live heap returns to the baseline").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
                        heap[0] = ProcessFigures.liveHeapBytes(pid);
                        assertThat(heap[0]).isLessThanOrEqualTo(baseHeap + HEAP_TOLERANCE);
                    });
        } finally {
            System.out.printf("Gateway resources, %d members (%d legs): threads %d before, %d in the call, %d after"
                            + " (%.0f s after it ended); live heap %s before, %s in the call, %s after%n",
                    PEOPLE, PEOPLE * PEOPLE, baseThreads, callThreads, threads[0], (System.nanoTime() - ended) / 1e9,
                    ProcessFigures.mib(baseHeap), ProcessFigures.mib(callHeap),
                    heap[0] == Long.MAX_VALUE ? "not measured" : ProcessFigures.mib(heap[0]));
        }
        assertThat(threads[0]).as("threads after the call (before: %d)", baseThreads)
                .isLessThanOrEqualTo(baseThreads + THREAD_TOLERANCE);
        assertThat(heap[0]).as("live heap after the call (before: %s)", ProcessFigures.mib(baseHeap))
                .isLessThanOrEqualTo(baseHeap + HEAP_TOLERANCE);
    }
}
