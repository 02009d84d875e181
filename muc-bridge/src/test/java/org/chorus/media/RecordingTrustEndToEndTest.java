package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.chorus.gateway.Commands;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who the gateway lets record, against real Prosody: nobody while chorus.recording.recorders is
 * empty, never a brewery the gateway would have to create, and streams only to allowed hosts.
 */
@ExtendWith(ProsodyExtension.class)
class RecordingTrustEndToEndTest {
    private static final AtomicInteger ROOMS = new AtomicInteger();

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private final List<Presence> gatewayPresence = new CopyOnWriteArrayList<>();
    private ProsodyServer server;
    private XmppTestClient alice;
    private XmppTestClient bob;
    private Jid conference;
    private MediaParticipant aliceMedia;
    private String room;
    private String breweryRoom;

    @BeforeEach
    void setUp(ProsodyServer server) throws Exception {
        this.server = server;
        int n = ROOMS.incrementAndGet();
        room = "trust" + n;
        breweryRoom = "trustrecorders" + n;
        alice = XmppTestClient.connectNewUser(server, "alice");
        bob = XmppTestClient.connectNewUser(server, "bob");
        alice.createMembersOnlyRoom(room, "alice", List.of(bob.bareJid()));
        MultiUserChat bobRoom = bob.joinRoom(room, "bob");
        bobRoom.addParticipantListener(p -> {
            if (p.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                gatewayPresence.add(p);
            }
        });
        conference = JidCreate.from(room + "@" + server.componentDomain());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (aliceMedia != null) {
            aliceMedia.close();
        } else if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    @Test
    void withNoTrustedRecordersRecordingIsRefusedAndNoRecorderIsAsked() throws Exception {
        FakeRecorder recorder = recorder("rec1");
        startGateway(Map.of());
        aliceCalls();
        IQ command = Commands.submit(alice, conference, "chorus:record", Map.of("action", "start", "recording_mode", "file"));
        assertThat(command.getType()).as(command.toXML().toString()).isEqualTo(IQ.Type.error);
        assertThat(command.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        assertThat(command.getError().getDescriptiveText()).contains("chorus.recording.recorders is empty");
        IQ jibri = jibri(alice, "start", null);
        assertThat(jibri.getType()).isEqualTo(IQ.Type.error);
        assertThat(jibri.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        assertThat(jibri.getError().getDescriptiveText()).contains("chorus.recording.recorders is empty");
        Thread.sleep(1_000);
        assertThat(recorder.requests).as("requests that reached the brewery occupant").isEmpty();
    }

    @Test
    void aMissingBreweryIsNotCreatedAndIsJoinedOnceItExists() throws Exception {
        startGateway(Map.of("chorus.recording.recorders", List.of(server.domain()),
                "chorus.muc.missing-room-retry", "2s"));
        Thread.sleep(3_000);
        Jid brewery = JidCreate.from(breweryRoom + "@" + server.mucDomain());
        IQ info = disco(bob, brewery);
        assertThat(info.getType()).as("disco#info on the brewery: " + info.toXML()).isEqualTo(IQ.Type.error);
        assertThat(info.getError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
        // once an administrator creates it, the gateway joins it
        XmppTestClient keeper = XmppTestClient.connectNewUser(server, "keeper");
        open.add(keeper);
        MultiUserChat kept = keeper.createRoom(breweryRoom, "keeper", form -> form.setAnswer("muc#roomconfig_whois", "anyone"));
        await("the gateway joins the brewery").atMost(Duration.ofSeconds(30))
                .until(() -> kept.getOccupants().stream().anyMatch(o -> o.getResourceOrEmpty().toString().equals("Call")));
    }

    @Test
    void aStreamToLoopbackOrAPrivateAddressIsRefusedWithoutStreamHosts() throws Exception {
        FakeRecorder recorder = recorder("rec1");
        startGateway(Map.of("chorus.recording.recorders", List.of(server.domain())));
        aliceCalls();
        for (String url : List.of("rtmp://127.0.0.1/live/key", "rtmp://localhost:1935/live/key",
                "rtmps://10.1.2.3/live/key", "rtmp://[::1]/live/key", "rtmp://192.168.1.10/x", "rtmp://169.254.1.1/x")) {
            IQ refused = Commands.submit(alice, conference, "chorus:record",
                    Map.of("action", "start", "recording_mode", "stream", "stream_url", url));
            assertThat(refused.getType()).as(url + ": " + refused.toXML()).isEqualTo(IQ.Type.error);
            assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
            assertThat(refused.getError().getDescriptiveText()).contains("stream_url");
        }
        IQ jibri = jibri(alice, "start", "rtmp://127.0.0.1/live/key");
        assertThat(jibri.getType()).isEqualTo(IQ.Type.error);
        assertThat(jibri.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
        assertThat(jibri.getError().getDescriptiveText()).contains("streamid");
        assertThat(recorder.requests).as("requests that reached the recorder").isEmpty();
    }

    @Test
    void theStopAnswerCarriesTheSessionId() throws Exception {
        FakeRecorder recorder = recorder("rec1");
        startGateway(Map.of("chorus.recording.recorders", List.of(server.domain())));
        aliceCalls();
        JibriIq started = (JibriIq) jibri(alice, "start", null);
        assertThat(started.getSessionId()).isNotBlank();
        await("the recorder is asked").atMost(FakeRecorder.patience())
                .until(() -> !recorder.requests(JibriIq.Action.START).isEmpty());
        IQ stopped = jibri(alice, "stop", null);
        assertThat(stopped.getType()).isEqualTo(IQ.Type.result);
        assertThat(((JibriIq) stopped).getSessionId()).as(stopped.toXML().toString()).isEqualTo(started.getSessionId());
    }

    // --- helpers ---

    private void startGateway(Map<String, Object> extra) throws Exception {
        Map<String, Object> overrides = new java.util.HashMap<>(extra);
        overrides.put("chorus.recording.brewery", breweryRoom + "@" + server.mucDomain());
        open.add(0, GatewayTestAccess.start(server, List.of(room), overrides));
        await("gateway in the room").atMost(Duration.ofSeconds(10)).until(() -> !gatewayPresence.isEmpty());
    }

    /** A fake recorder that creates the brewery (as an administrator would) and sits in it. */
    private FakeRecorder recorder(String name) throws Exception {
        XmppTestClient xmpp = XmppTestClient.connectNewUser(server, name);
        MultiUserChat brewery = xmpp.createRoom(breweryRoom, name, form -> form.setAnswer("muc#roomconfig_whois", "anyone"));
        FakeRecorder recorder = new FakeRecorder(xmpp, ClientMedia.loopback(), brewery);
        open.add(recorder);
        recorder.announce(true, true);
        return recorder;
    }

    private void aliceCalls() throws Exception {
        aliceMedia = new MediaParticipant(alice, ClientMedia.loopback());
        aliceMedia.join(conference);
        await("the call").atMost(Duration.ofSeconds(10)).until(() -> gatewayPresence.stream()
                .anyMatch(p -> p.toXML().toString().contains("recording=")));
    }

    private IQ jibri(XmppTestClient from, String action, String streamUrl) {
        JibriIq iq = new JibriIq();
        iq.setType(IQ.Type.set);
        iq.setTo(conference);
        iq.setAction("start".equals(action) ? JibriIq.Action.START : JibriIq.Action.STOP);
        if ("start".equals(action)) {
            iq.setRecordingMode(streamUrl == null ? JibriIq.RecordingMode.FILE : JibriIq.RecordingMode.STREAM);
            if (streamUrl != null) {
                iq.setStreamId(streamUrl);
            }
        }
        return from.sendIqAndWait(iq);
    }

    private static IQ disco(XmppTestClient from, Jid to) {
        DiscoverInfo info = new DiscoverInfo();
        info.setType(IQ.Type.get);
        info.setTo(to);
        return from.sendIqAndWait(info);
    }
}
