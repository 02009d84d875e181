package org.chorus.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A members-only room on a test Prosody, seen by its owner: the members as call participants
 * ({@link MediaParticipant}s, each already in the room), and what the gateway's occupant says there.
 */
final class TestRoom implements AutoCloseable {
    static final String N = "urn:xmpp:jingle-muc-message:0";

    final String name;
    final XmppTestClient owner;
    final MultiUserChat ownerView;
    final EntityBareJid conference;
    final List<MediaParticipant> members = new ArrayList<>();
    final List<Message> announcements = new CopyOnWriteArrayList<>();
    final List<Presence> gatewayPresence = new CopyOnWriteArrayList<>();

    private TestRoom(String name, XmppTestClient owner, MultiUserChat ownerView, EntityBareJid conference) {
        this.name = name;
        this.owner = owner;
        this.ownerView = ownerView;
        this.conference = conference;
    }

    /** Creates the room with a new owner account, makes new accounts {@code nicks} members, and lets them in. */
    static TestRoom create(ProsodyServer server, ClientMedia media, String room, String... nicks) throws Exception {
        return create(server, media, MediaParticipant.Video.SMALL, room, nicks);
    }

    /** As {@link #create(ProsodyServer, ClientMedia, String, String...)}, with members that send {@code video}. */
    static TestRoom create(ProsodyServer server, ClientMedia media, MediaParticipant.Video video, String room,
            String... nicks) throws Exception {
        XmppTestClient owner = XmppTestClient.connectNewUser(server, "owner");
        List<XmppTestClient> clients = new ArrayList<>();
        for (String n : nicks) {
            clients.add(XmppTestClient.connectNewUser(server, n));
        }
        MultiUserChat view = owner.createMembersOnlyRoom(room, "owner",
                clients.stream().map(XmppTestClient::bareJid).toList());
        TestRoom r = new TestRoom(room, owner, view, JidCreate.entityBareFrom(room + "@" + server.componentDomain()));
        view.addMessageListener(m -> {
            if (m.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                r.announcements.add(m);
            }
        });
        view.addParticipantListener(p -> {
            if (p.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                r.gatewayPresence.add(p);
            }
        });
        for (int i = 0; i < clients.size(); i++) {
            clients.get(i).joinRoom(room, nicks[i]);
            r.members.add(new MediaParticipant(clients.get(i), media, video));
        }
        return r;
    }

    MediaParticipant member(int i) {
        return members.get(i);
    }

    /** Every member calls the conference and sends media, one after the other. */
    void everyMemberCalls() throws Exception {
        for (MediaParticipant m : members) {
            m.join(conference);
        }
    }

    /** The first announcement carrying {@code element} (propose, accept, ended). */
    Optional<Message> find(String element) {
        return announcements.stream().filter(m -> m.getExtensionElement(element, N) != null).findFirst();
    }

    /** The gateway's current {@code <call>} element in the room, as XML, if any. */
    Optional<String> callElement() {
        if (gatewayPresence.isEmpty()) {
            return Optional.empty();
        }
        var call = gatewayPresence.get(gatewayPresence.size() - 1).getExtensionElement("call", N);
        return call == null ? Optional.empty() : Optional.of(call.toXML().toString());
    }

    @Override
    public void close() {
        for (MediaParticipant m : members) {
            m.close();
        }
        owner.close();
    }
}
