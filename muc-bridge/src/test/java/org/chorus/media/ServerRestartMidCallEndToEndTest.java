package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.MUCInitialPresence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The XMPP server restarts in the middle of a call (PROTOCOL.md §7): media keeps flowing while it
 * is down, the gateway and the members reconnect, and the call goes on, still announced correctly.
 */
@ExtendWith(ProsodyExtension.class)
class ServerRestartMidCallEndToEndTest {
    private static final String N = "urn:xmpp:jingle-muc-message:0";

    @Test
    void mediaFlowsThroughARestartAndTheCallIsStillAnnouncedAfterwards(ProsodyServer server) throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try (ClientMedia media = ClientMedia.loopback()) {
            open.add(GatewayTestAccess.start(server, List.of(), Map.of("chorus.calls.rejoin-grace", "8s")));
            XmppTestClient owner = XmppTestClient.connectNewUser(server, "owner");
            open.add(owner);
            List<XmppTestClient> clients = new ArrayList<>();
            for (String n : List.of("alice", "bob", "carol")) {
                clients.add(XmppTestClient.connectNewUser(server, n));
            }
            owner.createMembersOnlyRoom("restart", "owner", clients.stream().map(XmppTestClient::bareJid).toList());
            List<MediaParticipant> people = new ArrayList<>();
            for (XmppTestClient c : clients) {
                MultiUserChatManager.getInstanceFor(c.connection()).setAutoJoinOnReconnect(true);
                c.joinRoom("restart", c.bareJid().getLocalpart().toString().split("-")[0]);
                MediaParticipant p = new MediaParticipant(c, media);
                open.add(p);
                people.add(p);
            }
            var conference = JidCreate.entityBareFrom("restart@" + server.componentDomain());
            for (MediaParticipant p : people) {
                p.join(conference);
            }
            for (MediaParticipant p : people) {
                await().atMost(Duration.ofSeconds(20)).until(() -> p.openSessionsByPublisher().size() == 2);
            }
            // every session is accepted and carries media before the server goes: a session-accept
            // still in flight when it stops could never be acknowledged
            for (MediaParticipant p : people) {
                for (MediaParticipant other : people) {
                    if (other != p) {
                        await().atMost(Duration.ofSeconds(20)).until(() -> p.packetsFrom(other.name) > 0);
                    }
                }
            }
            MediaParticipant alice = people.get(0);
            MediaParticipant bob = people.get(1);

            // the server goes away: media does not care
            server.stop();
            long fromBob = alice.packetsFrom(bob.name);
            await().atMost(Duration.ofSeconds(5)).until(() -> alice.packetsFrom(bob.name) > fromBob + 50);

            server.restart();
            // the members' clients come back: reconnect and enter the room again
            for (XmppTestClient c : clients) {
                c.connection().connect().login();
                String nick = c.bareJid().getLocalpart().toString().split("-")[0];
                c.connection().sendStanza(c.connection().getStanzaFactory().buildPresenceStanza()
                        .to(JidCreate.entityFullFrom("restart@" + server.mucDomain() + "/" + nick))
                        .addExtension(new MUCInitialPresence(null, -1, 0, -1, null))
                        .build());
            }
            XmppTestClient watcher = XmppTestClient.connectNewUser(server, "watcher");
            open.add(watcher);
            owner.close();
            XmppTestClient owner2 = XmppTestClient.connect(server, owner.bareJid().getLocalpart().toString(),
                    owner.connection().getConfiguration().getPassword().toString(), "again");
            open.add(owner2);
            var room = owner2.joinRoom("restart", "owner");
            List<Presence> gatewayPresence = new CopyOnWriteArrayList<>();
            List<Message> announcements = new CopyOnWriteArrayList<>();
            room.addParticipantListener(p -> {
                if (p.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                    gatewayPresence.add(p);
                }
            });
            room.addMessageListener(m -> {
                if (m.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                    announcements.add(m);
                }
            });

            // the gateway is back in the room, announcing the same call with its three participants
            await().atMost(Duration.ofSeconds(15)).until(() -> room.getOccupants().stream()
                    .anyMatch(o -> o.getResourceOrEmpty().toString().equals("Call")));
            // past the rejoin grace, nobody was dropped and everyone still receives everyone
            Thread.sleep(9000);
            for (MediaParticipant p : people) {
                assertThat(p.endedReasons).as(p.name + "'s receiving sessions").isEmpty();
                assertThat(p.sendingEnded).as(p.name + "'s sending session").isEmpty();
                for (MediaParticipant other : people) {
                    if (other != p) {
                        long before = p.packetsFrom(other.name);
                        await().atMost(Duration.ofSeconds(5)).until(() -> p.packetsFrom(other.name) > before + 20);
                    }
                }
            }
            owner2.connection().sendStanza(owner2.connection().getStanzaFactory().buildPresenceStanza()
                    .to(JidCreate.entityFullFrom("restart@" + server.mucDomain() + "/owner")).build());
            await().atMost(Duration.ofSeconds(5)).until(() -> !gatewayPresence.isEmpty());
            String call = gatewayPresence.get(gatewayPresence.size() - 1).getExtensionElement("call", N).toXML().toString();
            for (MediaParticipant p : people) {
                assertThat(call).contains("jid='" + p.name + "'");
            }
            assertThat(announcements).filteredOn(m -> m.getExtensionElement("ended", N) != null).isEmpty();
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }
}
