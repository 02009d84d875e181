package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chorus.gateway.Calls.jid;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A member's own propose, seen by plain Smack occupants of the room: the gateway's propose with the
 * same id, the {@code <call>} presence, disco on the conference, and the no-show end with its
 * retraction (PROTOCOL.md §2, §4).
 */
@ExtendWith(ProsodyExtension.class)
class CallAnnouncementEndToEndTest {
    private static final String N = "urn:xmpp:jingle-muc-message:0";

    @Test
    void aMembersProposeIsAdoptedAnnouncedAndEndsAsNoShow(ProsodyServer server) throws Exception {
        try (XmppTestClient alice = XmppTestClient.connectNewUser(server, "alice");
                XmppTestClient bob = XmppTestClient.connectNewUser(server, "bob");
                XmppTestClient carol = XmppTestClient.connectNewUser(server, "carol")) {
            MultiUserChat aliceRoom = alice.createMembersOnlyRoom("team", "alice", List.of(bob.bareJid()));
            MultiUserChat bobRoom = bob.joinRoom("team", "bob");
            List<Message> fromGateway = new CopyOnWriteArrayList<>();
            List<Presence> gatewayPresence = new CopyOnWriteArrayList<>();
            bobRoom.addMessageListener(m -> {
                if (m.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                    fromGateway.add(m);
                }
            });
            bobRoom.addParticipantListener(p -> {
                if (p.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                    gatewayPresence.add(p);
                }
            });
            try (GatewayFixture gateway = GatewayFixture.start(server, List.of("team"),
                    Map.of("chorus.calls.no-show-timeout", "3s"))) {
                String conference = "team@" + server.componentDomain();
                await().atMost(Duration.ofSeconds(10)).until(() -> !gatewayPresence.isEmpty());

                String callId = UUID.randomUUID().toString();
                Message propose = aliceRoom.buildMessage()
                        .addExtension(StandardExtensionElement.builder("propose", N).addAttribute("id", callId).build())
                        .build();
                aliceRoom.sendMessage(propose.asBuilder());

                // the gateway's propose, with the member's id
                Message announced = await().atMost(Duration.ofSeconds(10))
                        .until(() -> find(fromGateway, "propose"), Optional::isPresent).get();
                String xml = announced.toXML().toString();
                assertThat(attr(xml, "propose", "id")).isEqualTo(callId);
                assertThat(attr(xml, "propose", "jid")).isEqualTo(conference);
                assertThat(attr(xml, "propose", "initiator")).isEqualTo(alice.bareJid().toString());
                assertThat(announced.getBody()).isEqualTo("alice started a call. Join it: " + conference);
                assertThat(xml).contains("urn:xmpp:call-invites:0").contains("urn:xmpp:hints")
                        .contains("media='audio'").contains("media='video'");
                String stanzaId = attr(xml, "stanza-id", "id");
                assertThat(stanzaId).as("the room stamps stanza-ids (mod_muc_mam)").isNotBlank();

                // late joiners learn of the call from the gateway's presence
                await().atMost(Duration.ofSeconds(5)).until(() -> last(gatewayPresence).getExtensionElement("call", N) != null);
                assertThat(last(gatewayPresence).getExtensionElement("call", N).toXML().toString())
                        .contains("id='" + callId + "'").contains("jid='" + conference + "'").contains("recording='off'");

                // disco: the call's id on the conference JID; the domain's items list it for members only
                DiscoverInfo info = bob.discoverInfo(jid(conference));
                assertThat(DataForm.from(info, "urn:xmpp:jingle:av-conferences:0#info").getField("call_id").getFirstValue())
                        .isEqualTo(callId);
                assertThat(items(bob, server)).containsExactly(conference);
                assertThat(items(carol, server)).isEmpty();

                // nobody joins: the call ends as a no-show and the invite is retracted
                Message ended = await().atMost(Duration.ofSeconds(10))
                        .until(() -> find(fromGateway, "ended"), Optional::isPresent).get();
                String endedXml = ended.toXML().toString();
                assertThat(attr(endedXml, "ended", "id")).isEqualTo(callId);
                assertThat(attr(endedXml, "ended", "reason")).isEqualTo("no-show");
                assertThat(attr(endedXml, "ended", "duration")).matches("[0-9]+");
                assertThat(attr(endedXml, "retract", "id")).isEqualTo(stanzaId);
                assertThat(ended.getBody()).contains("Call ended");
                await().atMost(Duration.ofSeconds(5)).until(() -> last(gatewayPresence).getExtensionElement("call", N) == null);
                assertThat(DataForm.from(bob.discoverInfo(jid(conference)), "urn:xmpp:jingle:av-conferences:0#info")
                        .getField("call_id").getFirstValue()).isNullOrEmpty();
                assertThat(fromGateway).filteredOn(m -> m.getExtensionElement("accept", N) != null).isEmpty();
            }
        }
    }

    private static List<String> items(XmppTestClient client, ProsodyServer server) {
        DiscoverItems request = new DiscoverItems();
        request.setTo(jid(server.componentDomain()));
        request.setType(IQ.Type.get);
        IQ answer = client.sendIqAndWait(request);
        return ((DiscoverItems) answer).getItems().stream().map(i -> i.getEntityID().toString()).toList();
    }

    private static Optional<Message> find(List<Message> messages, String element) {
        return messages.stream().filter(m -> m.getExtensionElement(element, N) != null).findFirst();
    }

    private static Presence last(List<Presence> presences) {
        return presences.get(presences.size() - 1);
    }

    /** An attribute of the first element with that name in the XML, or null. */
    private static String attr(String xml, String element, String attribute) {
        Matcher m = Pattern.compile("<" + element + "\\b[^>]*?\\b" + attribute + "=['\"]([^'\"]*)['\"]").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

}
