package org.chorus.recorder;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jitsi.xmpp.extensions.jibri.JibriIqProvider;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The real parts of a recording test: Prosody (from the test's extension), a members-only room
 * with an owner (alice) and members, the brewery, the gateway in this JVM, recorder processes, and
 * participants that send marked A/V. It hears what the gateway says in the room.
 */
final class RecordingRig implements AutoCloseable {
    private static final AtomicInteger ROOMS = new AtomicInteger();

    final ProsodyServer server;
    final String room;
    final String brewery;
    final Jid conference;
    final Path recordings;
    final XmppTestClient alice;
    final XmppTestClient bob;
    final XmppTestClient carol;
    final List<Message> said = new CopyOnWriteArrayList<>();
    /** Presences the brewery's keeper saw, in order: what the gateway sees of the recorders. */
    final List<org.jivesoftware.smack.packet.Presence> breweryPresences = new CopyOnWriteArrayList<>();
    /** A second members-only room (alice owner, bob member) that the gateway also serves, or null. */
    final String room2;
    final Jid conference2;
    private final Map<Message, Long> heard = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ClientMedia media;

    RecordingRig(ProsodyServer server) throws Exception {
        this(server, false);
    }

    /** With {@code twoRooms}, the gateway serves a second room too ({@link #room2}). */
    RecordingRig(ProsodyServer server, boolean twoRooms) throws Exception {
        this.server = server;
        int n = ROOMS.incrementAndGet();
        room = "meeting" + n;
        brewery = "recorders" + n;
        recordings = Files.createDirectories(server.workDir().resolve("recordings-" + n));
        ProviderManager.addIQProvider(JibriIq.ELEMENT, JibriIq.NAMESPACE, new JibriIqProvider());
        media = ClientMedia.loopback();
        alice = XmppTestClient.connectNewUser(server, "alice");
        bob = XmppTestClient.connectNewUser(server, "bob");
        carol = XmppTestClient.connectNewUser(server, "carol");
        alice.createMembersOnlyRoom(room, "alice", List.of(bob.bareJid(), carol.bareJid()));
        MultiUserChat listener = bob.joinRoom(room, "bob");
        listener.addMessageListener(m -> {
            if (m.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                heard.put(m, System.nanoTime());
                said.add(m);
            }
        });
        carol.joinRoom(room, "carol");
        room2 = twoRooms ? room + "b" : null;
        if (twoRooms) {
            alice.createMembersOnlyRoom(room2, "alice", List.of(bob.bareJid()));
            bob.joinRoom(room2, "bob");
        }
        // the brewery exists before the gateway joins it (as Jitsi deployments create it)
        XmppTestClient keeper = XmppTestClient.connectNewUser(server, "brewmaster");
        open.add(keeper);
        MultiUserChat kept = keeper.createRoom(brewery, "keeper", form -> {
            form.setAnswer("muc#roomconfig_whois", "anyone");
            form.setAnswer("muc#roomconfig_persistentroom", true);
        });
        kept.addParticipantListener(breweryPresences::add);
        conference = JidCreate.from(room + "@" + server.componentDomain());
        conference2 = twoRooms ? JidCreate.from(room2 + "@" + server.componentDomain()) : null;
        // the recorders' accounts are on the test server's domain; the RTMP server runs on loopback
        open.add(0, GatewayTestAccess.start(server, twoRooms ? List.of(room, room2) : List.of(room),
                Map.of("chorus.recording.brewery", brewery + "@" + server.mucDomain(),
                        "chorus.recording.recorders", List.of(server.domain()),
                        "chorus.recording.stream-hosts", List.of("127.0.0.1"))));
        await("the gateway is in the room").atMost(Duration.ofSeconds(15))
                .until(() -> listener.getOccupants().stream().anyMatch(o -> o.getResourceOrEmpty().toString().equals("Call")));
    }

    RecorderProcess recorder(String name, Map<String, String> extra) throws Exception {
        RecorderProcess recorder = RecorderProcess.start(server, brewery + "@" + server.mucDomain(), recordings, name, extra);
        open.add(0, recorder);
        return recorder;
    }

    AvParticipant join(XmppTestClient who) throws Exception {
        return join(who, conference);
    }

    AvParticipant join(XmppTestClient who, Jid to) throws Exception {
        AvParticipant p = new AvParticipant(who, media);
        return p.join(to);
    }

    /** Sends Jitsi's {@code <jibri>} request; returns the answer. */
    IQ jibri(XmppTestClient from, JibriIq.Action action, JibriIq.RecordingMode mode, String streamId) {
        return jibri(conference, from, action, mode, streamId);
    }

    /** Sends Jitsi's {@code <jibri>} request to a conference; returns the answer. */
    IQ jibri(Jid to, XmppTestClient from, JibriIq.Action action, JibriIq.RecordingMode mode, String streamId) {
        JibriIq iq = new JibriIq();
        iq.setType(IQ.Type.set);
        iq.setTo(to);
        iq.setAction(action);
        if (mode != null) {
            iq.setRecordingMode(mode);
        }
        if (streamId != null) {
            iq.setStreamId(streamId);
        }
        return from.sendIqAndWait(iq);
    }

    List<String> bodies() {
        return said.stream().map(Message::getBody).filter(b -> b != null).toList();
    }

    void awaitSaid(String prefix, Duration within) {
        await("the room hears '" + prefix + "'").atMost(within)
                .until(() -> bodies().stream().anyMatch(b -> b.startsWith(prefix)));
    }

    /** When the room first said something starting with {@code prefix} (System.nanoTime()). */
    long heardAt(String prefix) {
        return said.stream().filter(m -> m.getBody() != null && m.getBody().startsWith(prefix)).findFirst()
                .map(heard::get).orElseThrow(() -> new AssertionError("the room never said " + prefix));
    }

    /** The session folder: {@code <recordings>/<room>/<session id>/}. */
    Path folder(String sessionId) {
        return folder(room, sessionId);
    }

    /** The session folder of a recording of the named room. */
    Path folder(String roomName, String sessionId) {
        return recordings.resolve(roomName + "@" + server.mucDomain()).resolve(sessionId);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        alice.close();
        bob.close();
        carol.close();
        media.close();
    }
}
