package org.chorus.conference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.testing.fakes.MucFixture.member;
import static org.chorus.testing.fakes.MucFixture.occupantJid;
import static org.chorus.testing.fakes.MucStanzas.CALLABLE;
import static org.chorus.testing.fakes.MucStanzas.OPEN;
import static org.chorus.testing.fakes.MucStanzas.discoInfoGet;
import static org.chorus.testing.fakes.MucStanzas.discoInfoResult;
import static org.chorus.testing.fakes.MucStanzas.errorReply;
import static org.chorus.testing.fakes.MucStanzas.groupchat;
import static org.chorus.testing.fakes.MucStanzas.iq;
import static org.chorus.testing.fakes.MucStanzas.join;

import java.util.concurrent.CompletableFuture;
import org.chorus.muc.Room;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.ScriptedSink;
import org.chorus.xmpp.Namespaces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.PacketError.Condition;

/** Jingle IQs to the gateway: shape, addressing, binding and the call decision (PROTOCOL.md §3, §5). */
class JingleIqHandlerTest {
    private static final JID TEAM = new JID("team@conference.example.org");
    private static final JID SELF = new JID("av.example.org/team");
    private static final String ALICE = "alice@example.org/laptop";
    private static final String CONTENT = "<content creator='initiator' name='audio'>"
            + "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/>"
            + "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content>";

    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private MucFixture muc;
    private JingleIqHandler handler;
    private final java.util.List<String> delegated = new java.util.ArrayList<>();

    /** Stands in for the session layer: records what reaches it and answers with a plain result. */
    private final JingleIqHandler.Sessions sessions = new JingleIqHandler.Sessions() {
        @Override
        public IQ initiate(IQ iq, org.chorus.muc.Room room, org.chorus.muc.Occupant caller) {
            delegated.add("initiate " + room.jid() + " " + caller.nick() + " " + caller.realJid());
            return IQ.createResultIQ(iq);
        }

        @Override
        public java.util.Optional<IQ> onSessionIq(IQ iq) {
            delegated.add("session " + iq.getChildElement().attributeValue("action"));
            return java.util.Optional.empty();
        }
    };

    @BeforeEach
    void setUp() {
        muc = new MucFixture(sink);
        handler = new JingleIqHandler(muc.jids, muc.registry, new CallAuthorizer(), sessions);
    }

    @AfterEach
    void tearDown() {
        muc.close();
    }

    private static IQ jingle(String type, String to, String attributes, String body) {
        return iq("<iq type='" + type + "' id='j1' from='" + ALICE + "' to='" + to + "'>"
                + "<jingle xmlns='urn:xmpp:jingle:1'" + attributes + ">" + body + "</jingle></iq>");
    }

    private static IQ initiate(String to) {
        return jingle("set", to, " action='session-initiate' sid='s1' initiator='" + ALICE + "'", CONTENT);
    }

    private IQ answerNow(IQ request) {
        CompletableFuture<IQ> reply = handler.handle(request).toCompletableFuture();
        assertThat(reply).as("answered at once").isDone();
        return reply.join();
    }

    private static PacketError assertError(IQ reply, IQ request, Condition condition) {
        assertThat(reply.getType()).isEqualTo(IQ.Type.error);
        assertThat(reply.getID()).isEqualTo(request.getID());
        assertThat(reply.getTo()).isEqualTo(request.getFrom());
        assertThat(reply.getFrom()).isEqualTo(request.getTo());
        assertThat(reply.getError().getCondition()).isEqualTo(condition);
        return reply.getError();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        " action='session-initiate'",                       // no sid
        " action='session-initiate' sid=''",                // empty sid
        " action='session-initiate' sid='  '",
        " sid='s1'",                                        // no action
        " action='session-dance' sid='s1'",                 // unknown action
        " action='SESSION-INITIATE' sid='s1'",
    })
    void badShapesAreBadRequest(String attributes) {
        IQ request = jingle("set", "team@av.example.org", attributes, CONTENT);

        assertError(answerNow(request), request, Condition.bad_request);
    }

    @Test
    void anOverlongSidIsBadRequestBeforeAnythingElse() {
        IQ request = jingle("set", "team@av.example.org", " action='transport-info' sid='" + "s".repeat(129) + "'", CONTENT);

        assertError(answerNow(request), request, Condition.bad_request);
        assertThat(answerNow(request).getError().getText()).contains("128 characters of sid");
    }

    @Test
    void typeGetIsBadRequest() {
        IQ request = jingle("get", "team@av.example.org", " action='session-initiate' sid='s1'", CONTENT);

        assertError(answerNow(request), request, Condition.bad_request);
    }

    @Test
    void aJingleElementInAnotherNamespaceIsBadRequest() {
        IQ request = iq("<iq type='set' id='j1' from='" + ALICE + "' to='team@av.example.org'>"
                + "<jingle xmlns='urn:xmpp:jingle:0' action='session-initiate' sid='s1'/></iq>");

        assertError(answerNow(request), request, Condition.bad_request);
    }

    @Test
    void sessionInitiateToTheBareDomainIsBadRequest() {
        IQ request = initiate("av.example.org");

        PacketError error = assertError(answerNow(request), request, Condition.bad_request);
        assertThat(error.getText()).contains("@av.example.org");
    }

    @Test
    void otherActionsToTheBareDomainAreUnknownSessions() {
        IQ request = jingle("set", "av.example.org", " action='session-terminate' sid='s1'", "");

        PacketError error = assertError(answerNow(request), request, Condition.item_not_found);
        assertThat(error.getApplicationConditionName()).isEqualTo("unknown-session");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"session-terminate", "transport-info", "session-info", "content-add", "session-accept"})
    void nonInitiateActionsToAConferenceAreUnknownSessions(String action) {
        IQ request = jingle("set", "team@av.example.org", " action='" + action + "' sid='nope'", "");

        PacketError error = assertError(answerNow(request), request, Condition.item_not_found);
        assertThat(error.getApplicationConditionName()).isEqualTo("unknown-session");
        assertThat(error.getApplicationConditionNamespaceURI()).isEqualTo(Namespaces.JINGLE_ERRORS);
        assertThat(error.getType()).isEqualTo(PacketError.Type.cancel);
    }

    @Test
    void contentWithoutDescriptionIsBadRequest() {
        IQ request = jingle("set", "team@av.example.org", " action='session-initiate' sid='s1'",
                "<content creator='initiator' name='audio'>"
                        + "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/></content>");

        assertError(answerNow(request), request, Condition.bad_request);
    }

    @Test
    void contentWithoutNameIsBadRequest() {
        IQ request = jingle("set", "team@av.example.org", " action='session-initiate' sid='s1'",
                "<content creator='initiator'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/></content>");

        assertError(answerNow(request), request, Condition.bad_request);
    }

    @Test
    void initiateWithoutContentIsBadRequest() {
        IQ request = jingle("set", "team@av.example.org", " action='session-initiate' sid='s1'", "");

        assertError(answerNow(request), request, Condition.bad_request);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a\\40@av.example.org", "x\\40av.example.org@av.example.org",
        "\\40muc.other.org@av.example.org"})
    void aMalformedConferenceIsJidMalformed(String conference) {
        IQ request = initiate(conference);

        assertError(answerNow(request), request, Condition.jid_malformed);
        assertThat(muc.registry.rooms()).isEmpty();
    }

    @Test
    void shapeChecksComeBeforeBinding() {
        // the strict sink proves that none of these made the registry look at a room
        answerNow(jingle("set", "team@av.example.org", " action='session-initiate'", CONTENT));
        answerNow(jingle("set", "team@av.example.org", " action='session-initiate' sid='s1'", ""));
        answerNow(jingle("set", "team@av.example.org", " action='transport-info' sid='s1'", ""));

        assertThat(muc.registry.rooms()).isEmpty();
    }

    // --- through the registry ---

    private CompletableFuture<IQ> initiateAndJoin(java.util.List<String> features) {
        muc.registry.onConnected();
        sink.expect(discoInfoGet(TEAM, SELF), "disco#info before binding");
        CompletableFuture<IQ> reply = handler.handle(initiate("team@av.example.org")).toCompletableFuture();
        assertThat(reply).isNotDone();
        sink.expect(join(occupantJid(TEAM, "Call"), SELF), "join");
        muc.tracker.answer(discoInfoResult(sink.next(IQ.class), features));
        sink.next();
        return reply;
    }

    @Test
    void aMemberInTheRoomIsAuthorizedAndHandedToTheSessionLayer() {
        CompletableFuture<IQ> reply = initiateAndJoin(CALLABLE);

        muc.completeJoin(TEAM, "Call", member("alice", ALICE));

        assertThat(reply).isDone();
        assertThat(reply.join().getType()).isEqualTo(IQ.Type.result);
        assertThat(delegated).containsExactly("initiate team@conference.example.org alice " + ALICE);
    }

    @Test
    void candidatesTrickledWhileTheRoomIsBoundWaitForTheirInitiate() {
        CompletableFuture<IQ> reply = initiateAndJoin(CALLABLE);
        // browsers trickle right after the initiate, before its answer (PROTOCOL.md §11)
        CompletableFuture<IQ> first = handler.handle(jingle("set", "team@av.example.org",
                " action='transport-info' sid='s1'", "")).toCompletableFuture();
        CompletableFuture<IQ> second = handler.handle(jingle("set", "team@av.example.org",
                " action='session-info' sid='s1'", "")).toCompletableFuture();
        IQ otherSession = answerNow(jingle("set", "team@av.example.org", " action='transport-info' sid='s2'", ""));

        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        assertThat(otherSession.getError().getApplicationConditionName()).isEqualTo("unknown-session");

        muc.completeJoin(TEAM, "Call", member("alice", ALICE));

        assertThat(reply.join().getType()).isEqualTo(IQ.Type.result);
        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(delegated).containsExactly("session transport-info",
                "initiate team@conference.example.org alice " + ALICE, "session transport-info", "session session-info");
    }

    @Test
    void someoneNotInTheRoomIsForbidden() {
        CompletableFuture<IQ> reply = initiateAndJoin(CALLABLE);

        muc.completeJoin(TEAM, "Call", member("bob", "bob@example.org/phone"));

        PacketError error = reply.join().getError();
        assertThat(error.getCondition()).isEqualTo(Condition.forbidden);
        assertThat(error.getType()).isEqualTo(PacketError.Type.auth);
    }

    @Test
    void anUnsuitableRoomIsNotAcceptableAndExplainedInTheRoomOnce() {
        CompletableFuture<IQ> reply = initiateAndJoin(OPEN);
        String why = "Calls need a members-only room; this room is open to anyone.";
        muc.arrive(TEAM, member("alice", ALICE));
        muc.expectAffiliationQueries(TEAM);
        sink.expect(groupchat(TEAM, SELF, why), "the notice in the room");

        muc.selfPresence(TEAM, "Call");

        PacketError error = reply.join().getError();
        assertThat(error.getCondition()).isEqualTo(Condition.not_acceptable);
        assertThat(error.getText()).isEqualTo(why);
        muc.answerAffiliationQueries();
        sink.next();

        // a second call gets the same answer, but the room hears it only once
        Room room = muc.registry.room(TEAM).orElseThrow();
        IQ again = answerNow(initiate("team@av.example.org"));
        assertThat(again.getError().getCondition()).isEqualTo(Condition.not_acceptable);
        assertThat(room.occupants()).hasSize(1);
    }
    @Test
    void notAcceptableIsOfTypeCancel() {
        muc.joined(TEAM, OPEN, member("alice", ALICE));
        sink.expect(groupchat(TEAM, SELF, "Calls need a members-only room; this room is open to anyone."), "notice");

        IQ reply = answerNow(initiate("team@av.example.org"));

        assertThat(reply.getError().getCondition()).isEqualTo(Condition.not_acceptable);
        assertThat(reply.getError().getType()).isEqualTo(PacketError.Type.cancel);
        sink.next();
    }

    @Test
    void aMissingRoomIsItemNotFoundAndNotCreated() {
        muc.registry.onConnected();
        sink.expect(discoInfoGet(TEAM, SELF), "disco#info before binding");
        CompletableFuture<IQ> reply = handler.handle(initiate("team@av.example.org")).toCompletableFuture();

        muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));

        assertThat(reply.join().getError().getCondition()).isEqualTo(Condition.item_not_found);
        assertThat(reply.join().getError().getApplicationConditionName()).isNull();
    }

    @Test
    void aRoomThatRefusesTheGatewayIsServiceUnavailable() {
        muc.registry.onConnected();
        sink.expect(discoInfoGet(TEAM, SELF), "disco#info before binding");
        CompletableFuture<IQ> reply = handler.handle(initiate("team@av.example.org")).toCompletableFuture();

        muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.forbidden));

        assertThat(reply.join().getError().getCondition()).isEqualTo(Condition.service_unavailable);
    }
}
