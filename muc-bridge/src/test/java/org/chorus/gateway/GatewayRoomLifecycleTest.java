package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chorus.gateway.Calls.errorOf;
import static org.chorus.gateway.Calls.jid;

import java.time.Duration;
import java.util.List;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.StanzaError.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Configured rooms that do not exist yet: the gateway waits for them and never creates them. */
@ExtendWith(ProsodyExtension.class)
class GatewayRoomLifecycleTest {

    @Test
    void aConfiguredRoomThatAppearsLaterIsJoinedAndNeverCreatedByTheGateway(ProsodyServer server) throws Exception {
        try (GatewayFixture gateway = GatewayFixture.start(server, List.of("later"));
                XmppTestClient alice = XmppTestClient.connectNewUser(server, "alice")) {
            // the gateway looks again every second (test setting); the room must stay missing
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() ->
                    errorOf(alice.sendIqAndWait(RawIq.get(jid("later@" + server.mucDomain()), "query",
                            "http://jabber.org/protocol/disco#info"))) == Condition.item_not_found);
            alice.createMembersOnlyRoom("later", "alice", List.of());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(alice.room("later").getOccupants()).extracting(o -> o.getResourceOrEmpty().toString())
                            .contains("Call"));
        }
    }
}
