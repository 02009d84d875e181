package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.chorus.gateway.Commands;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who the gateway lets record, against real Prosody: nobody while chorus.recording.recorders is
 * empty, never a brewery the gateway would have to create, and streams only to allowed hosts.
 */
@ExtendWith(ProsodyExtension.class)
class RecordingTrustEndToEndTest {
    @RegisterExtension
    final CallFixture calls;
    private RecordingRoom room;

    RecordingTrustEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @BeforeEach
    void setUp() throws Exception {
        room = RecordingRoom.create(calls, "trust", "trustrecorders");
    }

    @Test
    void withNoTrustedRecordersRecordingIsRefusedAndNoRecorderIsAsked() throws Exception {
        XmppTestClient alice = room.owner;
        FakeRecorder recorder = room.recorder("rec1", true);
        room.startGateway(Map.of());
        room.ownerCalls();
        IQ command = Commands.submit(alice, room.conference, "chorus:record", Map.of("action", "start", "recording_mode", "file"));
        assertThat(command.getType()).as(command.toXML().toString()).isEqualTo(IQ.Type.error);
        assertThat(command.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        assertThat(command.getError().getDescriptiveText()).contains("chorus.recording.recorders is empty");
        IQ jibri = room.jibri(alice, "start", null);
        assertThat(jibri.getType()).isEqualTo(IQ.Type.error);
        assertThat(jibri.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        assertThat(jibri.getError().getDescriptiveText()).contains("chorus.recording.recorders is empty");
        Thread.sleep(1_000);
        assertThat(recorder.requests).as("requests that reached the brewery occupant").isEmpty();
    }

    @Test
    void aMissingBreweryIsNotCreatedAndIsJoinedOnceItExists() throws Exception {
        XmppTestClient bob = room.member;
        room.startGateway(Map.of("chorus.recording.recorders", List.of(calls.server().domain()),
                "chorus.muc.missing-room-retry", "2s"));
        Thread.sleep(3_000);
        Jid brewery = JidCreate.from(room.breweryRoom + "@" + calls.server().mucDomain());
        IQ info = disco(bob, brewery);
        assertThat(info.getType()).as("disco#info on the brewery: " + info.toXML()).isEqualTo(IQ.Type.error);
        assertThat(info.getError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
        // once an administrator creates it, the gateway joins it
        XmppTestClient keeper = room.add(XmppTestClient.connectNewUser(calls.server(), "keeper"));
        MultiUserChat kept = keeper.createRoom(room.breweryRoom, "keeper", form -> form.setAnswer("muc#roomconfig_whois", "anyone"));
        await("the gateway joins the brewery").atMost(Duration.ofSeconds(30))
                .until(() -> kept.getOccupants().stream().anyMatch(o -> o.getResourceOrEmpty().toString().equals("Call")));
    }

    @Test
    void aStreamToLoopbackOrAPrivateAddressIsRefusedWithoutStreamHosts() throws Exception {
        XmppTestClient alice = room.owner;
        FakeRecorder recorder = room.recorder("rec1", true);
        room.startGateway(Map.of("chorus.recording.recorders", List.of(calls.server().domain())));
        room.ownerCalls();
        for (String url : List.of("rtmp://127.0.0.1/live/key", "rtmp://localhost:1935/live/key",
                "rtmps://10.1.2.3/live/key", "rtmp://[::1]/live/key", "rtmp://192.168.1.10/x", "rtmp://169.254.1.1/x")) {
            IQ refused = Commands.submit(alice, room.conference, "chorus:record",
                    Map.of("action", "start", "recording_mode", "stream", "stream_url", url));
            assertThat(refused.getType()).as(url + ": " + refused.toXML()).isEqualTo(IQ.Type.error);
            assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
            assertThat(refused.getError().getDescriptiveText()).contains("stream_url");
        }
        IQ jibri = room.jibri(alice, "start", "rtmp://127.0.0.1/live/key");
        assertThat(jibri.getType()).isEqualTo(IQ.Type.error);
        assertThat(jibri.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
        assertThat(jibri.getError().getDescriptiveText()).contains("streamid");
        assertThat(recorder.requests).as("requests that reached the recorder").isEmpty();
    }

    @Test
    void theStopAnswerCarriesTheSessionId() throws Exception {
        XmppTestClient alice = room.owner;
        FakeRecorder recorder = room.recorder("rec1", true);
        room.startGateway(Map.of("chorus.recording.recorders", List.of(calls.server().domain())));
        room.ownerCalls();
        JibriIq started = (JibriIq) room.jibri(alice, "start", null);
        assertThat(started.getSessionId()).isNotBlank();
        await("the recorder is asked").atMost(FakeRecorder.patience())
                .until(() -> !recorder.requests(JibriIq.Action.START).isEmpty());
        IQ stopped = room.jibri(alice, "stop", null);
        assertThat(stopped.getType()).isEqualTo(IQ.Type.result);
        assertThat(((JibriIq) stopped).getSessionId()).as(stopped.toXML().toString()).isEqualTo(started.getSessionId());
    }

    // --- helpers ---

    private static IQ disco(XmppTestClient from, Jid to) {
        DiscoverInfo info = new DiscoverInfo();
        info.setType(IQ.Type.get);
        info.setTo(to);
        return from.sendIqAndWait(info);
    }
}
