package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Real media through the real gateway: Java clients call the conference JID of a room on a real
 * Prosody, and each must receive every other participant's audio and video, decrypted, attributed
 * by COIN to the right member, and never its own (PROTOCOL.md §5, §6).
 */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaEndToEndTest {
    private final ProsodyServer server;
    private ClientMedia media;
    private AutoCloseable gateway;
    private final List<MediaParticipant> participants = new ArrayList<>();
    private XmppTestClient owner;

    MediaEndToEndTest(ProsodyServer server) {
        this.server = server;
    }

    @BeforeAll
    void setUp() throws Exception {
        media = ClientMedia.loopback();
        owner = XmppTestClient.connectNewUser(server, "owner");
        gateway = GatewayTestAccess.start(server, List.of());
    }

    @AfterAll
    void tearDown() throws Exception {
        for (MediaParticipant p : participants) {
            p.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        owner.close();
        media.close();
    }

    private List<MediaParticipant> membersIn(String room, String... names) throws Exception {
        List<XmppTestClient> clients = new ArrayList<>();
        for (String n : names) {
            clients.add(XmppTestClient.connectNewUser(server, n));
        }
        owner.createMembersOnlyRoom(room, "owner", clients.stream().map(XmppTestClient::bareJid).toList());
        List<MediaParticipant> result = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            clients.get(i).joinRoom(room, names[i]);
            MediaParticipant p = new MediaParticipant(clients.get(i), media);
            participants.add(p);
            result.add(p);
        }
        return result;
    }

    @Test
    void threeMembersEachReceiveTheOtherTwoAndNeverThemselves() throws Exception {
        List<MediaParticipant> three = membersIn("trio", "alice", "bob", "carol");
        var conference = JidCreate.bareFrom("trio@" + server.componentDomain());
        for (MediaParticipant p : three) {
            p.join(conference);
        }
        for (MediaParticipant p : three) {
            Set<String> others = three.stream().filter(o -> o != p).map(o -> o.name).collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, MediaParticipant.Received> byPublisher = receivedByPublisher(p);
                assertThat(byPublisher.keySet()).as(p.name + " receives streams from").isEqualTo(others);
                for (var e : byPublisher.entrySet()) {
                    assertThat(e.getValue().packets.get()).as(p.name + " from " + e.getKey()).isGreaterThan(20);
                    assertThat(e.getValue().payloadTypes).as("audio and video from " + e.getKey())
                            .contains(MediaParticipant.AUDIO_PT, MediaParticipant.VIDEO_PT);
                }
            });
            for (var e : receivedByPublisher(p).entrySet()) {
                assertThat(e.getValue().senders).as("the payload's sender matches the COIN user").containsExactly(e.getKey());
                assertThat(e.getValue().malformed.get()).isZero();
            }
            assertThat(receivedByPublisher(p)).doesNotContainKey(p.name);
        }
    }

    /** Packets received per publisher, as COIN names it. */
    private static Map<String, MediaParticipant.Received> receivedByPublisher(MediaParticipant p) {
        return p.sessions.values().stream()
                .filter(s -> p.bySid.containsKey(s.sid()) && p.bySid.get(s.sid()).packets.get() > 0)
                .collect(Collectors.toMap(MediaParticipant::publisherOf, s -> p.bySid.get(s.sid()), (a, b) -> a));
    }

}
