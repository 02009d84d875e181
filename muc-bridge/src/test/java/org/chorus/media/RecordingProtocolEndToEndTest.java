package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chorus.gateway.Commands;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.packet.AdHocCommandData;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.xdata.FormField;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway as Jibri's focus (PROTOCOL.md §8, §10), against real Prosody, with scripted recorders
 * in the brewery that receive the call with the real media stack: who may start, what the room is
 * told and when, the call to the recorder, failover to a second recorder, the pending timeout, and
 * stop through the {@code chorus:record} command.
 */
@ExtendWith(ProsodyExtension.class)
class RecordingProtocolEndToEndTest {
    private static final String N = "urn:xmpp:jingle-muc-message:0";
    private static final String JIBRI = "http://jitsi.org/protocol/jibri";

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private final List<Message> roomMessages = new CopyOnWriteArrayList<>();
    private final List<Presence> gatewayPresence = new CopyOnWriteArrayList<>();
    private ProsodyServer server;
    private XmppTestClient alice;
    private XmppTestClient bob;
    private Jid conference;
    private MediaParticipant aliceMedia;
    private static final java.util.concurrent.atomic.AtomicInteger ROOMS = new java.util.concurrent.atomic.AtomicInteger();
    private String room;
    private String breweryRoom;

    @BeforeEach
    void setUp(ProsodyServer server) throws Exception {
        this.server = server;
        int n = ROOMS.incrementAndGet();
        room = "team" + n;
        breweryRoom = "recorders" + n;
        alice = XmppTestClient.connectNewUser(server, "alice");
        bob = XmppTestClient.connectNewUser(server, "bob");
        alice.createMembersOnlyRoom(room, "alice", List.of(bob.bareJid()));
        MultiUserChat bobRoom = bob.joinRoom(room, "bob");
        bobRoom.addMessageListener(m -> {
            if (m.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                roomMessages.add(m);
            }
        });
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

    private void startGateway(String pendingTimeout) throws Exception {
        open.add(0, GatewayTestAccess.start(server, List.of(room), Map.of(
                "chorus.recording.brewery", breweryRoom + "@" + server.mucDomain(),
                "chorus.recording.recorders", List.of(server.domain()),
                "chorus.recording.pending-timeout", pendingTimeout)));
        await("gateway in the room").atMost(Duration.ofSeconds(10)).until(() -> !gatewayPresence.isEmpty());
    }

    private FakeRecorder recorder(String name, boolean create) throws Exception {
        XmppTestClient xmpp = XmppTestClient.connectNewUser(server, name);
        MultiUserChat brewery = create
                ? xmpp.createRoom(breweryRoom, name, form -> form.setAnswer("muc#roomconfig_whois", "anyone"))
                : xmpp.joinRoom(breweryRoom, name);
        FakeRecorder recorder = new FakeRecorder(xmpp, ClientMedia.loopback(), brewery);
        open.add(recorder);
        recorder.announce(true, true);
        return recorder;
    }

    private void aliceCalls() throws Exception {
        aliceMedia = new MediaParticipant(alice, ClientMedia.loopback());
        aliceMedia.join(conference);
        await("call presence").atMost(Duration.ofSeconds(10)).until(() -> callAttribute("recording") != null);
    }

    private IQ jibri(XmppTestClient from, String action, String mode) {
        JibriIq iq = new JibriIq();
        iq.setType(IQ.Type.set);
        iq.setTo(conference);
        iq.setAction("start".equals(action) ? JibriIq.Action.START : JibriIq.Action.STOP);
        if (mode != null) {
            iq.setRecordingMode(JibriIq.RecordingMode.FILE);
        }
        return from.sendIqAndWait(iq);
    }

    @Test
    void ownersRecordTheRoomIsToldAndARecorderThatDiesIsReplaced() throws Exception {
        FakeRecorder first = recorder("rec1", true);
        startGateway("30s");
        FakeRecorder second = recorder("rec2", false);
        aliceCalls();

        // a member who is not an owner or admin is refused, and nothing reaches a recorder
        IQ refused = jibri(bob, "start", "file");
        assertThat(refused.getType()).isEqualTo(IQ.Type.error);
        assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
        assertThat(first.requests).isEmpty();
        assertThat(second.requests).isEmpty();

        // the owner starts: pending at once, the room is told before the recorder is called
        IQ started = jibri(alice, "start", "file");
        assertThat(started.getType()).isEqualTo(IQ.Type.result);
        assertThat(started.toXML().toString()).contains("status='pending'");
        await("start request").atMost(FakeRecorder.patience()).until(() -> !first.requests(JibriIq.Action.START).isEmpty());
        JibriIq start = first.requests(JibriIq.Action.START).get(0);
        assertThat(start.getFrom().asBareJid().toString()).isEqualTo(conference.toString());
        assertThat(start.getRecordingMode()).isEqualTo(JibriIq.RecordingMode.FILE);
        assertThat(start.getRoom().toString()).isEqualTo(room + "@" + server.mucDomain());
        assertThat(start.getAppData()).contains("\"conference\":\"" + conference + "\"").contains("\"layout\":\"tracks\"")
                .contains("\"attempt\":1").contains("file_recording_metadata");
        await("the recorder is called with alice's streams").atMost(FakeRecorder.patience())
                .until(() -> !first.sessions.isEmpty());
        assertThat(bodies()).as("the room heard of it before any media went to a recorder")
                .anyMatch(b -> b.startsWith("Recording starting (file)"));
        assertThat(second.requests).isEmpty();
        await("media reaches the recorder").atMost(FakeRecorder.patience()).until(() -> first.packets.get() > 50);
        assertThat(first.sessions.get(0).publisher().map(Object::toString)).contains(alice.bareJid().toString());
        assertThat(recordingStatus()).contains("status='pending'");
        assertThat(callAttribute("recording")).isEqualTo("file");

        // the recorder writes: on
        first.report(conference, start.getSessionId(), JibriIq.Status.ON, null, null);
        await("started").atMost(FakeRecorder.patience()).until(() -> bodies().contains("Recording started (file)"));
        await("status on").atMost(FakeRecorder.patience()).until(() -> recordingStatus().contains("status='on'"));
        assertThat(recordingStatus()).contains("session_id='" + start.getSessionId() + "'")
                .contains("recording_mode='file'").contains("initiator='" + alice.bareJid() + "'");

        // the recorder dies: the room is told and the second recorder takes over the same session
        first.xmpp.connection().instantShutdown();
        await("moved").atMost(FakeRecorder.patience())
                .until(() -> bodies().stream().anyMatch(b -> b.startsWith("Recording interrupted")));
        await("second start").atMost(FakeRecorder.patience()).until(() -> !second.requests(JibriIq.Action.START).isEmpty());
        JibriIq retry = second.requests(JibriIq.Action.START).get(0);
        assertThat(retry.getSessionId()).isEqualTo(start.getSessionId());
        assertThat(retry.getAppData()).contains("\"attempt\":2");
        await("the second recorder gets media").atMost(FakeRecorder.patience()).until(() -> second.packets.get() > 50);
        second.report(conference, retry.getSessionId(), JibriIq.Status.ON, null, null);
        await("continues").atMost(FakeRecorder.patience())
                .until(() -> bodies().stream().anyMatch(b -> b.startsWith("Recording continues (file)")));

        // bob may not stop it through the command either; alice stops it with chorus:record
        IQ denied = command(bob, "stop");
        assertThat(denied.getType()).isEqualTo(IQ.Type.error);
        assertThat(denied.getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
        IQ stopped = command(alice, "stop");
        assertThat(stopped.getType()).isEqualTo(IQ.Type.result);
        assertThat(((AdHocCommandData) stopped).getStatus()).isEqualTo(AdHocCommand.Status.completed);
        await("stopped").atMost(FakeRecorder.patience()).until(() -> bodies().contains("Recording stopped"));
        await("stop request").atMost(FakeRecorder.patience()).until(() -> !second.requests(JibriIq.Action.STOP).isEmpty());
        await("status off").atMost(FakeRecorder.patience()).until(() -> recordingStatus().contains("status='off'"));
        assertThat(callAttribute("recording")).isEqualTo("off");
        await("the recorder's sessions end").atMost(FakeRecorder.patience())
                .until(() -> second.sessions.stream().allMatch(s -> s.ended().isDone()));
    }

    @Test
    void aRecorderThatStaysPendingIsReplacedAndTheRecordingFailsWhenNoneIsLeft() throws Exception {
        FakeRecorder first = recorder("rec1", true);
        startGateway("2s");
        FakeRecorder second = recorder("rec2", false);
        aliceCalls();
        IQ started = jibri(alice, "start", "file");
        assertThat(started.getType()).isEqualTo(IQ.Type.result);
        await("second tried").atMost(FakeRecorder.patience()).until(() -> !second.requests(JibriIq.Action.START).isEmpty());
        assertThat(first.requests(JibriIq.Action.STOP)).as("the first one is told to stop").isNotEmpty();
        await("failed").atMost(FakeRecorder.patience())
                .until(() -> bodies().stream().anyMatch(b -> b.startsWith("Recording failed")));
        await("status off").atMost(FakeRecorder.patience()).until(() -> recordingStatus().contains("status='off'"));
        assertThat(callAttribute("recording")).isEqualTo("off");
        assertThat(bodies()).noneMatch(b -> b.startsWith("Recording started"));
    }

    @Test
    void theRecordCommandOffersItsFormToOwnersOnly() throws Exception {
        recorder("rec1", true);
        startGateway("30s");
        // listed for the owner, not for a plain member
        assertThat(commandNodes(alice)).contains("chorus:record");
        assertThat(commandNodes(bob)).doesNotContain("chorus:record");
        // executing without a form gives the form
        AdHocCommandData execute = new AdHocCommandData();
        execute.setType(IQ.Type.set);
        execute.setTo(conference);
        execute.setNode("chorus:record");
        execute.setAction(AdHocCommand.Action.execute);
        AdHocCommandData form = (AdHocCommandData) alice.sendIqAndWait(execute);
        assertThat(form.getStatus()).isEqualTo(AdHocCommand.Status.executing);
        assertThat(form.getForm().getFields()).extracting(FormField::getFieldName)
                .contains("action", "recording_mode", "recording_layout", "stream_url");
        // without a call there is nothing to record; a bad value names its field
        IQ noCall = command(alice, "start");
        assertThat(noCall.getError().getCondition()).isEqualTo(StanzaError.Condition.unexpected_request);
        IQ bad = submit(alice, Map.of("action", "start", "recording_mode", "tape"));
        assertThat(bad.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
        assertThat(bad.getError().getDescriptiveText()).contains("recording_mode");
        IQ noUrl = submit(alice, Map.of("action", "start", "recording_mode", "stream"));
        assertThat(noUrl.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
        assertThat(noUrl.getError().getDescriptiveText()).contains("stream_url");
    }

    // --- helpers ---

    private IQ command(XmppTestClient from, String action) {
        return submit(from, Map.of("action", action, "recording_mode", "file"));
    }

    private IQ submit(XmppTestClient from, Map<String, String> values) {
        return Commands.submit(from, conference, "chorus:record", values);
    }

    private List<String> commandNodes(XmppTestClient who) {
        DiscoverItems items = new DiscoverItems();
        items.setType(IQ.Type.get);
        items.setTo(conference);
        items.setNode("http://jabber.org/protocol/commands");
        IQ answer = who.sendIqAndWait(items);
        return ((DiscoverItems) answer).getItems().stream().map(DiscoverItems.Item::getNode).toList();
    }

    private List<String> bodies() {
        return roomMessages.stream().map(Message::getBody).filter(b -> b != null).toList();
    }

    private String recordingStatus() {
        for (int i = gatewayPresence.size() - 1; i >= 0; i--) {
            ExtensionElement e = gatewayPresence.get(i).getExtensionElement("jibri-recording-status", JIBRI);
            if (e != null) {
                return e.toXML().toString();
            }
        }
        return "";
    }

    private String callAttribute(String name) {
        if (gatewayPresence.isEmpty()) {
            return null;
        }
        ExtensionElement call = gatewayPresence.get(gatewayPresence.size() - 1).getExtensionElement("call", N);
        if (call == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + "='([^']*)'").matcher(call.toXML().toString());
        return m.find() ? m.group(1) : null;
    }
}
