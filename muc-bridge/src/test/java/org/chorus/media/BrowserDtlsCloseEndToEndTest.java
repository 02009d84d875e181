package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A browser that goes away without a word of Jingle: three headless Chromium pages are in a call
 * through the real gateway, then one closes the RTCPeerConnection of its own call, which sends DTLS
 * close_notify and nothing else. The gateway gives the member's own session-terminate 1 s to arrive
 * (docs/protocol.md §7), then ends the member's session and, as it left, the sessions that carried
 * its stream to the other two, all with {@code <gone/>}. The driver waits for those ends 2 s, the
 * figure a user is promised, and reports when each came.
 *
 * <p>Node, npm and Chromium are required, as for {@link BrowserCallEndToEndTest}.
 */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserDtlsCloseEndToEndTest {
    private static final Path BROWSER_DIR = Path.of(System.getProperty("basedir", ".")).resolve("src/test/browser");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** The gateway's wait for a closing member's own session-terminate (docs/protocol.md §7). */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = CLOSE_GRACE.plusSeconds(1);
    private static final List<String> NAMES = List.of("alice", "bob", "carol");
    private static final String CLOSER = "carol";

    private final ProsodyServer server;
    private AutoCloseable gateway;
    private XmppTestClient owner;

    BrowserDtlsCloseEndToEndTest(ProsodyServer server) {
        this.server = server;
    }

    @BeforeAll
    void setUp() throws Exception {
        owner = XmppTestClient.connectNewUser(server, "owner");
        gateway = GatewayTestAccess.start(server, List.of());
    }

    @AfterAll
    void tearDown() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (owner != null) {
            owner.close();
        }
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aBrowserThatClosesDtlsLeavesWithGoneOnceTheGraceIsOver() throws Exception {
        String node = BrowserDriver.requireExecutable("node");
        assertThat(Path.of(BrowserDriver.CHROMIUM)).as("Debian's chromium (apt-get install chromium)").isExecutable();
        BrowserDriver.installDependencies(BROWSER_DIR);

        List<ProsodyServer.Account> accounts = NAMES.stream().map(server::newUser).toList();
        owner.createMembersOnlyRoom("closing", "owner", XmppTestClient.bareJids(accounts.toArray(ProsodyServer.Account[]::new)));
        List<String> command = new ArrayList<>(List.of(node, "run-call.mjs",
                "--ws", server.websocketUrl(),
                "--room", "closing@" + server.mucDomain(),
                "--conference", "closing@" + server.componentDomain(),
                "--chromium", BrowserDriver.CHROMIUM,
                "--timeout", Long.toString(CALL_TIMEOUT.toSeconds()),
                "--min-frames", "5",
                "--min-audio-packets", "10",
                "--close-connection", CLOSER,
                "--close-wait", Long.toString(CLOSE_WAIT.toSeconds())));
        for (int i = 0; i < NAMES.size(); i++) {
            ProsodyServer.Account a = accounts.get(i);
            command.addAll(List.of("--participant", NAMES.get(i) + "," + a.jid() + "," + a.password()));
        }
        Config result = BrowserDriver.run(BROWSER_DIR, command, CALL_TIMEOUT.plusSeconds(45));

        assertThat(result.getStringList("failures")).as("what the driver saw go wrong").isEmpty();
        Config closing = result.getConfig("closing");
        System.out.printf("A browser closed DTLS: its own session ended %s; the others' sessions carrying its stream: %s%n",
                closing.hasPath("own") ? closing.getValue("own").render() : "not within the wait",
                closing.getValue("ends").render());
        assertThat(closing.hasPath("own")).as(CLOSER + "'s own session ended within %s of the close", CLOSE_WAIT).isTrue();
        assertThat(closing.getString("own.reason")).as("the reason on " + CLOSER + "'s own session").isEqualTo("gone");
        List<? extends Config> ends = closing.getConfigList("ends");
        assertThat(ends).extracting(e -> e.getString("nick")).containsExactlyInAnyOrder("alice", "bob");
        for (Config e : ends) {
            String who = e.getString("nick");
            assertThat(e.hasPath("afterMs")).as(who + "'s session carrying " + CLOSER + "'s stream ended within %s of the close",
                    CLOSE_WAIT).isTrue();
            assertThat(e.getString("reason")).as("the reason on " + who + "'s session carrying " + CLOSER + "'s stream")
                    .isEqualTo("gone");
        }
    }
}
