package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.chorus.config.BuildInfo;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.PresenceListener;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's command line, start-up errors and graceful stop, as a separate process. */
@ExtendWith(ProsodyExtension.class)
class GatewayCliTest {
    @TempDir
    Path dir;

    private Path configFile(ProsodyServer server, String secret, List<String> rooms, String extra) throws Exception {
        String roomList = String.join(", ", rooms.stream().map(r -> "\"" + r + "\"").toList());
        Path file = dir.resolve("chorus.conf");
        Files.writeString(file, """
                chorus {
                  xmpp { host = "127.0.0.1", port = %d, domain = "%s", secret = "%s", reconnect.initial-delay = 200ms }
                  muc { service = "%s", rooms = [%s] }
                  media { port = 0, bind-address = "127.0.0.1", allow-loopback = true }
                  data-dir = "%s"
                  %s
                }
                """.formatted(server.componentPort(), server.componentDomain(), secret, server.mucDomain(), roomList,
                dir.resolve("data"), extra));
        return file;
    }

    @Test
    void helpAndVersion() throws Exception {
        try (GatewayProcess help = GatewayProcess.start(dir, Map.of(), "--help")) {
            assertThat(help.waitForExit(30)).isZero();
            assertThat(help.stdout()).contains("--config").contains("--version");
        }
        try (GatewayProcess version = GatewayProcess.start(dir, Map.of(), "--version")) {
            assertThat(version.waitForExit(30)).isZero();
            assertThat(version.stdout().trim()).isEqualTo("chorus-gateway " + BuildInfo.version());
        }
    }

    @Test
    void aWrongSecretEndsTheProcessWithOneClearLine(ProsodyServer server) throws Exception {
        String wrong = "wrong-secret-" + System.nanoTime();
        try (GatewayProcess gateway = GatewayProcess.start(dir, Map.of(), "--config",
                configFile(server, wrong, List.of(), "").toString())) {
            assertThat(gateway.waitForExit(30)).isEqualTo(4);
            assertThat(gateway.stderr().lines().toList()).singleElement().asString()
                    .startsWith("chorus-gateway: ").contains("refused the secret").contains(server.componentDomain());
            assertNoStackTraceNorSecret(gateway, wrong);
        }
    }

    @Test
    void anUnreachableServerEndsTheProcessWithOneClearLine(ProsodyServer server) throws Exception {
        Path config = configFile(server, server.componentSecret(), List.of(), "");
        Files.writeString(config, Files.readString(config).replace("port = " + server.componentPort(), "port = 1"));
        try (GatewayProcess gateway = GatewayProcess.start(dir, Map.of(), "--config", config.toString())) {
            assertThat(gateway.waitForExit(30)).isEqualTo(3);
            assertThat(gateway.stderr().lines().toList()).singleElement().asString().contains("cannot reach");
            assertNoStackTraceNorSecret(gateway, server.componentSecret());
        }
    }

    @Test
    void anUnknownKeyEndsTheProcessWithOneClearLine(ProsodyServer server) throws Exception {
        Path config = configFile(server, server.componentSecret(), List.of(), "medai { port = 5 }");
        try (GatewayProcess gateway = GatewayProcess.start(dir, Map.of(), "--config", config.toString())) {
            assertThat(gateway.waitForExit(30)).isEqualTo(2);
            assertThat(gateway.stderr().lines().toList()).singleElement().asString().contains("chorus.medai");
            assertNoStackTraceNorSecret(gateway, server.componentSecret());
        }
    }

    @Test
    void aMissingSecretEndsTheProcessWithOneClearLine() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, Map.of())) {
            assertThat(gateway.waitForExit(30)).isEqualTo(2);
            assertThat(gateway.stderr().lines().toList()).singleElement().asString().contains("CHORUS_XMPP_SECRET");
        }
    }

    @Test
    void settingsFromTheEnvironmentWinAndSigtermLeavesRoomsGracefully(ProsodyServer server) throws Exception {
        ProsodyServer.Account alice = server.newUser("alice");
        try (XmppTestClient a = XmppTestClient.connect(server, alice, "desk")) {
            MultiUserChat room = a.createMembersOnlyRoom("team", "alice", List.of());
            List<Presence> fromGateway = new java.util.concurrent.CopyOnWriteArrayList<>();
            PresenceListener listener = p -> {
                if (p.getFrom().getResourceOrEmpty().toString().equals("Call")) {
                    fromGateway.add(p);
                }
            };
            room.addParticipantListener(listener);
            // the file carries a wrong secret; the environment carries the right one
            Path config = configFile(server, "not-the-secret", List.of("team"), "");
            try (GatewayProcess gateway = GatewayProcess.start(dir,
                    Map.of("CHORUS_XMPP_SECRET", server.componentSecret()), "--config", config.toString())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> fromGateway.stream().anyMatch(Presence::isAvailable));
                gateway.terminate();
                int code = gateway.waitForExit(20);
                assertThat(code).isIn(0, 143);
                await().atMost(Duration.ofSeconds(5)).until(() -> fromGateway.stream().anyMatch(p -> p.getType() == Presence.Type.unavailable));
                assertThat(gateway.stdout()).contains("Connected to").contains("leaving rooms");
                assertNoStackTraceNorSecret(gateway, server.componentSecret());
            }
        }
    }

    private static void assertNoStackTraceNorSecret(GatewayProcess gateway, String secret) {
        String all = gateway.stdout() + gateway.stderr();
        assertThat(all).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain(secret);
    }
}
