package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.testing.fakes.MucFixture.member;
import static org.chorus.testing.fakes.MucStanzas.CALLABLE;
import static org.chorus.testing.fakes.MucStanzas.discoInfoGet;
import static org.chorus.testing.fakes.MucStanzas.discoInfoResult;
import static org.chorus.testing.fakes.MucStanzas.errorTo;
import static org.chorus.testing.fakes.MucStanzas.iq;
import static org.chorus.testing.fakes.MucStanzas.join;
import static org.chorus.testing.fakes.MucStanzas.occupant;
import static org.chorus.testing.fakes.MucStanzas.resultTo;
import static org.chorus.testing.fakes.MucStanzas.roomStatus;
import static org.chorus.testing.fakes.MucStanzas.unavailable;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.chorus.muc.Room;
import org.chorus.muc.RoomState;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.ScriptedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError.Condition;
import org.xmpp.packet.Presence;

/** Every IQ request gets exactly one answer; everything else goes where it belongs, unanswered. */
class StanzaRouterTest {
    private static final JID TEAM = new JID("team@conference.example.org");
    private static final JID SELF = new JID("av.example.org/team");

    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private MucFixture muc;
    private StanzaRouter router;
    private final CompletableFuture<IQ> later = new CompletableFuture<>();

    @BeforeEach
    void setUp() {
        muc = new MucFixture(sink);
        router = new StanzaRouter(sink, muc.tracker, muc.registry)
                .handle("urn:test:echo", request -> CompletableFuture.completedFuture(IQ.createResultIQ(request)))
                .handle("urn:test:throws", request -> {
                    throw new IllegalStateException("boom");
                })
                .handle("urn:test:fails", request -> CompletableFuture.failedFuture(new IllegalStateException("boom")))
                .handle("urn:test:null", request -> CompletableFuture.completedFuture(null))
                .handle("urn:test:later", request -> later);
    }

    @AfterEach
    void tearDown() {
        muc.close();
    }

    private static IQ request(String type, String payload) {
        return iq("<iq type='" + type + "' id='r1' from='alice@example.org/laptop' to='av.example.org'>" + payload
                + "</iq>");
    }

    private IQ routeExpectingError(IQ request, Condition condition) {
        sink.expect(errorTo(request, condition), condition.toXMPP() + " to " + request.getID());
        router.route(request);
        IQ reply = sink.next(IQ.class);
        assertThat(reply.getFrom()).isEqualTo(request.getTo());
        assertThat(reply.getTo()).isEqualTo(request.getFrom());
        return reply;
    }

    @Test
    void aHandledRequestGetsItsHandlersAnswer() {
        IQ request = request("get", "<q xmlns='urn:test:echo'/>");
        sink.expect(resultTo(request), "result");

        router.route(request);

        assertThat(sink.next(IQ.class).getID()).isEqualTo("r1");
    }

    @Test
    void unknownNamespaceGetIsServiceUnavailable() {
        IQ reply = routeExpectingError(request("get", "<query xmlns='urn:example:unknown'/>"),
                Condition.service_unavailable);

        assertThat(reply.getError().getType()).isEqualTo(org.xmpp.packet.PacketError.Type.cancel);
    }

    @Test
    void unknownNamespaceSetIsServiceUnavailable() {
        routeExpectingError(request("set", "<command xmlns='urn:example:unknown'/>"), Condition.service_unavailable);
    }

    @Test
    void setWithTwoChildrenIsBadRequest() {
        routeExpectingError(request("set", "<q xmlns='urn:test:echo'/><q xmlns='urn:test:echo'/>"),
                Condition.bad_request);
    }

    @Test
    void getWithoutChildIsBadRequest() {
        routeExpectingError(request("get", ""), Condition.bad_request);
    }

    @Test
    void childWithoutNamespaceIsBadRequest() {
        routeExpectingError(request("get", "<ping/>"), Condition.bad_request);
    }

    @Test
    void aHandlerThatThrowsGivesInternalServerError() {
        routeExpectingError(request("set", "<q xmlns='urn:test:throws'/>"), Condition.internal_server_error);
    }

    @Test
    void aHandlerWhoseAnswerFailsGivesInternalServerError() {
        routeExpectingError(request("get", "<q xmlns='urn:test:fails'/>"), Condition.internal_server_error);
    }

    @Test
    void aHandlerWithoutAnswerGivesInternalServerError() {
        routeExpectingError(request("get", "<q xmlns='urn:test:null'/>"), Condition.internal_server_error);
    }

    @Test
    void aLateAnswerIsSentWhenItIsReady() {
        IQ request = request("get", "<q xmlns='urn:test:later'/>");
        router.route(request);
        assertThat(sink.sent()).isEmpty();

        sink.expect(resultTo(request), "the late result");
        later.complete(IQ.createResultIQ(request));

        sink.next();
    }

    @Test
    void unmatchedResultsAndErrorsAreIgnored() {
        router.route(iq("<iq type='result' id='nobody-asked' from='alice@example.org/laptop' to='av.example.org'/>"));
        router.route(iq("<iq type='error' id='nobody-asked' from='alice@example.org/laptop' to='av.example.org'>"
                + "<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"));
        router.route(iq("<iq type='result' id='r2' from='alice@example.org/laptop' to='av.example.org'>"
                + "<q xmlns='urn:test:echo'/></iq>"));
        // the strict sink proves that nothing was answered
    }

    @Test
    void anIqWithoutTypeIsIgnored() {
        router.route(iq("<iq id='x' from='alice@example.org/laptop' to='av.example.org'><q xmlns='urn:test:echo'/></iq>"));
    }

    @Test
    void aResultToOurRequestGoesToTheTracker() {
        muc.registry.bindConfigured(List.of(TEAM));
        sink.expect(discoInfoGet(TEAM, SELF), "probe");
        muc.registry.onConnected();
        IQ probe = sink.next(IQ.class);
        sink.expect(join(new JID("team@conference.example.org/Call"), SELF), "join presence");

        router.route(discoInfoResult(probe, CALLABLE));

        sink.next();
        assertThat(muc.registry.room(TEAM).orElseThrow().state()).isEqualTo(RoomState.JOINING);
    }

    @Test
    void presenceGoesToTheRoomsUnanswered() {
        Room room = muc.joined(TEAM, CALLABLE, member("alice", "alice@example.org/laptop"));

        router.route(occupant(TEAM, SELF, "bob", "bob@example.org/phone", "member", "participant"));
        router.route(unavailable(TEAM, SELF, "alice", "alice@example.org/laptop", "member", 307));

        assertThat(room.occupant("bob")).isPresent();
        assertThat(room.occupant("alice")).isEmpty();
        assertThat(muc.listener.left).hasSize(1);
    }

    @Test
    void presenceFromElsewhereIsDropped() {
        Presence p = new Presence();
        p.setFrom(new JID("alice@example.org/laptop"));
        p.setTo(new JID("av.example.org"));

        router.route(p);
    }

    @Test
    void messagesGoToTheRoomsUnanswered() {
        muc.joined(TEAM, CALLABLE);
        sink.expect(discoInfoGet(TEAM, SELF), "config refresh");

        router.route(roomStatus(TEAM, SELF, 104));

        muc.tracker.answer(discoInfoResult(sink.next(IQ.class), CALLABLE));

        Message chat = new Message();
        chat.setFrom(new JID("alice@example.org/laptop"));
        chat.setTo(new JID("team@av.example.org"));
        chat.setBody("hi");
        router.route(chat);
    }
}
