package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.ConferenceException;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jitsi.xmpp.extensions.jibri.JibriIqProvider;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who a real recorder obeys (PROTOCOL.md §10): nobody while accept-from is empty, accept-from
 * entries by bare JID or domain, session ids that cannot leave the recordings folder, and no UDP
 * port for a stranger's session-initiate. The "gateway" here is a plain client that talks the
 * Jibri protocol to the recorder directly, as anyone on the federation could.
 */
@ExtendWith(ProsodyExtension.class)
class RecorderTrustEndToEndTest {
    private static final AtomicInteger N = new AtomicInteger();

    private ProsodyServer server;
    private String brewery;
    private Path recordings;

    @BeforeEach
    void setUp(ProsodyServer server) throws Exception {
        this.server = server;
        ProviderManager.addIQProvider(JibriIq.ELEMENT, JibriIq.NAMESPACE, new JibriIqProvider());
        int n = N.incrementAndGet();
        brewery = "trusted" + n;
        recordings = Files.createDirectories(server.workDir().resolve("trust-recordings-" + n).resolve("root"));
        try (XmppTestClient keeper = XmppTestClient.connectNewUser(server, "keeper")) {
            keeper.createRoom(brewery, "keeper", form -> {
                form.setAnswer("muc#roomconfig_whois", "anyone");
                form.setAnswer("muc#roomconfig_persistentroom", true);
            });
        }
    }

    private RecorderProcess recorder(Map<String, String> extra) throws Exception {
        return RecorderProcess.start(server, brewery + "@" + server.mucDomain(), recordings, "rec", extra);
    }

    @Test
    void aRecorderWithEmptyAcceptFromObeysNobody() throws Exception {
        try (RecorderProcess recorder = recorder(Map.of("accept-from", "[]"));
                XmppTestClient stranger = XmppTestClient.connectNewUser(server, "stranger")) {
            assertThat(recorder.log()).contains("accept-from is empty");
            IQ answer = stranger.sendIqAndWait(start(recorder, "s1", "team@" + server.mucDomain()));
            assertThat(answer.getType()).as(answer.toXML().toString()).isEqualTo(IQ.Type.error);
            assertThat(answer.getError().getCondition()).isEqualTo(StanzaError.Condition.not_allowed);
            assertThat(answer.getError().toXML().toString()).contains("accept-from must be set");
            Thread.sleep(1_000);
            assertThat(tree(recordings)).as("what the recorder wrote").isEmpty();
            assertThat(recorder.log().split("accept-from is empty", -1).length - 1).as("logged once at start").isEqualTo(1);
        }
    }

    @Test
    void acceptFromNamesGatewaysByBareJidOrDomain() throws Exception {
        try (XmppTestClient gateway = XmppTestClient.connectNewUser(server, "gw");
                XmppTestClient neighbour = XmppTestClient.connectNewUser(server, "neighbour");
                RecorderProcess recorder = recorder(Map.of("accept-from", "[ \"" + gateway.bareJid() + "\" ]"))) {
            IQ refused = neighbour.sendIqAndWait(start(recorder, "n1", "team@" + server.mucDomain()));
            assertThat(refused.getType()).as(refused.toXML().toString()).isEqualTo(IQ.Type.error);
            assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
            IQ accepted = gateway.sendIqAndWait(start(recorder, "g1", "team@" + server.mucDomain()));
            assertThat(accepted.getType()).as(accepted.toXML().toString()).isEqualTo(IQ.Type.result);
            assertThat(((JibriIq) accepted).getStatus()).isEqualTo(JibriIq.Status.PENDING);
            IQ stopped = gateway.sendIqAndWait(stop(recorder, "g1"));
            assertThat(stopped.getType()).isEqualTo(IQ.Type.result);
            assertThat(((JibriIq) stopped).getSessionId()).as("the stop answer names the session").isEqualTo("g1");
        }
    }

    @Test
    void sessionIdsAndRoomsCannotLeaveTheRecordingsFolder() throws Exception {
        try (XmppTestClient gateway = XmppTestClient.connectNewUser(server, "gw");
                RecorderProcess recorder = recorder(Map.of("accept-from", "[ \"" + server.domain() + "\" ]"))) {
            for (String id : List.of("..", ".", ".hidden", "-x", "a/b", "")) {
                IQ answer = gateway.sendIqAndWait(start(recorder, id, "team@" + server.mucDomain()));
                assertThat(answer.getType()).as("session_id '" + id + "': " + answer.toXML()).isEqualTo(IQ.Type.error);
                assertThat(answer.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
            }
            // a room whose name is ".." stays a folder inside the recordings root
            IQ dots = gateway.sendIqAndWait(start(recorder, "escape1", "..@" + server.mucDomain()));
            assertThat(dots.getType()).as(dots.toXML().toString()).isEqualTo(IQ.Type.result);
            gateway.sendIqAndWait(stop(recorder, "escape1"));
            await("the recording is finalized").atMost(Duration.ofSeconds(60)).until(() -> tree(recordings.getParent()).stream()
                    .anyMatch(p -> p.endsWith("metadata.json")));
            Path root = recordings.toRealPath();
            assertThat(tree(root.getParent())).as("everything written is inside the recordings root")
                    .allMatch(p -> p.toAbsolutePath().normalize().startsWith(root));
            assertThat(Files.exists(root.resolve("metadata.json"))).as("nothing lands in the root itself").isFalse();
        }
    }

    @Test
    void aStrangersSessionInitiateOpensNoPortAndIsRefused() throws Exception {
        try (RecorderProcess recorder = recorder(Map.of());
                XmppTestClient stranger = XmppTestClient.connectNewUser(server, "stranger");
                ClientMedia media = ClientMedia.loopback()) {
            ConferenceClient client = new ConferenceClient(stranger.connection(), media, new ConferenceClient.Listener() { });
            int baseline = UdpSockets.count(recorder.pid());
            AtomicInteger most = new AtomicInteger(baseline);
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    most.accumulateAndGet(UdpSockets.count(recorder.pid()), Math::max);
                }
            }, "udp-sampler");
            sampler.start();
            List<String> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    try {
                        client.join(JidCreate.from(recorder.jid(server)), LocalStreams.audioAndVideo());
                        outcomes.add("joined");
                    } catch (ConferenceException e) {
                        outcomes.add(e.kind() + " " + e.condition().map(Object::toString).orElse(e.getMessage()));
                    }
                }
            } finally {
                sampling.set(false);
                sampler.join();
                client.close();
            }
            assertThat(most.get()).as("the recorder's UDP sockets (%d before); the stranger got %s", baseline, outcomes)
                    .isEqualTo(baseline);
            assertThat(outcomes).as("what the stranger got").allMatch(o -> o.contains("forbidden"));
        }
    }

    @Test
    void aRecorderNeverCreatesTheBreweryAndJoinsItOnceItExists() throws Exception {
        String missing = "missing" + N.incrementAndGet();
        String room = missing + "@" + server.mucDomain();
        try (RecorderProcess recorder = RecorderProcess.launch(server, room, recordings, "rec1",
                Map.of("xmpp.reconnect-delay", "2s"));
                XmppTestClient observer = XmppTestClient.connectNewUser(server, "observer")) {
            await("the recorder is logged in and has looked at the brewery").atMost(Duration.ofSeconds(30))
                    .until(() -> recorder.log().contains("Joined the brewery") || recorder.log().contains("does not exist"));
            Thread.sleep(7_000); // a few of its 2 s looks
            IQ info = observer.sendIqAndWait(discoInfo(observer, room));
            assertThat(info.getType()).as("disco#info on the brewery after a while: " + info.toXML()).isEqualTo(IQ.Type.error);
            assertThat(info.getError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
            assertThat(recorder.isAlive()).isTrue();
            assertThat(recorder.log().split("does not exist", -1).length - 1).as("the missing brewery is logged once")
                    .isEqualTo(1);
            assertThat(recorder.log()).doesNotContain("Joined the brewery").doesNotContain("Unhealthy");

            // the operator creates it: members-only, non-anonymous, with the recorder's account as a member
            List<org.jivesoftware.smack.packet.Presence> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (XmppTestClient owner = XmppTestClient.connectNewUser(server, "operator")) {
                org.jivesoftware.smackx.muc.MultiUserChat brewery = owner.room(missing);
                brewery.addParticipantListener(seen::add);
                owner.createMembersOnlyRoom(missing, "keeper", List.of(JidCreate.entityBareFrom(recorder.bareJid())));
                await("the recorder joins the brewery with its status").atMost(Duration.ofSeconds(30))
                        .until(() -> seen.stream().anyMatch(p -> p.getFrom().getResourceOrEmpty().toString().equals("rec1")
                                && p.getType() == org.jivesoftware.smack.packet.Presence.Type.available
                                && p.getExtensionElement("jibri-status", "http://jitsi.org/protocol/jibri") != null));
                assertThat(brewery.getOccupants()).extracting(j -> j.getResourceOrEmpty().toString()).contains("rec1");
                recorder.awaitLog("Joined the brewery", Duration.ofSeconds(10));
                assertThat(recorder.log()).contains("Status: idle, healthy");
            }
        }
    }

    // --- helpers ---

    static IQ discoInfo(XmppTestClient from, String jid) throws Exception {
        return org.jivesoftware.smackx.disco.packet.DiscoverInfo.builder(from.connection()).to(JidCreate.from(jid))
                .ofType(IQ.Type.get).build();
    }

    static JibriIq start(RecorderProcess recorder, String sessionId, String room) throws Exception {
        JibriIq iq = new JibriIq();
        iq.setType(IQ.Type.set);
        iq.setTo(JidCreate.from(recorder.jid(recorder.server())));
        iq.setAction(JibriIq.Action.START);
        iq.setRecordingMode(JibriIq.RecordingMode.FILE);
        iq.setSessionId(sessionId);
        iq.setRoom(JidCreate.entityBareFrom(room));
        return iq;
    }

    static JibriIq stop(RecorderProcess recorder, String sessionId) throws Exception {
        JibriIq iq = new JibriIq();
        iq.setType(IQ.Type.set);
        iq.setTo(JidCreate.from(recorder.jid(recorder.server())));
        iq.setAction(JibriIq.Action.STOP);
        iq.setSessionId(sessionId);
        return iq;
    }

    static List<Path> tree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).toList();
        }
    }
}
