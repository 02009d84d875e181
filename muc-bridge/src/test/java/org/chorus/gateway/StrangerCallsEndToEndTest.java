package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * Anyone on the federation can send a call to any conference JID (PROTOCOL.md §3). What a stranger
 * can make the gateway do with that is bounded: rooms on services the operator did not allow are
 * never contacted, rooms looked at for a refused call are left again, and a room is only told why it
 * cannot carry calls when one of its own occupants tried.
 */
class StrangerCallsEndToEndTest {
    private static final String OTHER_MUC = "elsewhere.localhost";

    @RegisterExtension
    static final ProsodyExtension PROSODY = new ProsodyExtension(ProsodyServer.Options.builder()
            .extraGlobalConfig("Component \"" + OTHER_MUC + "\" \"muc\"\n"
                    + "  admins = { \"" + ProsodyServer.Options.defaults().componentDomain() + "\" }\n"
                    + "  restrict_room_creation = false\n")
            .build());

    private final ProsodyServer server;
    private final List<AutoCloseable> open = new ArrayList<>();

    StrangerCallsEndToEndTest(ProsodyServer server) {
        this.server = server;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private XmppTestClient client(String name) {
        XmppTestClient c = XmppTestClient.connectNewUser(server, name);
        open.add(c);
        return c;
    }

    @Test
    void roomsOnAServiceThatIsNotAllowedAreNeverEntered() throws Exception {
        open.add(GatewayFixture.start(server, List.of()));
        XmppTestClient owner = client("owner");
        XmppTestClient stranger = client("stranger");
        List<MultiUserChat> rooms = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rooms.add(membersOnlyRoom(owner, "far" + i + "@" + OTHER_MUC));
        }

        for (int i = 0; i < 5; i++) {
            EntityBareJid conference = JidCreate.entityBareFrom("far" + i + "\\40" + OTHER_MUC + "@" + server.componentDomain());
            IQ answer = stranger.sendIqAndWait(RawIq.sessionInitiate(conference, null));
            assertThat(answer.getType()).isEqualTo(IQ.Type.error);
            assertThat(answer.getError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
        }
        Thread.sleep(1000);
        for (MultiUserChat room : rooms) {
            assertThat(gatewayIn(room)).as("the gateway in " + room.getRoom()).isFalse();
        }
    }

    @Test
    void aRoomEnteredOnlyToRefuseAStrangerIsLeftAgain() throws Exception {
        open.add(GatewayFixture.start(server, List.of(), Map.of("chorus.muc.on-demand-rooms.idle-timeout", "4s")));
        XmppTestClient owner = client("owner");
        XmppTestClient stranger = client("stranger");
        List<MultiUserChat> rooms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rooms.add(membersOnlyRoom(owner, "near" + i + "@" + server.mucDomain()));
        }

        for (int i = 0; i < 3; i++) {
            EntityBareJid conference = JidCreate.entityBareFrom("near" + i + "@" + server.componentDomain());
            IQ answer = stranger.sendIqAndWait(RawIq.sessionInitiate(conference, null));
            assertThat(answer.getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
        }
        for (MultiUserChat room : rooms) {
            await("the gateway leaves " + room.getRoom()).atMost(Duration.ofSeconds(10))
                    .until(() -> !gatewayIn(room));
        }
    }

    @Test
    void anOpenRoomHearsNothingOfAStrangersCall() throws Exception {
        open.add(GatewayFixture.start(server, List.of()));
        XmppTestClient owner = client("owner");
        XmppTestClient stranger = client("stranger");
        MultiUserChat room = owner.createOpenRoom("lobby", "owner");
        List<Message> fromGateway = new CopyOnWriteArrayList<>();
        room.addMessageListener(m -> {
            if (m.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                fromGateway.add(m);
            }
        });

        IQ answer = stranger.sendIqAndWait(RawIq.sessionInitiate(
                JidCreate.entityBareFrom("lobby@" + server.componentDomain()), null));
        assertThat(answer.getError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
        Thread.sleep(1500);
        assertThat(fromGateway).isEmpty();

        // an occupant who tries is told, in the room
        XmppTestClient visitor = client("visitor");
        visitor.joinRoom("lobby", "visitor");
        IQ again = visitor.sendIqAndWait(RawIq.sessionInitiate(
                JidCreate.entityBareFrom("lobby@" + server.componentDomain()), null));
        assertThat(again.getError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
        await().atMost(Duration.ofSeconds(5)).until(() -> !fromGateway.isEmpty());
        assertThat(fromGateway.get(0).getBody()).contains("members-only");
    }

    private MultiUserChat membersOnlyRoom(XmppTestClient owner, String bareJid) throws Exception {
        EntityBareJid jid = JidCreate.entityBareFrom(bareJid);
        MultiUserChat muc = MultiUserChatManager.getInstanceFor(owner.connection()).getMultiUserChat(jid);
        muc.create(Resourcepart.from("owner"));
        var form = muc.getConfigurationForm().getFillableForm();
        form.setAnswer("muc#roomconfig_membersonly", true);
        form.setAnswer("muc#roomconfig_whois", "anyone");
        form.setAnswer("muc#roomconfig_persistentroom", true);
        muc.sendConfigurationForm(form);
        return muc;
    }

    private static boolean gatewayIn(MultiUserChat room) {
        return room.getOccupants().stream().anyMatch(o -> o.getResourceOrEmpty().toString().startsWith("Call"));
    }
}
