package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three headless Chromium pages, each a StanzaJS client on Prosody's websocket, call the conference
 * JID of a members-only room through the real gateway. Each must decode video frames and receive
 * audio packets from each of the other two, per Jingle session as COIN attributes it, and never get
 * its own stream back (PROTOCOL.md §5, §6, §11).
 *
 * <p>The browser side is {@code src/test/browser}: {@code run-call.mjs} (playwright-core driving
 * Debian's {@code chromium} with fake media devices) serves {@code page.js} on loopback and prints
 * one JSON line with what every page saw in {@code getStats}. Node, npm and Chromium are required:
 * a machine without them fails this test ({@code bash config/run-tests.sh} installs them).
 */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserCallEndToEndTest {
    /** {@code -Dchorus.browser.debug=true} logs every Jingle stanza the pages send and receive. */
    private static final boolean DEBUG = Boolean.getBoolean("chorus.browser.debug");
    private static final int MIN_FRAMES = 15;
    private static final int MIN_AUDIO_PACKETS = 25;
    private static final List<String> NAMES = List.of("alice", "bob", "carol");

    private final ProsodyServer server;
    private BrowserCall call;

    BrowserCallEndToEndTest(ProsodyServer server) {
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
    void threeBrowsersEachReceiveTheOtherTwoAndNeverThemselves() throws Exception {
        List<ProsodyServer.Account> accounts = call.members("browsers", NAMES);
        List<String> options = new ArrayList<>(List.of(
                "--min-frames", Integer.toString(MIN_FRAMES),
                "--min-audio-packets", Integer.toString(MIN_AUDIO_PACKETS)));
        if (DEBUG) {
            options.add("--debug");
        }
        long start = System.nanoTime();
        Config result = call.run("browsers", NAMES, accounts, options);
        System.out.printf("browser call took %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());

        assertThat(result.getStringList("failures")).as("what the driver saw go wrong").isEmpty();
        assertThat(result.getBoolean("ok")).isTrue();
        Map<String, String> jidOf = new HashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            jidOf.put(NAMES.get(i), accounts.get(i).jid().toLowerCase());
        }
        List<? extends Config> participants = result.getConfigList("participants");
        assertThat(participants).extracting(p -> p.getString("nick")).containsExactlyInAnyOrderElementsOf(NAMES);
        for (Config p : participants) {
            String nick = p.getString("nick");
            String own = jidOf.get(nick);
            Set<String> others = jidOf.entrySet().stream().filter(e -> !e.getKey().equals(nick))
                    .map(Map.Entry::getValue).collect(Collectors.toSet());
            Map<String, Config> received = p.getConfigList("received").stream()
                    .collect(Collectors.toMap(r -> r.getString("publisher"), Function.identity()));
            assertThat(received.keySet()).as(nick + " receives streams from").isEqualTo(others);
            for (String other : others) {
                Config r = received.get(other);
                assertThat(r.getInt("sessions")).as(other + "'s stream is offered to " + nick + " once").isEqualTo(1);
                assertThat(r.getInt("framesDecoded")).as(nick + " decodes video from " + other).isGreaterThanOrEqualTo(MIN_FRAMES);
                assertThat(r.getInt("audioPacketsReceived")).as(nick + " receives audio from " + other)
                        .isGreaterThanOrEqualTo(MIN_AUDIO_PACKETS);
            }
            List<String> publishers = p.getConfigList("incoming").stream()
                    .map(s -> s.hasPath("publisher") ? s.getString("publisher").toLowerCase() : "(no COIN user)")
                    .toList();
            assertThat(publishers).as(nick + "'s sessions name their publishers by COIN").allMatch(others::contains)
                    .doesNotContain(own);
            assertThat(p.getBoolean("ownStreamReceived")).as(nick + " gets its own stream back").isFalse();
            Set<Long> ownSsrcs = p.getLongList("ownSsrcs").stream().collect(Collectors.toSet());
            assertThat(ownSsrcs).as(nick + " sends").isNotEmpty();
            for (Config r : received.values()) {
                assertThat(r.getLongList("videoSsrcs")).as(nick + " receives none of its own SSRCs").doesNotContainAnyElementsOf(ownSsrcs);
                assertThat(r.getLongList("audioSsrcs")).as(nick + " receives none of its own SSRCs").doesNotContainAnyElementsOf(ownSsrcs);
            }
        }
    }

}
