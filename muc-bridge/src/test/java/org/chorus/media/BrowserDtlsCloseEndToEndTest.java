package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
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
 * <p>Node, npm and Chromium are required, as for every {@link BrowserCall}.
 */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserDtlsCloseEndToEndTest {
    /** The gateway's wait for a closing member's own session-terminate (docs/protocol.md §7). */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = CLOSE_GRACE.plusSeconds(1);
    private static final List<String> NAMES = List.of("alice", "bob", "carol");
    private static final String CLOSER = "carol";

    private final ProsodyServer server;
    private BrowserCall call;

    BrowserDtlsCloseEndToEndTest(ProsodyServer server) {
        this.server = server;
    }

    @BeforeAll
    void setUp() throws Exception {
        call = BrowserCall.start(server);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (call != null) {
            call.close();
        }
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aBrowserThatClosesDtlsLeavesWithGoneOnceTheGraceIsOver() throws Exception {
        List<ProsodyServer.Account> accounts = call.members("closing", NAMES);
        Config result = call.run("closing", NAMES, accounts, List.of(
                "--min-frames", "5",
                "--min-audio-packets", "10",
                "--close-connection", CLOSER,
                "--close-wait", Long.toString(CLOSE_WAIT.toSeconds())));

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
