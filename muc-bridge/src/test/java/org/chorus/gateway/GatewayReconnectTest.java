package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.chorus.gateway.Calls.call;
import static org.chorus.gateway.Calls.jid;

import java.time.Duration;
import java.util.List;
import org.chorus.component.ConnectionState;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.StanzaError.Condition;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The XMPP server restarts under a running gateway, which comes back on its own. */
@ExtendWith(ProsodyExtension.class)
class GatewayReconnectTest {

    @Test
    void afterAProsodyRestartTheGatewayReconnectsRejoinsAndAnswersWithinTenSeconds(ProsodyServer server) throws Exception {
        ProsodyServer.Account alice = server.newUser("alice");
        ProsodyServer.Account bob = server.newUser("bob");
        ProsodyServer.Account carol = server.newUser("carol");
        try (XmppTestClient a = XmppTestClient.connect(server, alice, "desk");
                XmppTestClient b = XmppTestClient.connect(server, bob, "desk")) {
            a.createMembersOnlyRoom("team", "alice", List.of(b.bareJid()));
            b.joinRoom("team", "bob");
        }
        try (GatewayFixture gateway = GatewayFixture.start(server, List.of("team"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().connectionState() == ConnectionState.CONNECTED);

            server.restart();
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
                try (XmppTestClient c = XmppTestClient.connect(server, carol, "probe")) {
                    DiscoverInfo info = c.discoverInfo(jid(server.componentDomain()));
                    assertThat(info.hasIdentity("conference", "audio-video")).isTrue();
                }
            });
            long seconds = Duration.ofNanos(System.nanoTime() - restarted).toSeconds();
            assertThat(seconds).as("seconds until disco answered again").isLessThan(10);

            // the gateway rejoined the room and follows its occupants again
            try (XmppTestClient b = XmppTestClient.connect(server, bob, "desk");
                    XmppTestClient c = XmppTestClient.connect(server, carol, "desk")) {
                b.joinRoom("team", "bob");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(call(b, "team@" + server.componentDomain())).as("allowed: the IQ is answered with a result").isNull());
                assertThat(call(c, "team@" + server.componentDomain())).isEqualTo(Condition.forbidden);
                assertThat(b.room("team").getOccupants()).extracting(o -> o.getResourceOrEmpty().toString()).contains("Call");
            }
        }
    }

    @Test
    void whileTheServerIsDownTheGatewayKeepsTryingWithBackoffInsteadOfSpinning(ProsodyServer server) throws Exception {
        try (GatewayFixture gateway = GatewayFixture.start(server, List.of())) {
            server.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().connectionState() != ConnectionState.CONNECTED);
            long attemptsBefore = gateway.gateway().reconnectAttempts();
            Thread.sleep(3000);
            long attempts = gateway.gateway().reconnectAttempts() - attemptsBefore;
            // backoff 200 ms doubling to a 2 s cap: about 4 attempts in 3 s; a spinning loop makes thousands
            assertThat(attempts).as("reconnect attempts in 3 s").isBetween(1L, 6L);
            server.restart();
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().connectionState() == ConnectionState.CONNECTED);
        }
    }
}
