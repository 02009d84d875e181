package org.chorus.media;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jxmpp.jid.EntityBareJid;

/**
 * A members-only room for the tests of recording: its owner (who may record), one member who is
 * neither owner nor admin, and a brewery for recorders. The gateway is bound to the room and uses
 * the brewery ({@link #startGateway}); {@link FakeRecorder}s sit in the brewery; what the gateway
 * says in the room is watched by a {@link TestRoom}. Closing it closes the gateway first, then the
 * recorders and the rest in the order they came, then the owner's call.
 */
final class RecordingRoom implements AutoCloseable {
    private static final String JIBRI = "http://jitsi.org/protocol/jibri";

    /** The owner, who may record. */
    final XmppTestClient owner;
    /** A member, who may not record. */
    final XmppTestClient member;
    /** The room's name on the MUC service, and the conference JID it has on the gateway. */
    final String name;
    final EntityBareJid conference;
    final String breweryRoom;
    private final CallFixture calls;
    private final TestRoom room;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private MediaParticipant ownerMedia;

    private RecordingRoom(CallFixture calls, TestRoom room, String breweryRoom) {
        this.calls = calls;
        this.room = room;
        this.owner = room.owner;
        this.member = room.member(0).xmpp;
        this.name = room.name;
        this.conference = room.conference;
        this.breweryRoom = breweryRoom;
    }

    /**
     * Creates a room with member "bob" (and no gateway yet), named {@code roomPrefix} and a number
     * new to the test class, and names its brewery {@code breweryPrefix} and the same number; the
     * room is closed after the test.
     */
    static RecordingRoom create(CallFixture calls, String roomPrefix, String breweryPrefix) throws Exception {
        int n = calls.nextNumber();
        TestRoom room = calls.room(roomPrefix + n, "bob");
        return calls.add(new RecordingRoom(calls, room, breweryPrefix + n));
    }

    /** Starts a gateway bound to the room, with this brewery and {@code overrides}, and waits until it is in the room. */
    void startGateway(Map<String, Object> overrides) throws Exception {
        ProsodyServer server = calls.server();
        Map<String, Object> settings = new HashMap<>(overrides);
        settings.put("chorus.recording.brewery", breweryRoom + "@" + server.mucDomain());
        open.add(0, GatewayTestAccess.start(server, List.of(name), settings));
        await("gateway in the room").atMost(Duration.ofSeconds(10)).until(() -> !room.gatewayPresence.isEmpty());
    }

    /**
     * A fake recorder in the brewery, announcing itself idle and healthy: it creates the brewery (as an
     * administrator would) when {@code createBrewery}, or else joins it.
     */
    FakeRecorder recorder(String name, boolean createBrewery) throws Exception {
        XmppTestClient xmpp = XmppTestClient.connectNewUser(calls.server(), name);
        MultiUserChat brewery = createBrewery
                ? xmpp.createRoom(breweryRoom, name, form -> form.setAnswer("muc#roomconfig_whois", "anyone"))
                : xmpp.joinRoom(breweryRoom, name);
        FakeRecorder recorder = add(new FakeRecorder(xmpp, calls.media(), brewery));
        recorder.announce(true, true);
        return recorder;
    }

    /** The owner calls the conference and sends media; returns once the room's call presence is there. */
    MediaParticipant ownerCalls() throws Exception {
        ownerMedia = new MediaParticipant(owner, calls.media());
        ownerMedia.join(conference);
        await("call presence").atMost(Duration.ofSeconds(10)).until(() -> callAttribute("recording") != null);
        return ownerMedia;
    }

    /** A Jibri start (a file recording, or a stream to {@code streamUrl}) or stop, sent to the conference. */
    IQ jibri(XmppTestClient from, String action, String streamUrl) {
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

    /** The bodies of the gateway's messages in the room so far. */
    List<String> bodies() {
        return room.announcements.stream().map(Message::getBody).filter(b -> b != null).toList();
    }

    /** The gateway's latest {@code jibri-recording-status} in the room, as XML, or "". */
    String recordingStatus() {
        for (int i = room.gatewayPresence.size() - 1; i >= 0; i--) {
            ExtensionElement e = room.gatewayPresence.get(i).getExtensionElement("jibri-recording-status", JIBRI);
            if (e != null) {
                return e.toXML().toString();
            }
        }
        return "";
    }

    /** An attribute of the gateway's current {@code <call>} element in the room, or null. */
    String callAttribute(String name) {
        return room.callElement().map(call -> {
            Matcher m = Pattern.compile(name + "='([^']*)'").matcher(call);
            return m.find() ? m.group(1) : null;
        }).orElse(null);
    }

    /** Closes {@code closeable} with the room, after the gateway and what was added before. */
    <T extends AutoCloseable> T add(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (ownerMedia != null) {
            ownerMedia.close();
        }
    }
}
