package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.chorus.jingle.Fingerprint;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.client.ConferenceException;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;

/**
 * A call's life with real media on a real Prosody: a late joiner, keyframe requests, a member
 * leaving, what a plain occupant of the room sees, a non-member, and a forged fingerprint
 * (PROTOCOL.md §4–§7).
 */
@ExtendWith(ProsodyExtension.class)
class CallLifecycleEndToEndTest {
    private static final String N = "urn:xmpp:jingle-muc-message:0";

    @RegisterExtension
    final CallFixture calls;
    private TestRoom room;
    private EntityBareJid conference;

    CallLifecycleEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @BeforeEach
    void setUp() throws Exception {
        calls.gateway();
    }

    private List<MediaParticipant> room(String name, String... names) throws Exception {
        room = calls.room(name, names);
        conference = room.conference;
        return room.members;
    }

    @Test
    void aLateJoinerGetsEveryStreamAndItsArrivalAsksEachSenderForAKeyframe() throws Exception {
        List<MediaParticipant> people = room("late", "alice", "bob", "carol", "dave");
        MediaParticipant dave = people.get(3);
        List<MediaParticipant> early = people.subList(0, 3);
        for (MediaParticipant p : early) {
            p.join(conference);
        }
        for (MediaParticipant p : early) {
            await().atMost(Duration.ofSeconds(20)).until(() -> p.openSessionsByPublisher().size() == 2
                    && p.openSessionsByPublisher().keySet().stream().allMatch(pub -> p.packetsFrom(pub) > 10));
        }
        // let earlier keyframe requests age past the rate limit, then note where each sender stands
        Thread.sleep(500);
        List<Integer> before = early.stream().map(p -> p.keyframeRequests.size()).toList();

        dave.join(conference);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(dave.openSessionsByPublisher().keySet()).containsExactlyInAnyOrder(
                    early.stream().map(p -> p.name).toArray(String[]::new));
            for (MediaParticipant p : early) {
                assertThat(dave.packetsFrom(p.name)).as("dave receives " + p.name).isGreaterThan(10);
            }
        });
        for (var e : dave.bySid.values()) {
            assertThat(e.senders).hasSizeLessThanOrEqualTo(1);
        }
        for (int i = 0; i < early.size(); i++) {
            MediaParticipant p = early.get(i);
            int b = before.get(i);
            await(p.name + " is asked for a keyframe when dave arrives").atMost(Duration.ofSeconds(10))
                    .until(() -> p.keyframeRequests.size() > b);
            assertThat(p.openSessionsByPublisher()).containsKey(dave.name);
        }
    }

    @Test
    void aMemberWhoLeavesEndsItsStreamsWithGoneAndTheRoomSeesTheWholeCall() throws Exception {
        List<MediaParticipant> people = room("leave", "alice", "bob", "carol");
        MediaParticipant alice = people.get(0);
        MediaParticipant bob = people.get(1);
        MediaParticipant carol = people.get(2);
        room.everyMemberCalls();
        await().atMost(Duration.ofSeconds(20)).until(() -> alice.openSessionsByPublisher().size() == 2
                && bob.openSessionsByPublisher().size() == 2);

        // the room: alice's call started it (propose naming her), bob and carol joined (accept)
        Message propose = await().atMost(Duration.ofSeconds(5)).until(() -> room.find("propose"), Optional::isPresent).get();
        String callId = attr(propose, "propose", "id");
        assertThat(attr(propose, "propose", "initiator")).isEqualTo(alice.name);
        assertThat(propose.getBody()).startsWith("alice started a call");
        await().atMost(Duration.ofSeconds(5)).until(() -> room.announcements.stream()
                .filter(m -> m.getExtensionElement("accept", N) != null).count() == 2);
        assertThat(room.announcements).filteredOn(m -> m.getExtensionElement("accept", N) != null)
                .extracting(m -> attr(m, "accept", "nick")).containsExactlyInAnyOrder("bob", "carol");
        await().atMost(Duration.ofSeconds(5)).until(() -> room.callElement().map(x -> x.contains("id='" + callId + "'")
                && x.contains("nick='alice'") && x.contains("nick='bob'") && x.contains("nick='carol'")).orElse(false));

        carol.sending().terminate();

        for (MediaParticipant p : List.of(alice, bob)) {
            await(p.name + " sees carol's stream end with gone").atMost(Duration.ofSeconds(10)).until(() ->
                    p.sessions.values().stream().filter(s -> MediaParticipant.publisherOf(s).equals(carol.name))
                            .allMatch(s -> "gone".equals(p.endedReasons.get(s.sid()))));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> room.callElement().map(x -> !x.contains("nick='carol'")).orElse(false));
        // the other two keep receiving each other
        long fromBob = alice.packetsFrom(bob.name);
        await().atMost(Duration.ofSeconds(5)).until(() -> alice.packetsFrom(bob.name) > fromBob + 20);

        alice.sending().terminate();
        bob.sending().terminate();
        Message ended = await().atMost(Duration.ofSeconds(10)).until(() -> room.find("ended"), Optional::isPresent).get();
        assertThat(attr(ended, "ended", "id")).isEqualTo(callId);
        assertThat(attr(ended, "ended", "reason")).isEqualTo("all-left");
        assertThat(ended.getBody()).startsWith("Call ended after");
        await().atMost(Duration.ofSeconds(5)).until(() -> room.callElement().isEmpty());
    }

    @Test
    void aNonMemberIsForbidden() throws Exception {
        room("closed", "alice");
        MediaParticipant m = calls.add(new MediaParticipant(calls.client("mallory"), calls.media()));
        assertThatThrownBy(() -> m.join(conference)).isInstanceOfSatisfying(ConferenceException.class,
                e -> assertThat(e.condition()).contains(StanzaError.Condition.forbidden));
    }

    @Test
    void aFingerprintThatDoesNotMatchTheCertificateEndsTheSessionWithSecurityError() throws Exception {
        MediaParticipant alice = room("forged", "alice").get(0);
        alice.client.setOfferFilter(offer -> forge(offer));
        try {
            alice.join(conference);
        } catch (AssertionError | ConferenceException e) {
            // the session may end before or after it would have become secure; the reason is what counts
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !alice.sendingEnded.isEmpty());
        assertThat(alice.sendingEnded.values()).containsExactly("security-error");
    }

    private static SessionDescription forge(SessionDescription offer) {
        Fingerprint real = offer.transport().fingerprint();
        String forged = real.value().substring(0, real.value().length() - 2) + (real.value().endsWith("00") ? "11" : "00");
        return new SessionDescription(offer.contents(),
                offer.transport().withFingerprint(new Fingerprint(real.hash(), forged, real.setup())), offer.bundle(),
                offer.conferenceInfo());
    }

    private static String attr(Message m, String element, String attribute) {
        String xml = m.getExtensionElement(element, N).toXML().toString();
        var matcher = java.util.regex.Pattern.compile("\\b" + attribute + "=['\"]([^'\"]*)['\"]").matcher(xml);
        return matcher.find() ? matcher.group(1) : null;
    }
}
