package org.chorus.disco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.testing.fakes.MucStanzas.CALLABLE;
import static org.chorus.testing.fakes.MucStanzas.OPEN;
import static org.chorus.testing.fakes.MucStanzas.discoInfoGet;
import static org.chorus.testing.fakes.MucStanzas.discoInfoResult;
import static org.chorus.testing.fakes.MucStanzas.errorReply;
import static org.chorus.testing.fakes.MucStanzas.iq;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.chorus.conference.ActiveCalls;
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
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError.Condition;

/** disco#info on the gateway and on conference JIDs (PROTOCOL.md §2). */
class DiscoInfoHandlerTest {
    /** The feature list of PROTOCOL.md §2. */
    private static final List<String> PROTOCOL_FEATURES = List.of(
            "urn:xmpp:jingle:av-conferences:0", "urn:xmpp:jingle:1", "urn:xmpp:jingle:apps:rtp:1",
            "urn:xmpp:jingle:apps:rtp:audio", "urn:xmpp:jingle:apps:rtp:video", "urn:xmpp:jingle:transports:ice-udp:1",
            "urn:xmpp:jingle:apps:dtls:0", "urn:xmpp:jingle:apps:grouping:0", "urn:xmpp:jingle:apps:rtp:rtcp-fb:0",
            "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0", "urn:xmpp:jingle:apps:rtp:ssma:0", "urn:xmpp:coin:1",
            "http://jabber.org/protocol/commands", "urn:xmpp:ping", "jabber:iq:version");
    private static final JID TEAM = new JID("team@conference.example.org");
    private static final JID GATEWAY = new JID("av.example.org");

    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private MucFixture muc;
    private ActiveCalls calls;
    private DiscoInfoHandler handler;

    @BeforeEach
    void setUp() {
        muc = new MucFixture(sink);
        calls = new ActiveCalls();
        handler = new DiscoInfoHandler(muc.jids, muc.registry, calls);
    }

    @AfterEach
    void tearDown() {
        muc.close();
    }

    private static IQ discoInfo(String type, String to, String nodeAttribute) {
        return iq("<iq type='" + type + "' id='d1' from='alice@example.org/laptop' to='" + to + "'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'" + nodeAttribute + "/></iq>");
    }

    private IQ answer(IQ request) {
        CompletableFuture<IQ> reply = handler.handle(request).toCompletableFuture();
        assertThat(reply).isDone();
        return reply.join();
    }

    private static List<String> features(IQ reply) {
        return reply.getChildElement().elements("feature").stream().map(f -> f.attributeValue("var")).toList();
    }

    private static Map<String, String> form(IQ reply) {
        Element x = reply.getChildElement().element(QName.get("x", Namespaces.DATA_FORMS));
        assertThat(x).as("the call state form").isNotNull();
        return x.elements("field").stream()
                .collect(Collectors.toMap(f -> f.attributeValue("var"), f -> f.elementTextTrim("value")));
    }

    private static void assertError(IQ reply, IQ request, Condition condition) {
        assertThat(reply.getType()).isEqualTo(IQ.Type.error);
        assertThat(reply.getID()).isEqualTo(request.getID());
        assertThat(reply.getTo()).isEqualTo(request.getFrom());
        assertThat(reply.getError().getCondition()).isEqualTo(condition);
    }

    @Test
    void theServiceIsAnAudioVideoConferenceWithEveryFeature() {
        IQ request = discoInfo("get", "av.example.org", "");

        IQ reply = answer(request);

        assertThat(reply.getType()).isEqualTo(IQ.Type.result);
        assertThat(reply.getID()).isEqualTo("d1");
        assertThat(reply.getFrom()).isEqualTo(GATEWAY);
        assertThat(reply.getTo()).isEqualTo(new JID("alice@example.org/laptop"));
        assertThat(reply.getChildElement().getQName()).isEqualTo(QName.get("query", Namespaces.DISCO_INFO));
        List<Element> identities = reply.getChildElement().elements("identity");
        assertThat(identities).hasSize(1);
        assertThat(identities.get(0).attributeValue("category")).isEqualTo("conference");
        assertThat(identities.get(0).attributeValue("type")).isEqualTo("audio-video");
        assertThat(features(reply)).containsExactlyElementsOf(Features.ALL).doesNotHaveDuplicates();
        // the service itself carries no call state
        assertThat(reply.getChildElement().element(QName.get("x", Namespaces.DATA_FORMS))).isNull();
    }

    @Test
    void featuresCoverTheProtocolList() {
        assertThat(Features.ALL).containsAll(PROTOCOL_FEATURES);
        assertThat(Features.IDENTITY_CATEGORY).isEqualTo("conference");
        assertThat(Features.IDENTITY_TYPE).isEqualTo("audio-video");
    }

    @Test
    void theServiceWithAResourceIsTheServiceToo() {
        IQ reply = answer(discoInfo("get", "av.example.org/whatever", ""));

        assertThat(reply.getType()).isEqualTo(IQ.Type.result);
        assertThat(features(reply)).containsExactlyElementsOf(Features.ALL);
    }

    @Test
    void theCommandsNodeIsACommandList() {
        IQ reply = answer(discoInfo("get", "av.example.org", " node='http://jabber.org/protocol/commands'"));

        assertThat(reply.getType()).isEqualTo(IQ.Type.result);
        assertThat(reply.getChildElement().attributeValue("node")).isEqualTo(Namespaces.COMMANDS);
        assertThat(reply.getChildElement().element("identity").attributeValue("type")).isEqualTo("command-list");
    }

    @ParameterizedTest
    @ValueSource(strings = {"urn:example:other", "", "http://jabber.org/protocol/commands#x"})
    void anotherNodeIsItemNotFound(String node) {
        IQ request = discoInfo("get", "av.example.org", " node='" + node + "'");

        assertError(answer(request), request, Condition.item_not_found);
    }

    @ParameterizedTest
    @ValueSource(strings = {"av.example.org", "team@av.example.org"})
    void typeSetIsBadRequest(String to) {
        IQ request = discoInfo("set", to, "");

        assertError(answer(request), request, Condition.bad_request);
    }

    @Test
    void aConferenceOfACallableRoomDescribesItselfWithTheCallStateToAMember() {
        muc.joined(TEAM, CALLABLE, MucFixture.member("alice", "alice@example.org/laptop"));
        IQ request = discoInfo("get", "team@av.example.org", "");

        IQ reply = answer(request);

        assertThat(reply.getType()).isEqualTo(IQ.Type.result);
        assertThat(reply.getFrom()).isEqualTo(new JID("team@av.example.org"));
        assertThat(reply.getChildElement().element("identity").attributeValue("type")).isEqualTo("audio-video");
        assertThat(features(reply)).containsExactlyElementsOf(Features.ALL);
        assertThat(form(reply)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "FORM_TYPE", Namespaces.AV_CONFERENCES_INFO_FORM,
                "call_id", "",
                "participants", "0",
                "recording", "off"));
    }

    @Test
    void aConferenceLooksItsRoomUpAndShowsNoCallStateToOneWhoIsNotAMember() {
        calls.put(new ActiveCalls.CallInfo("c-42", new JID("team@av.example.org"), TEAM, Instant.EPOCH, 3, "file"));
        IQ request = discoInfo("get", "team@av.example.org", "");
        sink.expect(discoInfoGet(TEAM, GATEWAY), "look at the room");
        CompletableFuture<IQ> pending = handler.handle(request).toCompletableFuture();
        assertThat(pending).isNotDone();

        muc.tracker.answer(discoInfoResult(sink.next(IQ.class), CALLABLE));

        IQ reply = pending.join();
        assertThat(reply.getType()).isEqualTo(IQ.Type.result);
        assertThat(reply.getChildElement().element("identity").attributeValue("type")).isEqualTo("audio-video");
        assertThat(features(reply)).containsExactlyElementsOf(Features.ALL);
        assertThat(reply.getChildElement().element(QName.get("x", Namespaces.DATA_FORMS))).isNull();
    }

    @Test
    void aStrangerSeesNoCallStateOfAJoinedRoom() {
        muc.joined(TEAM, CALLABLE, MucFixture.member("alice", "alice@example.org/laptop"));
        calls.put(new ActiveCalls.CallInfo("c-42", new JID("team@av.example.org"), TEAM, Instant.EPOCH, 3, "file"));
        IQ request = iq("<iq type='get' id='d2' from='mallory@example.org/x' to='team@av.example.org'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");

        IQ reply = answer(request);

        assertThat(reply.getType()).isEqualTo(IQ.Type.result);
        assertThat(features(reply)).containsExactlyElementsOf(Features.ALL);
        assertThat(reply.getChildElement().element(QName.get("x", Namespaces.DATA_FORMS))).isNull();
    }

    @Test
    void anActiveCallShowsInTheFormOfAMember() {
        muc.joined(TEAM, CALLABLE, MucFixture.member("alice", "alice@example.org/laptop"));
        calls.put(new ActiveCalls.CallInfo("c-42", new JID("team@av.example.org"), TEAM, Instant.EPOCH, 3, "file"));

        IQ reply = answer(discoInfo("get", "team@av.example.org/x", ""));

        assertThat(form(reply)).containsEntry("call_id", "c-42").containsEntry("participants", "3")
                .containsEntry("recording", "file");
    }

    @Test
    void aConferenceOfAnUnsuitableRoomIsItemNotFound() {
        IQ request = discoInfo("get", "team@av.example.org", "");
        sink.expect(discoInfoGet(TEAM, GATEWAY), "look at the room");
        CompletableFuture<IQ> pending = handler.handle(request).toCompletableFuture();

        muc.tracker.answer(discoInfoResult(sink.next(IQ.class), OPEN));

        assertError(pending.join(), request, Condition.item_not_found);
    }

    @Test
    void aConferenceOfAMissingRoomIsItemNotFound() {
        IQ request = discoInfo("get", "team@av.example.org", "");
        sink.expect(discoInfoGet(TEAM, GATEWAY), "look at the room");
        CompletableFuture<IQ> pending = handler.handle(request).toCompletableFuture();

        muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));

        assertError(pending.join(), request, Condition.item_not_found);
        assertThat(muc.registry.room(TEAM)).isEmpty();
    }

    @Test
    void aMalformedConferenceIsJidMalformed() {
        IQ request = discoInfo("get", "a\\40@av.example.org", "");

        assertError(answer(request), request, Condition.jid_malformed);
    }
}
