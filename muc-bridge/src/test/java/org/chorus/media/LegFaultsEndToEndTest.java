package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One leg of a call fails on the media path while the others carry on (PROTOCOL.md §5, §7): a
 * member's leg that stops answering ICE consent ends alone, with {@code <timeout/>}; a caller whose
 * leg never completes ICE, or completes ICE but never DTLS, gets {@code <failed-transport/>} after
 * the connect timeout. In both cases
 * every other leg keeps delivering media, counted as what the receivers decrypted. The gateway's
 * consent and connect timeouts are set short so that the tests take seconds.
 */
@ExtendWith(ProsodyExtension.class)
class LegFaultsEndToEndTest {
    private static final Duration CONSENT_TIMEOUT = Duration.ofSeconds(4);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration WINDOW = Duration.ofSeconds(3);

    @RegisterExtension
    final CallFixture calls;

    LegFaultsEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    private void gateway() throws Exception {
        calls.gateway(Map.of(
                "chorus.media.consent-timeout", CONSENT_TIMEOUT.toMillis() + "ms",
                "chorus.media.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms"));
    }

    @Test
    void aLegThatStopsAnsweringConsentEndsAloneWithTimeout() throws Exception {
        gateway();
        TestRoom room = calls.room("consent", "alice", "bob", "carol");
        MediaParticipant alice = room.member(0);
        MediaParticipant bob = room.member(1);
        room.everyMemberCalls();
        List<Pair> pairs = allPairs(room.members);
        awaitFlowing(pairs);

        ReceivingSession lost = bob.sessionFrom(alice).orElseThrow();
        lost.loseNetwork();

        String reason = await("the gateway ends bob's leg from alice").atMost(CONSENT_TIMEOUT.plusSeconds(30))
                .until(() -> bob.endedReasons.get(lost.sid()), r -> r != null);
        assertThat(reason).as("the reason on the leg whose consent stopped").isEqualTo("timeout");
        assertThat(lost.endedByPeer()).as("the gateway ended it (bob's side said nothing)").isTrue();

        List<Pair> others = pairs.stream().filter(p -> !(p.receiver == bob && p.publisher == alice)).toList();
        Map<Pair, Long> now = counts(others);
        await("every other leg keeps delivering media").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Pair p : others) {
                assertThat(p.received()).as(p + " after the lost leg ended").isGreaterThan(now.get(p) + 25);
            }
        });
        for (MediaParticipant m : room.members) {
            assertThat(m.sendingEndReason()).as(m.name + "'s own session").isEmpty();
            Map<String, String> ended = new LinkedHashMap<>(m.endedReasons);
            if (m == bob) {
                ended.remove(lost.sid());
            }
            assertThat(ended).as(m.name + "'s other receiving sessions that ended").isEmpty();
        }
    }

    @Test
    void aLegThatNeverAnswersIceFailsTransportAfterTheTimeoutWhileTwentyOthersFlow() throws Exception {
        aLegThatNeverConnects("noice", false);
    }

    @Test
    void aLegThatNeverDoesDtlsFailsTransportAfterTheTimeoutWhileTwentyOthersFlow() throws Exception {
        aLegThatNeverConnects("nodtls", true);
    }

    /**
     * Five members stream to each other (20 legs) while a sixth calls and then never answers ICE
     * checks, or answers them (ICE completes) but never does DTLS.
     */
    private void aLegThatNeverConnects(String roomName, boolean answerIce) throws Exception {
        gateway();
        TestRoom room = calls.room(roomName, "alice", "bob", "carol", "dave", "erin");
        XmppTestClient silentClient = calls.client("silent");
        room.ownerView.grantMembership(silentClient.bareJid());
        silentClient.joinRoom(room.name, "silent");
        SilentCaller silent = calls.add(new SilentCaller(silentClient));
        room.everyMemberCalls();
        List<Pair> pairs = allPairs(room.members);
        assertThat(pairs).hasSize(20);
        awaitFlowing(pairs);

        double before = rate(pairs, WINDOW);
        long duringStart = total(pairs);
        long t0 = System.nanoTime();
        String sid = silent.call(room.conference, calls.media());
        if (answerIce) {
            silent.answerChecksButNeverDtls(sid, Duration.ofSeconds(10));
        }
        String reason = await("the gateway gives the silent caller's leg up").atMost(CONNECT_TIMEOUT.plusSeconds(30))
                .until(() -> silent.terminateReason(sid).orElse(null), r -> r != null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double during = (total(pairs) - duringStart) / seconds;
        double after = rate(pairs, WINDOW);
        System.out.printf("A leg that never %s: ended with <%s/> after %.1f s (connect timeout %d s; %s); the 20"
                        + " other legs delivered %.0f packets/s before, %.0f while it tried, %.0f after%n",
                answerIce ? "does DTLS" : "answers ICE", reason, seconds, CONNECT_TIMEOUT.toSeconds(),
                silent.stunSummary(), before, during, after);

        assertThat(reason).as("the reason on the leg that never connected").isEqualTo("failed-transport");
        if (answerIce) {
            assertThat(silent.iceCompleted()).as("ICE worked both ways: %s", silent.stunSummary()).isTrue();
        }
        assertThat(during).as("the 20 legs' packets a second while the silent leg tried (before: %.0f)", before)
                .isGreaterThanOrEqualTo(before * 0.8);
        assertThat(after).as("the 20 legs' packets a second after it ended (before: %.0f)", before)
                .isGreaterThanOrEqualTo(before * 0.8);
        Map<Pair, Long> now = counts(pairs);
        await("each of the 20 legs still delivers").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Pair p : pairs) {
                assertThat(p.received()).as(p.toString()).isGreaterThan(now.get(p) + 25);
            }
        });
        for (MediaParticipant m : room.members) {
            assertThat(m.sendingEndReason()).as(m.name + "'s own session").isEmpty();
            assertThat(m.endedReasons).as(m.name + "'s receiving sessions that ended").isEmpty();
        }
    }

    // ---- what the members receive ----------------------------------------------------------------

    /** A receiver and a publisher whose stream it receives. */
    record Pair(MediaParticipant receiver, MediaParticipant publisher) {
        long received() {
            return receiver.packetsFrom(publisher.name);
        }

        @Override
        public String toString() {
            return receiver.name + " from " + publisher.name;
        }
    }

    static List<Pair> allPairs(List<MediaParticipant> members) {
        List<Pair> pairs = new ArrayList<>();
        for (MediaParticipant r : members) {
            for (MediaParticipant p : members) {
                if (r != p) {
                    pairs.add(new Pair(r, p));
                }
            }
        }
        return pairs;
    }

    static void awaitFlowing(List<Pair> pairs) {
        await("every member receives every other").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (Pair p : pairs) {
                assertThat(p.received()).as(p.toString()).isGreaterThan(20);
            }
        });
    }

    static Map<Pair, Long> counts(List<Pair> pairs) {
        Map<Pair, Long> out = new LinkedHashMap<>();
        pairs.forEach(p -> out.put(p, p.received()));
        return out;
    }

    static long total(List<Pair> pairs) {
        return pairs.stream().mapToLong(Pair::received).sum();
    }

    /** Packets a second the pairs together received, decrypted, over {@code window}. */
    static double rate(List<Pair> pairs, Duration window) throws InterruptedException {
        long a = total(pairs);
        Thread.sleep(window.toMillis());
        return (total(pairs) - a) / (window.toMillis() / 1000.0);
    }
}
