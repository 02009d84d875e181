package org.chorus.conference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.testing.fakes.MucFixture.member;
import static org.chorus.testing.fakes.MucFixture.occupant;
import static org.chorus.testing.fakes.MucFixture.occupantJid;
import static org.chorus.testing.fakes.MucStanzas.CALLABLE;
import static org.chorus.testing.fakes.MucStanzas.OPEN;
import static org.chorus.testing.fakes.MucStanzas.SEMI_ANONYMOUS;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.chorus.muc.Affiliation;
import org.chorus.muc.LeaveReason;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.testing.fakes.ManualScheduler;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.MucStanzas;
import org.chorus.testing.fakes.ScriptedSink;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.dom4j.QName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Presence;

/**
 * Calls in a room (PROTOCOL.md §4, §7) on rooms joined through the registry, with a virtual clock:
 * every stanza the manager sends is expected, in order, and then checked in detail.
 */
class CallManagerTest {
    private static final String N = Namespaces.JINGLE_MUC_MESSAGE;
    private static final String INVITES = "urn:xmpp:call-invites:0";
    private static final String SID = "urn:xmpp:sid:0";

    private static final JID TEAM = new JID("team@conference.example.org");
    private static final JID OPS = new JID("ops@conference.example.org");
    private static final JID CONFERENCE = new JID("team@av.example.org");
    private static final JID SELF = new JID("av.example.org/team");
    private static final JID TEAM_CALL = new JID("team@conference.example.org/Call");
    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    private static final Duration NO_SHOW = Duration.ofMinutes(5);

    private static final JID ALICE = new JID("alice@example.org/laptop");
    private static final JID BOB = new JID("bob@example.org/phone");
    private static final JID CAROL = new JID("carol@example.org/desk");

    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private final ManualScheduler scheduler = new ManualScheduler();
    private final ActiveCalls directory = new ActiveCalls();
    private final RecordingCallListener events = new RecordingCallListener();
    private final Map<String, String> proposeMessageIds = new HashMap<>();
    private MucFixture muc;
    private CallManager calls;

    @BeforeEach
    void setUp() {
        use(NO_SHOW);
    }

    /** A fresh registry and manager; the registry's room events reach the manager. */
    private void use(Duration noShowTimeout) {
        if (muc != null) {
            muc.close();
        }
        muc = new MucFixture(sink, scheduler, Duration.ofMinutes(1), Duration.ofHours(1));
        calls = new CallManager(muc.registry, directory, scheduler, scheduler.clock(T0), noShowTimeout);
        calls.addListener(events);
        muc.listener.forwardTo(calls);
    }

    @AfterEach
    void tearDown() {
        muc.close();
    }

    // --- rooms and occupants ---

    private Room team() {
        return muc.joined(TEAM, CALLABLE,
                member("alice", ALICE.toString()),
                member("bob", BOB.toString()),
                member("carol", CAROL.toString()),
                occupant("owen", "owen@example.org/pc", Affiliation.OWNER),
                occupant("ada", "ada@example.org/pc", Affiliation.ADMIN),
                occupant("guest", "guest@example.org/pc", Affiliation.NONE));
    }

    private static Occupant occupantIn(Room room, String nick) {
        return room.occupant(nick).orElseThrow(() -> new AssertionError(nick + " is not in " + room.jid()));
    }

    /** The member's client that called is the one the room shows for it. */
    private Call join(Room room, String nick) {
        Occupant o = occupantIn(room, nick);
        return calls.join(room, o, o.realJid());
    }

    /** A groupchat message from an occupant, as the room delivers it to the gateway. */
    private void say(Room room, String nick, String payloadXml) {
        muc.registry.onMessage(MucStanzas.message("<message type='groupchat' from='" + occupantJid(room.jid(), nick)
                + "' to='" + room.occupantAddress() + "' id='" + UUID.randomUUID() + "'>" + payloadXml + "</message>"));
    }

    private static String propose(String id) {
        return "<propose xmlns='" + N + "' id='" + id + "'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/>"
                + "</propose>";
    }

    /** The room's copy of a message the gateway sent, with these stanza-ids ({@code by -> id}). */
    private void echo(Room room, Message sent, Map<String, String> stanzaIds) {
        Message copy = sent.createCopy();
        copy.setFrom(occupantJid(room.jid(), room.nick()));
        copy.setTo(room.occupantAddress());
        stanzaIds.forEach((by, id) -> copy.getElement().addElement(QName.get("stanza-id", SID))
                .addAttribute("by", by).addAttribute("id", id));
        muc.registry.onMessage(copy);
    }

    // --- expectations: every stanza is expected first, then checked in detail ---

    private void expectAnnouncement(Room room, String element, String what) {
        sink.expect(Message.class, m -> m.getType() == Message.Type.groupchat
                && room.occupantAddress().equals(m.getFrom()) && room.jid().equals(m.getTo())
                && m.getChildElement(element, N) != null, what + " in " + room.jid());
    }

    private void expectPresence(Room room, String what) {
        sink.expect(Presence.class, p -> p.getType() == null && room.occupantAddress().equals(p.getFrom())
                && occupantJid(room.jid(), room.nick()).equals(p.getTo()), what + " in " + room.jid());
    }

    private Message nextMessage() {
        return sink.next(Message.class);
    }

    private Presence nextPresence() {
        return sink.next(Presence.class);
    }

    /** A member calls when no call is on: the propose naming it, then the presence with the call. */
    private Call startByJoining(Room room, String nick) {
        expectAnnouncement(room, "propose", nick + "'s call starting");
        expectPresence(room, "presence with the new call");
        Call call = join(room, nick);
        Message propose = nextMessage();
        String id = assertPropose(propose, nick, occupantIn(room, nick).realBareJid().toBareJID());
        assertThat(id).isEqualTo(call.id());
        proposeMessageIds.put(id, propose.getID());
        nextPresence();
        return call;
    }

    /** A member joins a call that is on, and is announced with accept. */
    private void joinWithAccept(Room room, String nick) {
        expectAnnouncement(room, "accept", nick + "'s accept");
        expectPresence(room, "presence with " + nick + " in the call");
        Call call = join(room, nick);
        assertAccept(nextMessage(), call.id(), occupantIn(room, nick).realBareJid().toBareJID(), nick);
        nextPresence();
    }

    /** A member's own propose when no call is on: the gateway's propose with its id, and the presence. */
    private Call proposeAs(Room room, String nick, String id) {
        expectAnnouncement(room, "propose", "the gateway's propose for " + nick);
        expectPresence(room, "presence with the proposed call");
        say(room, nick, propose(id));
        Message propose = nextMessage();
        assertThat(assertPropose(propose, nick, occupantIn(room, nick).realBareJid().toBareJID())).isEqualTo(id);
        proposeMessageIds.put(id, propose.getID());
        assertCallPresence(nextPresence(), id, scheduler.clock(T0).instant());
        return calls.activeCall(room).orElseThrow();
    }

    // --- checks ---

    private static void assertAnnouncement(Message m, String body) {
        assertThat(m.getType()).isEqualTo(Message.Type.groupchat);
        assertThat(m.getFrom()).isEqualTo(SELF);
        assertThat(m.getTo()).isEqualTo(TEAM);
        assertThat(m.getID()).as("message id").isNotBlank();
        assertThat(m.getBody()).isEqualTo(body);
        assertThat(m.getChildElement("store", Namespaces.HINTS)).as("<store xmlns='urn:xmpp:hints'/>").isNotNull();
    }

    /** Checks a propose in full; returns its call id. */
    private static String assertPropose(Message m, String nick, String initiator) {
        assertAnnouncement(m, nick + " started a call. Join it: team@av.example.org");
        assertThat(m.getElement().elements()).extracting(Element::getName)
                .containsExactlyInAnyOrder("body", "propose", "invite", "store");
        Element propose = m.getChildElement("propose", N);
        assertThat(propose.attributeValue("jid")).isEqualTo("team@av.example.org");
        assertThat(propose.attributeValue("initiator")).isEqualTo(initiator);
        assertThat(propose.attributeValue("schedule")).isNull();
        assertThat(propose.elements()).allSatisfy(d -> {
            assertThat(d.getName()).isEqualTo("description");
            assertThat(d.getNamespaceURI()).isEqualTo(Namespaces.JINGLE_RTP);
        }).extracting(d -> d.attributeValue("media")).containsExactly("audio", "video");
        Element invite = m.getChildElement("invite", INVITES);
        assertThat(invite.attributeValue("audio")).isEqualTo("true");
        assertThat(invite.attributeValue("video")).isEqualTo("true");
        assertThat(invite.elements()).singleElement().satisfies(j -> {
            assertThat(j.getQName()).isEqualTo(QName.get("jingle", INVITES));
            assertThat(j.attributeValue("jid")).isEqualTo("team@av.example.org");
        });
        String id = propose.attributeValue("id");
        assertThat(id).isNotBlank();
        return id;
    }

    private static void assertAccept(Message m, String callId, String bareJid, String nick) {
        assertAnnouncement(m, nick + " joined the call");
        assertThat(m.getElement().elements()).extracting(Element::getName)
                .containsExactlyInAnyOrder("body", "accept", "store");
        Element accept = m.getChildElement("accept", N);
        assertThat(accept.attributeValue("id")).isEqualTo(callId);
        assertThat(accept.attributeValue("jid")).isEqualTo(bareJid);
        assertThat(accept.attributeValue("nick")).isEqualTo(nick);
    }

    private static void assertEnded(Message m, String callId, String reason, long seconds, String retractId,
            String body) {
        assertAnnouncement(m, body);
        assertThat(m.getElement().elements()).extracting(Element::getName)
                .containsExactlyInAnyOrder("body", "ended", "retract", "store");
        Element ended = m.getChildElement("ended", N);
        assertThat(ended.attributeValue("id")).isEqualTo(callId);
        assertThat(ended.attributeValue("reason")).isEqualTo(reason);
        assertThat(ended.attributeValue("duration")).isEqualTo(String.valueOf(seconds));
        assertThat(m.getChildElement("retract", INVITES).attributeValue("id")).isEqualTo(retractId);
    }

    /** The gateway's presence with {@code <call>}; participants as "bare-jid nick", in join order. */
    private static void assertCallPresence(Presence p, String callId, Instant started, String... participants) {
        assertThat(p.getType()).isNull();
        assertThat(p.getFrom()).isEqualTo(SELF);
        assertThat(p.getTo()).isEqualTo(TEAM_CALL);
        assertThat(p.getElement().elements()).singleElement()
                .satisfies(call -> assertThat(call.getQName()).isEqualTo(QName.get("call", N)));
        Element call = p.getElement().element(QName.get("call", N));
        assertThat(call.attributeValue("id")).isEqualTo(callId);
        assertThat(call.attributeValue("jid")).isEqualTo("team@av.example.org");
        assertThat(call.attributeValue("started")).isEqualTo(started.toString());
        assertThat(call.attributeValue("recording")).isEqualTo("off");
        assertThat(call.elements()).allSatisfy(e -> assertThat(e.getQName()).isEqualTo(QName.get("participant", N)))
                .extracting(e -> e.attributeValue("jid") + " " + e.attributeValue("nick"))
                .containsExactly(participants);
    }

    private static void assertNoCallPresence(Presence p) {
        assertThat(p.getType()).isNull();
        assertThat(p.getFrom()).isEqualTo(SELF);
        assertThat(p.getTo()).isEqualTo(TEAM_CALL);
        assertThat(p.getElement().elements()).as("no <call/>, nothing else").isEmpty();
    }

    private void assertDirectory(String callId, Instant started, int participants) {
        assertThat(directory.all()).containsExactly(
                new ActiveCalls.CallInfo(callId, CONFERENCE, TEAM, started, participants, "off"));
        assertThat(directory.call(CONFERENCE)).contains(directory.all().iterator().next());
    }

    private static Instant at(Duration sinceStart) {
        return T0.plus(sinceStart);
    }

    // --- tests ---

    @Nested
    class Joining {

        @Test
        void theFirstMemberToJoinStartsTheCallWithAPropose() {
            Room room = team();
            expectAnnouncement(room, "propose", "the propose");
            expectPresence(room, "presence with the call");

            Call call = join(room, "alice");

            Message propose = nextMessage();
            String id = assertPropose(propose, "alice", "alice@example.org");
            assertThat(UUID.fromString(id).version()).as("a UUIDv4").isEqualTo(4);
            assertThat(UUID.fromString(id).toString()).isEqualTo(id);
            assertThat(propose.getID()).as("the message id is not the call id").isNotEqualTo(id);
            assertCallPresence(nextPresence(), id, T0, "alice@example.org alice");
            assertThat(call.id()).isEqualTo(id);
            assertThat(call.state()).isEqualTo(CallState.ACTIVE);
            assertThat(call.initiator()).isEqualTo(new JID("alice@example.org"));
            assertThat(call.participants()).extracting(Participant::jid).containsExactly(ALICE);
            assertThat(calls.activeCall(room)).containsSame(call);
            assertDirectory(id, T0, 1);
            assertThat(events.events).isEmpty();
            assertThat(scheduler.pending()).as("no no-show timer for a call someone is in").isZero();
        }

        @Test
        void aSecondMemberIsAnnouncedWithAcceptAndListedInThePresence() {
            Room room = team();
            Call call = startByJoining(room, "alice");
            scheduler.advance(Duration.ofSeconds(42));
            expectAnnouncement(room, "accept", "bob's accept");
            expectPresence(room, "presence with alice and bob");

            assertThat(join(room, "bob")).isSameAs(call);

            assertAccept(nextMessage(), call.id(), "bob@example.org", "bob");
            assertCallPresence(nextPresence(), call.id(), T0, "alice@example.org alice", "bob@example.org bob");
            assertThat(call.participant(BOB)).hasValueSatisfying(p -> {
                assertThat(p.nick()).isEqualTo("bob");
                assertThat(p.joined()).isEqualTo(at(Duration.ofSeconds(42)));
            });
            assertDirectory(call.id(), T0, 2);
        }

        @Test
        void theStarterGetsAnAcceptOnlyWhenItComesBack() {
            Room room = team();
            Call call = startByJoining(room, "alice");
            joinWithAccept(room, "bob");

            expectPresence(room, "presence without alice");
            calls.leave(room, ALICE, Departure.HUNG_UP);
            assertCallPresence(nextPresence(), call.id(), T0, "bob@example.org bob");

            expectAnnouncement(room, "accept", "alice's accept on coming back");
            expectPresence(room, "presence with bob and alice");
            assertThat(join(room, "alice")).isSameAs(call);
            assertAccept(nextMessage(), call.id(), "alice@example.org", "alice");
            assertCallPresence(nextPresence(), call.id(), T0, "bob@example.org bob", "alice@example.org alice");
        }

        @Test
        void theMemberWhoProposedGetsNoAcceptWhenItJoinsButDoesWhenItComesBack() {
            Room room = team();
            Call call = proposeAs(room, "alice", "call-1");
            scheduler.advance(Duration.ofSeconds(10));

            expectPresence(room, "presence with alice, and no accept");
            assertThat(join(room, "alice")).isSameAs(call);
            assertCallPresence(nextPresence(), "call-1", T0, "alice@example.org alice");
            assertThat(call.state()).isEqualTo(CallState.ACTIVE);

            joinWithAccept(room, "bob");
            expectPresence(room, "presence without alice");
            calls.leave(room, ALICE, Departure.HUNG_UP);
            nextPresence();

            joinWithAccept(room, "alice");
            assertDirectory("call-1", T0, 2);
        }

        @Test
        void theMemberWhoProposedGetsNoAcceptAlsoWhenOthersJoinFirst() {
            Room room = team();
            Call call = proposeAs(room, "alice", "call-1");
            joinWithAccept(room, "bob");

            expectPresence(room, "presence with bob and alice, and no accept");
            join(room, "alice");

            assertCallPresence(nextPresence(), call.id(), T0, "bob@example.org bob", "alice@example.org alice");
        }

        @Test
        void afterTheEndTheNextJoinStartsANewCall() {
            Room room = team();
            Call first = startByJoining(room, "alice");
            expectAnnouncement(room, "ended", "the end");
            expectPresence(room, "presence without the call");
            calls.leave(room, ALICE, Departure.HUNG_UP);
            sink.skipMatched();

            Call second = startByJoining(room, "bob");

            assertThat(second).isNotSameAs(first);
            assertThat(second.id()).isNotEqualTo(first.id());
            assertThat(second.initiator()).isEqualTo(new JID("bob@example.org"));
            assertThat(first.state()).isEqualTo(CallState.ENDED);
            assertDirectory(second.id(), T0, 1);
        }
    }

    @Nested
    class Leaving {

        @Test
        void aParticipantLeavingIsToldToTheListenersAndTheRoom() {
            Room room = team();
            Call call = startByJoining(room, "alice");
            joinWithAccept(room, "bob");
            Participant bob = call.participant(BOB).orElseThrow();
            expectPresence(room, "presence with alice only");

            calls.leave(room, BOB, Departure.HUNG_UP);

            assertCallPresence(nextPresence(), call.id(), T0, "alice@example.org alice");
            assertThat(events.events).containsExactly(new Left(call, bob, Departure.HUNG_UP));
            assertThat(call.state()).isEqualTo(CallState.ACTIVE);
            assertThat(calls.activeCall(room)).containsSame(call);
            assertDirectory(call.id(), T0, 1);
        }

        @Test
        void theLastOneLeavingEndsTheCallWithItsDurationAndRetractsTheInvite() {
            Room room = team();
            Call call = startByJoining(room, "alice");
            joinWithAccept(room, "bob");
            scheduler.advance(Duration.ofMinutes(5));
            expectPresence(room, "presence with bob only");
            calls.leave(room, ALICE, Departure.HUNG_UP);
            nextPresence();
            Participant alice = ((Left) events.events.get(0)).participant();
            Participant bob = call.participant(BOB).orElseThrow();
            scheduler.advance(Duration.ofMinutes(7).plusSeconds(34));
            expectAnnouncement(room, "ended", "the end");
            expectPresence(room, "presence without the call");

            calls.leave(room, BOB, Departure.GONE);

            assertEnded(nextMessage(), call.id(), "all-left", 754, retractIdOf(call), "Call ended after 12 min 34 s");
            assertNoCallPresence(nextPresence());
            assertThat(events.events).containsExactly(
                    new Left(call, alice, Departure.HUNG_UP),
                    new Left(call, bob, Departure.GONE),
                    new Ended(call, EndReason.ALL_LEFT));
            assertThat(alice.jid()).isEqualTo(ALICE);
            assertThat(call.state()).isEqualTo(CallState.ENDED);
            assertThat(call.participants()).isEmpty();
            assertThat(calls.activeCall(room)).isEmpty();
            assertThat(directory.all()).isEmpty();
            assertThat(directory.call(CONFERENCE)).isEmpty();
            assertThat(room.presenceExtension("call")).as("a rejoin carries no call either").isNull();
        }

        @Test
        void theRetractCarriesTheStanzaIdTheRoomGaveThePropose() {
            Room room = team();
            expectAnnouncement(room, "propose", "the propose");
            expectPresence(room, "presence with the call");
            Call call = join(room, "alice");
            Message propose = nextMessage();
            nextPresence();

            echo(room, propose, Map.of("example.org", "server-archive-id", "team@conference.example.org", "room-sid"));
            scheduler.advance(Duration.ofSeconds(5));
            expectAnnouncement(room, "ended", "the end");
            expectPresence(room, "presence without the call");
            calls.leave(room, ALICE, Departure.HUNG_UP);

            assertEnded(nextMessage(), call.id(), "all-left", 5, "room-sid", "Call ended after 5 s");
            assertNoCallPresence(nextPresence());
        }

        @Test
        void aStanzaIdStampedBySomeoneElseIsNotTheRoomsAndIsIgnored() {
            Room room = team();
            expectAnnouncement(room, "propose", "the propose");
            expectPresence(room, "presence with the call");
            Call call = join(room, "alice");
            Message propose = nextMessage();
            nextPresence();

            echo(room, propose, Map.of("alice@example.org", "forged", "example.org", "server-archive-id"));
            expectAnnouncement(room, "ended", "the end");
            expectPresence(room, "presence without the call");
            calls.leave(room, ALICE, Departure.HUNG_UP);

            assertEnded(nextMessage(), call.id(), "all-left", 0, propose.getID(), "Call ended after 0 s");
            nextPresence();
        }

        @Test
        void theEchoOfAnotherMessageDoesNotSetTheRetractId() {
            Room room = team();
            expectAnnouncement(room, "propose", "the propose");
            expectPresence(room, "presence with the call");
            Call call = join(room, "alice");
            Message propose = nextMessage();
            nextPresence();
            joinWithAccept(room, "bob");
            Message other = propose.createCopy();
            other.setID("some-other-message");

            echo(room, other, Map.of("team@conference.example.org", "sid-of-another-message"));
            expectPresence(room, "presence without alice");
            expectAnnouncement(room, "ended", "the end");
            expectPresence(room, "presence without the call");
            calls.leave(room, ALICE, Departure.HUNG_UP);
            calls.leave(room, BOB, Departure.HUNG_UP);

            nextPresence();
            assertEnded(nextMessage(), call.id(), "all-left", 0, propose.getID(), "Call ended after 0 s");
            nextPresence();
        }

        @Test
        void leavingWhenNotInTheCallOrWithoutACallChangesNothing() {
            Room room = team();
            calls.leave(room, ALICE, Departure.HUNG_UP);
            Call call = startByJoining(room, "alice");

            calls.leave(room, BOB, Departure.HUNG_UP);
            calls.leave(room, new JID("alice@example.org/phone"), Departure.HUNG_UP);

            assertThat(events.events).isEmpty();
            assertThat(call.participants()).extracting(Participant::jid).containsExactly(ALICE);
            assertDirectory(call.id(), T0, 1);
        }
    }

    @Nested
    class MembersOwnPropose {

        @Test
        void aMembersProposeWhenIdleIsAnsweredWithItsIdAndInitiator() {
            Room room = team();
            scheduler.advance(Duration.ofSeconds(30));
            expectAnnouncement(room, "propose", "the gateway's propose");
            expectPresence(room, "presence with the proposed call");

            say(room, "alice", propose("member-call-1"));

            assertThat(assertPropose(nextMessage(), "alice", "alice@example.org")).isEqualTo("member-call-1");
            assertCallPresence(nextPresence(), "member-call-1", at(Duration.ofSeconds(30)));
            Call call = calls.activeCall(room).orElseThrow();
            assertThat(call.id()).isEqualTo("member-call-1");
            assertThat(call.state()).isEqualTo(CallState.PROPOSED);
            assertThat(call.initiator()).isEqualTo(new JID("alice@example.org"));
            assertThat(call.participants()).isEmpty();
            assertDirectory("member-call-1", at(Duration.ofSeconds(30)), 0);
            assertThat(scheduler.pending()).as("the no-show timer").isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"owen", "ada"})
        void ownersAndAdminsMayProposeToo(String nick) {
            Room room = team();

            Call call = proposeAs(room, nick, "call-by-" + nick);

            assertThat(call.initiator()).isEqualTo(occupantIn(room, nick).realBareJid());
        }

        @Test
        void anotherProposeWhileACallIsProposedIsIgnored() {
            Room room = team();
            Call call = proposeAs(room, "alice", "call-1");

            say(room, "bob", propose("call-2"));
            say(room, "alice", propose("call-1"));

            assertThat(calls.activeCall(room)).containsSame(call);
            assertDirectory("call-1", T0, 0);
        }

        @Test
        void aProposeWhileACallIsActiveIsIgnored() {
            Room room = team();
            Call call = startByJoining(room, "alice");

            say(room, "bob", propose("call-2"));

            assertThat(calls.activeCall(room)).containsSame(call);
            assertThat(call.state()).isEqualTo(CallState.ACTIVE);
            assertDirectory(call.id(), T0, 1);
            assertThat(scheduler.pending()).isZero();
        }

        @Test
        void aProposeFromAnOccupantWithoutAffiliationIsIgnored() {
            Room room = team();

            say(room, "guest", propose("call-1"));

            assertThat(calls.activeCall(room)).isEmpty();
            assertThat(directory.all()).isEmpty();
            assertThat(scheduler.pending()).isZero();
        }

        @Test
        void aProposeFromAnOccupantWhoseRealJidIsHiddenIsIgnored() {
            Room room = team();

            calls.messageFromOccupant(room, occupant("hidden", null, Affiliation.MEMBER),
                    MucStanzas.message("<message type='groupchat'>" + propose("call-1") + "</message>"));

            assertThat(calls.activeCall(room)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"open", "semi-anonymous"})
        void aProposeInARoomThatIsNotCallableIsIgnored(String kind) {
            Room room = muc.joined(TEAM, kind.equals("open") ? OPEN : SEMI_ANONYMOUS,
                    member("alice", ALICE.toString()));

            say(room, "alice", propose("call-1"));

            assertThat(calls.activeCall(room)).isEmpty();
            assertThat(directory.all()).isEmpty();
            assertThat(scheduler.pending()).isZero();
        }

        static Stream<Arguments> unusableProposes() {
            return Stream.of(
                    Arguments.of("no id", "<propose xmlns='" + N + "'/>"),
                    Arguments.of("empty id", propose("")),
                    Arguments.of("blank id", propose("   ")),
                    Arguments.of("129 characters", propose("x".repeat(129))));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("unusableProposes")
        void aProposeWithoutAUsableIdIsIgnored(String what, String proposeXml) {
            Room room = team();

            say(room, "alice", proposeXml);

            assertThat(calls.activeCall(room)).isEmpty();
            assertThat(directory.all()).isEmpty();
        }

        @Test
        void anIdOf128CharactersIsUsable() {
            Room room = team();

            Call call = proposeAs(room, "alice", "y".repeat(128));

            assertThat(call.id()).hasSize(128);
        }

        @Test
        void membersRejectsRetractsAndOtherCallMessagesChangeNothing() {
            Room room = team();
            for (String action : List.of("reject", "retract", "accept", "ended")) {
                say(room, "bob", "<" + action + " xmlns='" + N + "' id='nothing'/>");
            }
            assertThat(calls.activeCall(room)).isEmpty();
            Call call = proposeAs(room, "alice", "call-1");

            say(room, "bob", "<body>not now</body><reject xmlns='" + N + "' id='call-1'/>");
            say(room, "alice", "<retract xmlns='" + N + "' id='call-1'/>");
            say(room, "carol", "<ended xmlns='" + N + "' id='call-1' reason='all-left' duration='1'/>");
            say(room, "carol", "<body>hello</body>");

            assertThat(calls.activeCall(room)).containsSame(call);
            assertThat(call.state()).isEqualTo(CallState.PROPOSED);
            assertDirectory("call-1", T0, 0);
            assertThat(events.events).isEmpty();
        }
    }

    @Nested
    class NoShow {

        @Test
        void aProposedCallNobodyJoinsEndsAsNoShowAfterTheTimeout() {
            Room room = team();
            expectAnnouncement(room, "propose", "the gateway's propose");
            expectPresence(room, "presence with the proposed call");
            say(room, "alice", propose("call-1"));
            Message propose = nextMessage();
            nextPresence();
            Call call = calls.activeCall(room).orElseThrow();

            scheduler.advance(NO_SHOW.minusMillis(1));
            assertThat(calls.activeCall(room)).containsSame(call);

            expectAnnouncement(room, "ended", "the no-show end");
            expectPresence(room, "presence without the call");
            scheduler.advance(Duration.ofMillis(1));

            assertEnded(nextMessage(), "call-1", "no-show", 300, propose.getID(), "Call ended: nobody joined");
            assertNoCallPresence(nextPresence());
            assertThat(events.events).containsExactly(new Ended(call, EndReason.NO_SHOW));
            assertThat(call.state()).isEqualTo(CallState.ENDED);
            assertThat(calls.activeCall(room)).isEmpty();
            assertThat(directory.all()).isEmpty();
        }

        @Test
        void theTimeoutIsConfigurable() {
            use(Duration.ofSeconds(30));
            Room room = team();
            Call call = proposeAs(room, "alice", "call-1");
            scheduler.advance(Duration.ofSeconds(29));
            expectAnnouncement(room, "ended", "the no-show end");
            expectPresence(room, "presence without the call");

            scheduler.advance(Duration.ofSeconds(1));

            assertEnded(nextMessage(), "call-1", "no-show", 30, retractIdOf(call), "Call ended: nobody joined");
            nextPresence();
        }

        @Test
        void aCallSomeoneJoinedInTimeIsNotANoShow() {
            Room room = team();
            Call call = proposeAs(room, "alice", "call-1");
            scheduler.advance(Duration.ofMinutes(4));
            joinWithAccept(room, "bob");

            scheduler.advance(Duration.ofHours(1));

            assertThat(calls.activeCall(room)).containsSame(call);
            assertThat(call.state()).isEqualTo(CallState.ACTIVE);
            assertThat(events.events).isEmpty();
            assertThat(scheduler.pending()).isZero();
        }

        @Test
        void aCallThatEndedBeforeTheTimeoutIsNotEndedAgainNorIsTheNextOne() {
            Room room = team();
            Call first = proposeAs(room, "alice", "call-1");
            scheduler.advance(Duration.ofMinutes(1));
            joinWithAccept(room, "bob");
            scheduler.advance(Duration.ofMinutes(1));
            expectAnnouncement(room, "ended", "the end of the first call");
            expectPresence(room, "presence without the call");
            calls.leave(room, BOB, Departure.HUNG_UP);
            assertEnded(nextMessage(), "call-1", "all-left", 120, retractIdOf(first), "Call ended after 2 min");
            nextPresence();
            scheduler.advance(Duration.ofMinutes(1));
            Call second = proposeAs(room, "carol", "call-2");

            scheduler.advance(Duration.ofMinutes(2)); // the first call's timer falls due here
            assertThat(calls.activeCall(room)).containsSame(second);

            expectAnnouncement(room, "ended", "the no-show end of the second call");
            expectPresence(room, "presence without the call");
            scheduler.advance(Duration.ofMinutes(3));
            assertEnded(nextMessage(), "call-2", "no-show", 300, retractIdOf(second), "Call ended: nobody joined");
            nextPresence();
            assertThat(events.events).containsExactly(
                    new Left(first, new Participant(BOB, "bob", at(Duration.ofMinutes(1))), Departure.HUNG_UP),
                    new Ended(first, EndReason.ALL_LEFT),
                    new Ended(second, EndReason.NO_SHOW));
        }
    }

    @Nested
    class RoomEvents {

        static Stream<Arguments> departures() {
            return Stream.of(
                    Arguments.of(LeaveReason.LEFT, Departure.GONE),
                    Arguments.of(LeaveReason.KICKED, Departure.REMOVED),
                    Arguments.of(LeaveReason.BANNED, Departure.REMOVED),
                    Arguments.of(LeaveReason.MEMBERSHIP_LOST, Departure.REMOVED),
                    Arguments.of(LeaveReason.ROOM_CLOSED, Departure.GONE),
                    Arguments.of(LeaveReason.GONE_WHILE_DISCONNECTED, Departure.GONE));
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @MethodSource("departures")
        void anOccupantLeavingTheRoomLeavesTheCall(LeaveReason reason, Departure departure) {
            Room room = team();
            Call call = startByJoining(room, "alice");
            joinWithAccept(room, "bob");
            Participant bob = call.participant(BOB).orElseThrow();
            expectPresence(room, "presence with alice only");

            calls.occupantLeft(room, occupantIn(room, "bob"), reason);

            assertCallPresence(nextPresence(), call.id(), T0, "alice@example.org alice");
            assertThat(events.events).containsExactly(new Left(call, bob, departure));
        }

        @Test
        void aKickInTheRoomRemovesTheParticipant() {
            Room room = team();
            Call call = startByJoining(room, "alice");
            joinWithAccept(room, "bob");
            Participant bob = call.participant(BOB).orElseThrow();
            expectPresence(room, "presence with alice only");

            muc.registry.onPresence(MucStanzas.unavailable(TEAM, SELF, "bob", BOB.toString(), "member", 307));

            assertCallPresence(nextPresence(), call.id(), T0, "alice@example.org alice");
            assertThat(events.events).containsExactly(new Left(call, bob, Departure.REMOVED));
        }

        @Test
        void losingMembershipInTheRoomRemovesTheParticipant() {
            Room room = team();
            Call call = startByJoining(room, "alice");
            joinWithAccept(room, "bob");
            Participant bob = call.participant(BOB).orElseThrow();
            expectPresence(room, "presence with alice only");

            muc.registry.onPresence(MucStanzas.occupant(TEAM, SELF, "bob", BOB.toString(), "none", "participant"));

            nextPresence();
            assertThat(events.events).containsExactly(new Left(call, bob, Departure.REMOVED));
        }

        @Test
        void theLastParticipantLeavingTheRoomEndsTheCall() {
            Room room = team();
            Call call = startByJoining(room, "alice");
            scheduler.advance(Duration.ofHours(1).plusMinutes(2).plusSeconds(3));
            expectAnnouncement(room, "ended", "the end");
            expectPresence(room, "presence without the call");

            muc.registry.onPresence(MucStanzas.unavailable(TEAM, SELF, "alice", ALICE.toString(), "member"));

            assertEnded(nextMessage(), call.id(), "all-left", 3723, retractIdOf(call), "Call ended after 1 h 2 min");
            assertNoCallPresence(nextPresence());
            assertThat(events.events).extracting(Object::getClass).containsExactly(Left.class, Ended.class);
            assertThat(((Left) events.events.get(0)).departure()).isEqualTo(Departure.GONE);
        }

        @Test
        void anOccupantWhoIsNotInTheCallLeavingChangesNothing() {
            Room room = team();
            Call call = startByJoining(room, "alice");

            muc.registry.onPresence(MucStanzas.unavailable(TEAM, SELF, "carol", CAROL.toString(), "member", 307));
            calls.occupantLeft(room, occupant("hidden", null, Affiliation.MEMBER), LeaveReason.LEFT);

            assertThat(events.events).isEmpty();
            assertDirectory(call.id(), T0, 1);
        }

        @Test
        void aRoomThatStopsBeingMembersOnlyEndsItsCallWithEveryoneInIt() {
            Room room = team();
            Call call = startByJoining(room, "alice");
            joinWithAccept(room, "bob");
            events.events.clear();
            sink.expect(org.xmpp.packet.IQ.class, iq -> true, "disco#info of the changed room");
            muc.registry.onMessage(MucStanzas.roomStatus(TEAM, SELF, 104));
            org.xmpp.packet.IQ changed = sink.next(org.xmpp.packet.IQ.class);
            expectAnnouncement(room, "ended", "the end");
            expectPresence(room, "presence without the call");
            muc.tracker.answer(MucStanzas.discoInfoResult(changed, MucStanzas.OPEN));

            assertThat(nextMessage().getChildElement("ended", N).attributeValue("reason")).isEqualTo("room-changed");
            assertNoCallPresence(nextPresence());
            assertThat(events.events).extracting(Object::getClass).containsExactly(Left.class, Left.class, Ended.class);
            assertThat(((Left) events.events.get(0)).departure()).isEqualTo(Departure.ROOM_CHANGED);
            assertThat(calls.activeCall(room)).isEmpty();
            assertThat(call.state()).isEqualTo(CallState.ENDED);
        }

        @Test
        void aConfigurationChangeThatKeepsTheRoomCallableKeepsTheCall() {
            Room room = team();
            Call call = startByJoining(room, "alice");

            sink.expect(org.xmpp.packet.IQ.class, iq -> true, "disco#info of the changed room");
            muc.registry.onMessage(MucStanzas.roomStatus(TEAM, SELF, 104));
            muc.tracker.answer(MucStanzas.discoInfoResult(sink.next(org.xmpp.packet.IQ.class), CALLABLE));

            assertThat(calls.activeCall(room)).contains(call);
        }

        @Test
        void anOccupantLeavingARoomWithoutACallChangesNothing() {
            Room room = team();

            calls.occupantLeft(room, occupantIn(room, "alice"), LeaveReason.KICKED);

            assertThat(events.events).isEmpty();
            assertThat(calls.activeCall(room)).isEmpty();
        }
    }

    @Nested
    class Shutdown {

        @Test
        void endAllEndsEveryCallAfterTakingEveryoneOut() {
            Room team = team();
            Room ops = muc.joined(OPS, CALLABLE, member("carol", CAROL.toString()));
            Call teamCall = startByJoining(team, "alice");
            joinWithAccept(team, "bob");
            Participant alice = teamCall.participant(ALICE).orElseThrow();
            Participant bob = teamCall.participant(BOB).orElseThrow();
            scheduler.advance(Duration.ofSeconds(30));
            sink.expect(Message.class, m -> m.getChildElement("propose", N) != null, "the propose in ops");
            sink.expect(Presence.class, p -> OPS.equals(p.getTo().asBareJID()), "presence in ops");
            say(ops, "carol", propose("ops-call"));
            proposeMessageIds.put("ops-call", nextMessage().getID());
            nextPresence();
            Call opsCall = calls.activeCall(ops).orElseThrow();
            scheduler.advance(Duration.ofMinutes(1));
            // the rooms' calls end one room after the other, in no particular order
            for (int i = 0; i < 2; i++) {
                sink.expect(Message.class, m -> m.getType() == Message.Type.groupchat
                        && m.getChildElement("ended", N) != null, "an ended message");
                sink.expect(Presence.class, p -> p.getType() == null && p.getElement().elements().isEmpty(),
                        "presence without the call");
            }

            calls.endAll(EndReason.SHUTDOWN);

            List<Message> ended = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Message m = nextMessage();
                Presence p = nextPresence();
                assertThat(p.getTo().asBareJID()).as("presence in the room of the ended message").isEqualTo(m.getTo());
                ended.add(m);
            }
            Message teamEnded = ended.stream().filter(m -> TEAM.equals(m.getTo())).findFirst().orElseThrow();
            Message opsEnded = ended.stream().filter(m -> OPS.equals(m.getTo())).findFirst().orElseThrow();
            assertEnded(teamEnded, teamCall.id(), "shutdown", 90, retractIdOf(teamCall), "Call ended after 1 min 30 s");
            assertThat(opsEnded.getFrom()).isEqualTo(new JID("av.example.org/ops"));
            assertThat(opsEnded.getChildElement("ended", N).attributeValue("id")).isEqualTo("ops-call");
            assertThat(opsEnded.getChildElement("ended", N).attributeValue("reason")).isEqualTo("shutdown");
            assertThat(opsEnded.getChildElement("ended", N).attributeValue("duration")).isEqualTo("60");
            assertThat(opsEnded.getChildElement("retract", INVITES).attributeValue("id"))
                    .isEqualTo(retractIdOf(opsCall));

            assertThat(events.events).containsExactlyInAnyOrder(
                    new Left(teamCall, alice, Departure.CALL_ENDED),
                    new Left(teamCall, bob, Departure.CALL_ENDED),
                    new Ended(teamCall, EndReason.SHUTDOWN),
                    new Ended(opsCall, EndReason.SHUTDOWN));
            List<Object> teamEvents = events.events.stream()
                    .filter(e -> e instanceof Left l ? l.call() == teamCall : ((Ended) e).call() == teamCall).toList();
            assertThat(teamEvents).containsExactly(
                    new Left(teamCall, alice, Departure.CALL_ENDED),
                    new Left(teamCall, bob, Departure.CALL_ENDED),
                    new Ended(teamCall, EndReason.SHUTDOWN));
            assertThat(teamCall.state()).isEqualTo(CallState.ENDED);
            assertThat(opsCall.state()).isEqualTo(CallState.ENDED);
            assertThat(calls.activeCall(team)).isEmpty();
            assertThat(calls.activeCall(ops)).isEmpty();
            assertThat(directory.all()).isEmpty();

            scheduler.advance(Duration.ofHours(1)); // the ops call's no-show timer finds nothing to end
        }

        @Test
        void endAllWithoutCallsSendsNothing() {
            team();

            calls.endAll(EndReason.SHUTDOWN);

            assertThat(events.events).isEmpty();
        }
    }

    /** The message id of the call's propose as it was sent (the retract id when the room stamped none). */
    private String retractIdOf(Call call) {
        return proposeMessageIds.get(call.id());
    }

    // --- call events ---

    record Left(Call call, Participant participant, Departure departure) {}

    record Ended(Call call, EndReason reason) {}

    private static final class RecordingCallListener implements CallListener {
        final List<Object> events = new ArrayList<>();

        @Override
        public void participantLeft(Call call, Participant participant, Departure departure) {
            events.add(new Left(call, participant, departure));
        }

        @Override
        public void callEnded(Call call, EndReason reason) {
            events.add(new Ended(call, reason));
        }
    }
}
