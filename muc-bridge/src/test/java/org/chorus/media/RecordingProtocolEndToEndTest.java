package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import org.chorus.gateway.Commands;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.packet.AdHocCommandData;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.FormField;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway as Jibri's focus (PROTOCOL.md §8, §10), against real Prosody, with scripted recorders
 * in the brewery that receive the call with the real media stack: who may start, what the room is
 * told and when, the call to the recorder, failover to a second recorder, the pending timeout, and
 * stop through the {@code chorus:record} command.
 */
@ExtendWith(ProsodyExtension.class)
class RecordingProtocolEndToEndTest {
    @RegisterExtension
    final CallFixture calls;
    private RecordingRoom room;

    RecordingProtocolEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @BeforeEach
    void setUp() throws Exception {
        room = RecordingRoom.create(calls, "team", "recorders");
    }

    private void startGateway(String pendingTimeout) throws Exception {
        room.startGateway(Map.of("chorus.recording.recorders", List.of(calls.server().domain()),
                "chorus.recording.pending-timeout", pendingTimeout));
    }

    @Test
    void ownersRecordTheRoomIsToldAndARecorderThatDiesIsReplaced() throws Exception {
        XmppTestClient alice = room.owner;
        XmppTestClient bob = room.member;
        FakeRecorder first = room.recorder("rec1", true);
        startGateway("30s");
        FakeRecorder second = room.recorder("rec2", false);
        room.ownerCalls();

        // a member who is not an owner or admin is refused, and nothing reaches a recorder
        IQ refused = room.jibri(bob, "start", null);
        assertThat(refused.getType()).isEqualTo(IQ.Type.error);
        assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
        assertThat(first.requests).isEmpty();
        assertThat(second.requests).isEmpty();

        // the owner starts: pending at once, the room is told before the recorder is called
        IQ started = room.jibri(alice, "start", null);
        assertThat(started.getType()).isEqualTo(IQ.Type.result);
        assertThat(started.toXML().toString()).contains("status='pending'");
        await("start request").atMost(FakeRecorder.patience()).until(() -> !first.requests(JibriIq.Action.START).isEmpty());
        JibriIq start = first.requests(JibriIq.Action.START).get(0);
        assertThat(start.getFrom().asBareJid().toString()).isEqualTo(room.conference.toString());
        assertThat(start.getRecordingMode()).isEqualTo(JibriIq.RecordingMode.FILE);
        assertThat(start.getRoom().toString()).isEqualTo(room.name + "@" + calls.server().mucDomain());
        assertThat(start.getAppData()).contains("\"conference\":\"" + room.conference + "\"").contains("\"layout\":\"tracks\"")
                .contains("\"attempt\":1").contains("file_recording_metadata");
        await("the recorder is called with alice's streams").atMost(FakeRecorder.patience())
                .until(() -> !first.sessions.isEmpty());
        assertThat(room.bodies()).as("the room heard of it before any media went to a recorder")
                .anyMatch(b -> b.startsWith("Recording starting (file)"));
        assertThat(second.requests).isEmpty();
        await("media reaches the recorder").atMost(FakeRecorder.patience()).until(() -> first.packets.get() > 50);
        assertThat(first.sessions.get(0).publisher().map(Object::toString)).contains(alice.bareJid().toString());
        assertThat(room.recordingStatus()).contains("status='pending'");
        assertThat(room.callAttribute("recording")).isEqualTo("file");

        // the recorder writes: on
        first.report(room.conference, start.getSessionId(), JibriIq.Status.ON, null, null);
        await("started").atMost(FakeRecorder.patience()).until(() -> room.bodies().contains("Recording started (file)"));
        await("status on").atMost(FakeRecorder.patience()).until(() -> room.recordingStatus().contains("status='on'"));
        assertThat(room.recordingStatus()).contains("session_id='" + start.getSessionId() + "'")
                .contains("recording_mode='file'").contains("initiator='" + alice.bareJid() + "'");

        // the recorder dies: the room is told and the second recorder takes over the same session
        first.xmpp.connection().instantShutdown();
        await("moved").atMost(FakeRecorder.patience())
                .until(() -> room.bodies().stream().anyMatch(b -> b.startsWith("Recording interrupted")));
        await("second start").atMost(FakeRecorder.patience()).until(() -> !second.requests(JibriIq.Action.START).isEmpty());
        JibriIq retry = second.requests(JibriIq.Action.START).get(0);
        assertThat(retry.getSessionId()).isEqualTo(start.getSessionId());
        assertThat(retry.getAppData()).contains("\"attempt\":2");
        await("the second recorder gets media").atMost(FakeRecorder.patience()).until(() -> second.packets.get() > 50);
        second.report(room.conference, retry.getSessionId(), JibriIq.Status.ON, null, null);
        await("continues").atMost(FakeRecorder.patience())
                .until(() -> room.bodies().stream().anyMatch(b -> b.startsWith("Recording continues (file)")));

        // bob may not stop it through the command either; alice stops it with chorus:record
        IQ denied = command(bob, "stop");
        assertThat(denied.getType()).isEqualTo(IQ.Type.error);
        assertThat(denied.getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
        IQ stopped = command(alice, "stop");
        assertThat(stopped.getType()).isEqualTo(IQ.Type.result);
        assertThat(((AdHocCommandData) stopped).getStatus()).isEqualTo(AdHocCommand.Status.completed);
        await("stopped").atMost(FakeRecorder.patience()).until(() -> room.bodies().contains("Recording stopped"));
        await("stop request").atMost(FakeRecorder.patience()).until(() -> !second.requests(JibriIq.Action.STOP).isEmpty());
        await("status off").atMost(FakeRecorder.patience()).until(() -> room.recordingStatus().contains("status='off'"));
        assertThat(room.callAttribute("recording")).isEqualTo("off");
        await("the recorder's sessions end").atMost(FakeRecorder.patience())
                .until(() -> second.sessions.stream().allMatch(s -> s.ended().isDone()));
    }

    @Test
    void aRecorderThatStaysPendingIsReplacedAndTheRecordingFailsWhenNoneIsLeft() throws Exception {
        XmppTestClient alice = room.owner;
        FakeRecorder first = room.recorder("rec1", true);
        startGateway("2s");
        FakeRecorder second = room.recorder("rec2", false);
        room.ownerCalls();
        IQ started = room.jibri(alice, "start", null);
        assertThat(started.getType()).isEqualTo(IQ.Type.result);
        await("second tried").atMost(FakeRecorder.patience()).until(() -> !second.requests(JibriIq.Action.START).isEmpty());
        assertThat(first.requests(JibriIq.Action.STOP)).as("the first one is told to stop").isNotEmpty();
        await("failed").atMost(FakeRecorder.patience())
                .until(() -> room.bodies().stream().anyMatch(b -> b.startsWith("Recording failed")));
        await("status off").atMost(FakeRecorder.patience()).until(() -> room.recordingStatus().contains("status='off'"));
        assertThat(room.callAttribute("recording")).isEqualTo("off");
        assertThat(room.bodies()).noneMatch(b -> b.startsWith("Recording started"));
    }

    @Test
    void theRecordCommandOffersItsFormToOwnersOnly() throws Exception {
        XmppTestClient alice = room.owner;
        XmppTestClient bob = room.member;
        room.recorder("rec1", true);
        startGateway("30s");
        // listed for the owner, not for a plain member
        assertThat(commandNodes(alice)).contains("chorus:record");
        assertThat(commandNodes(bob)).doesNotContain("chorus:record");
        // executing without a form gives the form
        AdHocCommandData execute = new AdHocCommandData();
        execute.setType(IQ.Type.set);
        execute.setTo(room.conference);
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
        return Commands.submit(from, room.conference, "chorus:record", values);
    }

    private List<String> commandNodes(XmppTestClient who) {
        DiscoverItems items = new DiscoverItems();
        items.setType(IQ.Type.get);
        items.setTo(room.conference);
        items.setNode("http://jabber.org/protocol/commands");
        IQ answer = who.sendIqAndWait(items);
        return ((DiscoverItems) answer).getItems().stream().map(DiscoverItems.Item::getNode).toList();
    }
}
