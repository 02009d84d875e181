package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chorus.gateway.Calls.call;
import static org.chorus.gateway.Calls.errorOf;
import static org.chorus.gateway.Calls.jid;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chorus.disco.Features;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.StanzaError.Condition;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * The gateway against a real Prosody: discovery, addressing, and every authorization outcome of a
 * session-initiate (PROTOCOL.md §1–§3).
 */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final ProsodyServer server;
    private XmppTestClient alice;
    private XmppTestClient bob;
    private XmppTestClient bobPhone;
    private XmppTestClient carol;
    private XmppTestClient dave;
    private MultiUserChat aliceTeam;
    private GatewayFixture gateway;
    private final List<String> bodiesInLobby = new CopyOnWriteArrayList<>();
    private String av;

    GatewayEndToEndTest(ProsodyServer server) {
        this.server = server;
    }

    @BeforeAll
    void setUp() throws Exception {
        av = server.componentDomain();
        alice = XmppTestClient.connectNewUser(server, "alice");
        bob = XmppTestClient.connectNewUser(server, "bob");
        carol = XmppTestClient.connectNewUser(server, "carol");
        dave = XmppTestClient.connectNewUser(server, "dave");
        aliceTeam = alice.createMembersOnlyRoom("team", "alice", List.of(bob.bareJid(), dave.bareJid()));
        bob.joinRoom("team", "bob");
        MultiUserChat lobby = alice.createOpenRoom("lobby", "alice");
        lobby.addMessageListener(m -> {
            if (m.getFrom() != null && m.getFrom().getResourceOrEmpty().toString().equals("Call") && m.getBody() != null) {
                bodiesInLobby.add(m.getBody());
            }
        });
        bob.joinRoom("lobby", "bob");
        alice.createRoom("semi", "alice", form -> {
            form.setAnswer("muc#roomconfig_membersonly", true);
            form.setAnswer("muc#roomconfig_persistentroom", true);
        });
        alice.createMembersOnlyRoom("adhoc", "alice", List.of(bob.bareJid()));
        gateway = GatewayFixture.start(server, List.of("team"));
        bobPhone = XmppTestClient.connect(server, bob.bareJid().getLocalpart().toString(), passwordOf(bob), "phone");
    }

    private String passwordOf(XmppTestClient client) {
        return client.connection().getConfiguration().getPassword().toString();
    }

    @AfterAll
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
        for (XmppTestClient c : new XmppTestClient[] {alice, bob, bobPhone, carol, dave}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private String conference(String room) {
        return room + "@" + av;
    }

    // --- discovery ---

    @Test
    void theDomainIsAnAudioVideoConferenceService() {
        DiscoverInfo info = carol.discoverInfo(jid(av));
        assertThat(info.hasIdentity("conference", "audio-video")).isTrue();
        assertThat(info.getFeatures()).extracting(DiscoverInfo.Feature::getVar).containsAll(Features.ALL);
    }

    @Test
    void aConferenceJidAnswersDiscoWithItsCallState() {
        DiscoverInfo info = bob.discoverInfo(jid(conference("team")));
        assertThat(info.hasIdentity("conference", "audio-video")).isTrue();
        assertThat(info.containsFeature("urn:xmpp:jingle:av-conferences:0")).isTrue();
        DataForm form = DataForm.from(info, "urn:xmpp:jingle:av-conferences:0#info");
        assertThat(form).as("call state form").isNotNull();
        assertThat(form.getField("call_id").getFirstValue()).isNullOrEmpty();
        assertThat(form.getField("participants").getFirstValue()).isEqualTo("0");
        assertThat(form.getField("recording").getFirstValue()).isEqualTo("off");
    }

    @Test
    void roomsThatCannotCarryCallsOrDoNotExistAreNotConferences() {
        assertThat(errorOf(carol.sendIqAndWait(discoInfo(conference("lobby"))))).isEqualTo(Condition.item_not_found);
        assertThat(errorOf(carol.sendIqAndWait(discoInfo(conference("nosuchroom"))))).isEqualTo(Condition.item_not_found);
    }

    @Test
    void disoItemsListsNoConferencesWhileNoCallIsActive() {
        IQ answer = bob.sendIqAndWait(new DiscoverItemsTo(jid(av)));
        assertThat(answer).isInstanceOf(DiscoverItems.class);
        assertThat(((DiscoverItems) answer).getItems()).isEmpty();
    }

    @Test
    void pingAndVersionAreAnswered() {
        assertThat(errorOf(carol.sendIqAndWait(RawIq.get(jid(av), "ping", "urn:xmpp:ping")))).isNull();
        assertThat(errorOf(carol.sendIqAndWait(RawIq.get(jid(conference("team")), "ping", "urn:xmpp:ping")))).isNull();
        IQ version = carol.sendIqAndWait(RawIq.get(jid(av), "query", "jabber:iq:version"));
        assertThat(version.getType()).isEqualTo(IQ.Type.result);
        assertThat(version.toXML().toString()).contains("<name>Chorus</name>");
    }

    @Test
    void unknownNamespacesGetServiceUnavailable() {
        assertThat(errorOf(carol.sendIqAndWait(RawIq.get(jid(av), "query", "urn:example:nothing"))))
                .isEqualTo(Condition.service_unavailable);
        assertThat(errorOf(carol.sendIqAndWait(RawIq.get(jid(conference("team")), "vCard", "vcard-temp"))))
                .isEqualTo(Condition.service_unavailable);
    }

    // --- authorization ---

    @Test
    void aMemberInTheRoomMayCall() {
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(call(bob, conference("team"))).as("allowed: the IQ is answered with a result").isNull());
    }

    @Test
    void aNonMemberIsForbidden() {
        IQ answer = carol.sendIqAndWait(RawIq.sessionInitiate(jid(conference("team")), carol.jid().toString()));
        assertThat(errorOf(answer)).isEqualTo(Condition.forbidden);
        assertThat(answer.getError().getType()).isEqualTo(StanzaError.Type.AUTH);
    }

    @Test
    void aMemberWhoIsNotInTheRoomIsForbidden() {
        assertThat(call(dave, conference("team"))).isEqualTo(Condition.forbidden);
    }

    @Test
    void anotherClientOfAnOccupantIsForbidden() {
        IQ answer = bobPhone.sendIqAndWait(RawIq.sessionInitiate(jid(conference("team")), bobPhone.jid().toString()));
        assertThat(errorOf(answer)).isEqualTo(Condition.forbidden);
        assertThat(answer.getError().getDescriptiveText()).contains("client");
    }

    @Test
    void anInitiatorThatIsNotTheSenderIsForbidden() {
        IQ answer = bob.sendIqAndWait(RawIq.sessionInitiate(jid(conference("team")), alice.jid().toString()));
        assertThat(errorOf(answer)).isEqualTo(Condition.forbidden);
    }

    @Test
    void anOpenRoomIsNotAcceptableAndTheRoomIsToldOnce() {
        IQ first = bob.sendIqAndWait(RawIq.sessionInitiate(jid(conference("lobby")), bob.jid().toString()));
        assertThat(errorOf(first)).isEqualTo(Condition.not_acceptable);
        assertThat(first.getError().getType()).isEqualTo(StanzaError.Type.CANCEL);
        assertThat(first.getError().getDescriptiveText()).contains("members-only");
        assertThat(call(bob, conference("lobby"))).isEqualTo(Condition.not_acceptable);
        await().atMost(SETTLE).until(() -> !bodiesInLobby.isEmpty());
        assertThat(call(bob, conference("lobby"))).isEqualTo(Condition.not_acceptable);
        // give a second notice time to arrive, if the gateway wrongly sent one
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> bodiesInLobby.size() == 1);
        assertThat(bodiesInLobby).singleElement().asString().contains("members-only");
    }

    @Test
    void aSemiAnonymousRoomIsNotAcceptable() {
        IQ answer = alice.sendIqAndWait(RawIq.sessionInitiate(jid(conference("semi")), alice.jid().toString()));
        assertThat(errorOf(answer)).isEqualTo(Condition.not_acceptable);
        assertThat(answer.getError().getDescriptiveText()).contains("non-anonymous");
    }

    @Test
    void aRoomIsBoundByItsFirstCall() {
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(call(alice, conference("adhoc"))).as("allowed: the IQ is answered with a result").isNull());
        assertThat(alice.room("adhoc").getOccupants()).extracting(o -> o.getResourceOrEmpty().toString()).contains("Call");
    }

    @Test
    void aCallToAMissingRoomIsItemNotFoundAndDoesNotCreateIt() {
        assertThat(call(bob, conference("ghost"))).isEqualTo(Condition.item_not_found);
        assertThat(errorOf(carol.sendIqAndWait(discoInfoOf(server.mucDomain(), "ghost")))).isEqualTo(Condition.item_not_found);
    }

    // --- malformed Jingle ---

    @Test
    void malformedJingleGetsBadRequest() {
        var team = jid(conference("team"));
        assertThat(errorOf(bob.sendIqAndWait(RawIq.jingle(team, Map.of("action", "session-initiate"), ""))))
                .as("no sid").isEqualTo(Condition.bad_request);
        assertThat(errorOf(bob.sendIqAndWait(RawIq.jingle(team, Map.of("action", "dance", "sid", "s1"), ""))))
                .as("unknown action").isEqualTo(Condition.bad_request);
        assertThat(errorOf(bob.sendIqAndWait(RawIq.jingle(team, Map.of("action", "session-initiate", "sid", "s1"),
                "<content creator='initiator' name='0' senders='initiator'/>"))))
                .as("content without description").isEqualTo(Condition.bad_request);
        assertThat(errorOf(bob.sendIqAndWait(RawIq.sessionInitiate(jid(av), bob.jid().toString()))))
                .as("call to the bare domain").isEqualTo(Condition.bad_request);
    }

    @Test
    void anActionOnAnUnknownSessionIsItemNotFoundWithUnknownSession() {
        IQ answer = bob.sendIqAndWait(RawIq.jingle(jid(conference("team")), Map.of("action", "transport-info", "sid", "nope"),
                "<content creator='initiator' name='0'/>"));
        assertThat(errorOf(answer)).isEqualTo(Condition.item_not_found);
        assertThat((Object) answer.getError().getExtension("unknown-session", "urn:xmpp:jingle:errors:1")).isNotNull();
    }

    @Test
    void aConferenceJidThatDoesNotDecodeIsJidMalformed() {
        assertThat(call(bob, "a\\40@" + av)).isEqualTo(Condition.jid_malformed);
    }

    // --- membership changes ---

    @Test
    void aKickedMemberIsForbiddenUntilItRejoins() throws Exception {
        XmppTestClient erin = XmppTestClient.connectNewUser(server, "erin");
        try {
            aliceTeam.grantMembership(erin.bareJid());
            erin.joinRoom("team", "erin");
            await().atMost(SETTLE).untilAsserted(() ->
                    assertThat(call(erin, conference("team"))).as("allowed: the IQ is answered with a result").isNull());
            aliceTeam.kickParticipant(Resourcepart.from("erin"), "testing");
            await().atMost(SETTLE).untilAsserted(() ->
                    assertThat(call(erin, conference("team"))).isEqualTo(Condition.forbidden));
            erin.joinRoom("team", "erin");
            await().atMost(SETTLE).untilAsserted(() ->
                    assertThat(call(erin, conference("team"))).as("allowed: the IQ is answered with a result").isNull());
        } finally {
            erin.close();
        }
    }

    @Test
    void aMemberWhoLosesMembershipIsForbidden() throws Exception {
        XmppTestClient frank = XmppTestClient.connectNewUser(server, "frank");
        try {
            aliceTeam.grantMembership(frank.bareJid());
            frank.joinRoom("team", "frank");
            await().atMost(SETTLE).untilAsserted(() ->
                    assertThat(call(frank, conference("team"))).as("allowed: the IQ is answered with a result").isNull());
            aliceTeam.revokeMembership(frank.bareJid());
            await().atMost(SETTLE).untilAsserted(() ->
                    assertThat(call(frank, conference("team"))).isEqualTo(Condition.forbidden));
        } finally {
            frank.close();
        }
    }

    @Test
    void aRoomThatBecomesOpenStopsTakingCallsAndTakesThemAgainWhenClosed() throws Exception {
        MultiUserChat flip = alice.createMembersOnlyRoom("flip", "alice", List.of(bob.bareJid()));
        bob.joinRoom("flip", "bob");
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(call(bob, conference("flip"))).as("allowed: the IQ is answered with a result").isNull());
        var form = flip.getConfigurationForm().getFillableForm();
        form.setAnswer("muc#roomconfig_membersonly", false);
        flip.sendConfigurationForm(form);
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(call(bob, conference("flip"))).isEqualTo(Condition.not_acceptable));
        form = flip.getConfigurationForm().getFillableForm();
        form.setAnswer("muc#roomconfig_membersonly", true);
        flip.sendConfigurationForm(form);
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(call(bob, conference("flip"))).as("allowed: the IQ is answered with a result").isNull());
    }

    private static IQ discoInfo(String to) {
        return RawIq.get(jid(to), "query", "http://jabber.org/protocol/disco#info");
    }

    private static IQ discoInfoOf(String domain, String node) {
        return discoInfo(node + "@" + domain);
    }

    /** A disco#items request that Smack parses back into {@link DiscoverItems}. */
    private static final class DiscoverItemsTo extends DiscoverItems {
        DiscoverItemsTo(org.jxmpp.jid.Jid to) {
            setTo(to);
            setType(IQ.Type.get);
        }
    }
}
