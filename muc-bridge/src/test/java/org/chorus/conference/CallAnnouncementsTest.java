package org.chorus.conference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.chorus.muc.Room;
import org.chorus.testing.fakes.ManualScheduler;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.ScriptedSink;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.dom4j.QName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/** The announcement builders (PROTOCOL.md §4), on their own: what they put in the stanzas. */
class CallAnnouncementsTest {
    private static final String N = Namespaces.JINGLE_MUC_MESSAGE;
    private static final String INVITES = "urn:xmpp:call-invites:0";
    private static final JID TEAM = new JID("team@conference.example.org");
    private static final JID CONFERENCE = new JID("team@av.example.org");
    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    private static final String CALL_ID = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";

    /** Nothing here sends anything: the strict sink proves it. */
    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private MucFixture muc;
    private Room room;

    @BeforeEach
    void setUp() {
        muc = new MucFixture(sink, new ManualScheduler(), Duration.ofMinutes(1), Duration.ofHours(1));
        muc.registry.bindConfigured(List.of(TEAM)); // bound, not joined: the stream is down
        room = muc.registry.room(TEAM).orElseThrow();
    }

    @AfterEach
    void tearDown() {
        muc.close();
    }

    private Call call(JID initiator, CallState state) {
        return new Call(CALL_ID, room, initiator, T0, state);
    }

    @Test
    void aProposeNamesTheCallItsConferenceAndTheMemberWhoStartedIt() {
        Call call = call(new JID("alice@example.org"), CallState.ACTIVE);

        Message m = CallAnnouncements.propose(call, CONFERENCE, "alice");

        assertThat(m.getBody()).isEqualTo("alice started a call. Join it: team@av.example.org");
        Element propose = m.getChildElement("propose", N);
        assertThat(propose.attributeValue("id")).isEqualTo(CALL_ID);
        assertThat(propose.attributeValue("jid")).isEqualTo("team@av.example.org");
        assertThat(propose.attributeValue("initiator")).isEqualTo("alice@example.org");
        assertThat(propose.elements()).extracting(Element::getQName, d -> d.attributeValue("media"))
                .containsExactly(
                        tuple(QName.get("description", Namespaces.JINGLE_RTP), "audio"),
                        tuple(QName.get("description", Namespaces.JINGLE_RTP), "video"));
        Element invite = m.getChildElement("invite", INVITES);
        assertThat(invite.attributeValue("audio")).isEqualTo("true");
        assertThat(invite.attributeValue("video")).isEqualTo("true");
        assertThat(invite.elements()).singleElement().satisfies(j -> {
            assertThat(j.getQName()).isEqualTo(QName.get("jingle", INVITES));
            assertThat(j.attributeValue("jid")).isEqualTo("team@av.example.org");
        });
        assertThat(m.getID()).isNotBlank().isNotEqualTo(CALL_ID);
    }

    @Test
    void theConferenceIsNamedByItsBareJid() {
        Message m = CallAnnouncements.propose(call(new JID("alice@example.org"), CallState.ACTIVE),
                new JID("team@av.example.org/some-resource"), "alice");

        assertThat(m.getBody()).endsWith("Join it: team@av.example.org");
        assertThat(m.getChildElement("propose", N).attributeValue("jid")).isEqualTo("team@av.example.org");
        assertThat(m.getChildElement("invite", INVITES).element("jingle").attributeValue("jid"))
                .isEqualTo("team@av.example.org");
    }

    @Test
    void aCallNobodyInParticularStartedHasNoInitiator() {
        Message m = CallAnnouncements.propose(call(null, CallState.PROPOSED), CONFERENCE, null);

        assertThat(m.getBody()).isEqualTo("A call started. Join it: team@av.example.org");
        assertThat(m.getChildElement("propose", N).attribute("initiator")).isNull();
    }

    @Test
    void everyAnnouncementHasItsOwnMessageId() {
        Call call = call(new JID("alice@example.org"), CallState.ACTIVE);
        Participant bob = new Participant(new JID("bob@example.org/phone"), "bob", T0);

        List<String> ids = List.of(
                CallAnnouncements.propose(call, CONFERENCE, "alice").getID(),
                CallAnnouncements.propose(call, CONFERENCE, "alice").getID(),
                CallAnnouncements.accept(call, bob).getID(),
                CallAnnouncements.ended(call, EndReason.ALL_LEFT, Duration.ZERO).getID());

        assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void anAcceptNamesTheMemberByBareJidAndNick() {
        Call call = call(new JID("alice@example.org"), CallState.ACTIVE);

        Message m = CallAnnouncements.accept(call, new Participant(new JID("bob@example.org/phone"), "bob", T0));

        assertThat(m.getBody()).isEqualTo("bob joined the call");
        Element accept = m.getChildElement("accept", N);
        assertThat(accept.attributeValue("id")).isEqualTo(CALL_ID);
        assertThat(accept.attributeValue("jid")).isEqualTo("bob@example.org");
        assertThat(accept.attributeValue("nick")).isEqualTo("bob");
    }

    @Test
    void anEndedMessageCarriesReasonDurationAndTheRetraction() {
        Call call = call(new JID("alice@example.org"), CallState.ACTIVE);
        call.proposeMessageId("propose-message-id");

        Message m = CallAnnouncements.ended(call, EndReason.ALL_LEFT, Duration.ofSeconds(754).plusMillis(999));

        assertThat(m.getBody()).isEqualTo("Call ended after 12 min 34 s");
        Element ended = m.getChildElement("ended", N);
        assertThat(ended.attributeValue("id")).isEqualTo(CALL_ID);
        assertThat(ended.attributeValue("reason")).isEqualTo("all-left");
        assertThat(ended.attributeValue("duration")).isEqualTo("754");
        assertThat(m.getChildElement("retract", INVITES).attributeValue("id")).isEqualTo("propose-message-id");
    }

    @Test
    void theRetractionPrefersTheRoomsStanzaId() {
        Call call = call(new JID("alice@example.org"), CallState.ACTIVE);
        call.proposeMessageId("propose-message-id");
        call.proposeStanzaId("room-stanza-id");

        Message m = CallAnnouncements.ended(call, EndReason.SHUTDOWN, Duration.ofSeconds(5));

        assertThat(m.getChildElement("retract", INVITES).attributeValue("id")).isEqualTo("room-stanza-id");
        assertThat(m.getChildElement("ended", N).attributeValue("reason")).isEqualTo("shutdown");
        assertThat(m.getBody()).isEqualTo("Call ended after 5 s");
    }

    @Test
    void aNoShowSaysNobodyJoined() {
        Call call = call(new JID("alice@example.org"), CallState.PROPOSED);
        call.proposeMessageId("propose-message-id");

        Message m = CallAnnouncements.ended(call, EndReason.NO_SHOW, Duration.ofMinutes(5));

        assertThat(m.getBody()).isEqualTo("Call ended: nobody joined");
        assertThat(m.getChildElement("ended", N).attributeValue("reason")).isEqualTo("no-show");
        assertThat(m.getChildElement("ended", N).attributeValue("duration")).isEqualTo("300");
    }

    @Test
    void aNegativeDurationCountsAsZero() {
        Message m = CallAnnouncements.ended(call(null, CallState.ACTIVE), EndReason.ALL_LEFT, Duration.ofSeconds(-3));

        assertThat(m.getChildElement("ended", N).attributeValue("duration")).isEqualTo("0");
        assertThat(m.getBody()).isEqualTo("Call ended after 0 s");
    }

    @Test
    void withoutAProposeThereIsNothingToRetract() {
        Message m = CallAnnouncements.ended(call(null, CallState.PROPOSED), EndReason.SCHEDULED_END, Duration.ZERO);

        assertThat(m.getChildElement("retract", INVITES)).isNull();
        assertThat(m.getChildElement("ended", N).attributeValue("reason")).isEqualTo("scheduled-end");
    }

    @Test
    void thePresenceElementListsTheParticipantsInJoinOrder() {
        Call call = new Call(CALL_ID, room, new JID("alice@example.org"), T0.plusMillis(789), CallState.ACTIVE);
        call.add(new Participant(new JID("alice@example.org/laptop"), "alice", T0));
        call.add(new Participant(new JID("bob@example.org/phone"), "bob", T0.plusSeconds(3)));

        Element el = CallAnnouncements.presence(call, CONFERENCE);

        assertThat(el.getQName()).isEqualTo(QName.get("call", N));
        assertThat(el.attributeValue("id")).isEqualTo(CALL_ID);
        assertThat(el.attributeValue("jid")).isEqualTo("team@av.example.org");
        assertThat(el.attributeValue("started")).as("whole seconds, UTC").isEqualTo("2026-11-23T09:00:00Z");
        assertThat(el.attributeValue("recording")).isEqualTo("off");
        assertThat(el.elements()).allSatisfy(p -> assertThat(p.getQName()).isEqualTo(QName.get("participant", N)))
                .extracting(p -> p.attributeValue("jid"), p -> p.attributeValue("nick"))
                .containsExactly(tuple("alice@example.org", "alice"),
                        tuple("bob@example.org", "bob"));
        assertThat(el.asXML()).as("participants inherit the namespace").doesNotContain("xmlns=\"\"");
    }

    @Test
    void theCallElementOfAProposedCallHasNoParticipants() {
        Element el = CallAnnouncements.presence(call(null, CallState.PROPOSED), CONFERENCE);

        assertThat(el.attributeValue("id")).isEqualTo(CALL_ID);
        assertThat(el.elements()).isEmpty();
    }

    @ParameterizedTest(name = "{0} s -> {1}")
    @CsvSource(delimiter = '|', value = {
        "0     | 0 s",
        "5     | 5 s",
        "59    | 59 s",
        "60    | 1 min",
        "61    | 1 min 1 s",
        "754   | 12 min 34 s",
        "3599  | 59 min 59 s",
        "3720  | 1 h 2 min",
        "3725  | 1 h 2 min",
        "90061 | 25 h 1 min",
    })
    void durationsReadLikeAHumanWouldSayThem(long seconds, String expected) {
        assertThat(CallAnnouncements.human(seconds)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"ALL_LEFT, all-left", "SCHEDULED_END, scheduled-end", "NO_SHOW, no-show", "SHUTDOWN, shutdown"})
    void endReasonsAreSpelledAsOnTheWire(EndReason reason, String wire) {
        assertThat(reason.toXmpp()).isEqualTo(wire);
    }
}
