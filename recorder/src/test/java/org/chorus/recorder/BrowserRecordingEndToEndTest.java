package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.media.BrowserDriver;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.chorus.testing.media.RecordingProbe;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The browser call of the calls issue, recorded: three headless Chromium pages (StanzaJS) call a
 * room; the first, the room's owner, presses Record, keeps the call up for a while and stops; the
 * recorder's files for each browser's camera and microphone must decode.
 */
@ExtendWith(ProsodyExtension.class)
class BrowserRecordingEndToEndTest {
    private static final Path BROWSER_DIR = Path.of(System.getProperty("basedir", "."))
            .resolve("../muc-bridge/src/test/browser").normalize();
    private static final int RECORD_SECONDS = 6;
    private static final List<String> NAMES = List.of("alice", "bob", "carol");

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void aThreeBrowserCallIsRecordedToPlayableTracks(ProsodyServer server) throws Exception {
        String node = BrowserDriver.requireExecutable("node");
        assertThat(Path.of(BrowserDriver.CHROMIUM)).as("Debian's chromium (apt-get install chromium)").isExecutable();
        BrowserDriver.installDependencies(BROWSER_DIR);
        Path recordings = Files.createDirectories(server.workDir().resolve("recordings"));
        List<ProsodyServer.Account> accounts = NAMES.stream().map(server::newUser).toList();
        try (XmppTestClient owner = XmppTestClient.connectNewUser(server, "owner")) {
            MultiUserChat room = owner.createMembersOnlyRoom("browsers", "owner",
                    XmppTestClient.bareJids(accounts.toArray(ProsodyServer.Account[]::new)));
            room.grantOwnership(JidCreate.from(accounts.get(0).jid())); // the first browser records
            owner.createRoom("brewery", "keeper", form -> form.setAnswer("muc#roomconfig_whois", "anyone"));
            try (AutoCloseable gateway = GatewayTestAccess.start(server, List.of("browsers"),
                    Map.of("chorus.recording.brewery", "brewery@" + server.mucDomain(),
                            "chorus.recording.recorders", List.of(server.domain())));
                    RecorderProcess recorder = RecorderProcess.start(server, "brewery@" + server.mucDomain(), recordings,
                            "rec1", Map.of())) {
                List<String> command = new ArrayList<>(List.of(node, "run-call.mjs",
                        "--ws", server.websocketUrl(),
                        "--room", "browsers@" + server.mucDomain(),
                        "--conference", "browsers@" + server.componentDomain(),
                        "--chromium", BrowserDriver.CHROMIUM,
                        "--timeout", "60",
                        "--record-seconds", Integer.toString(RECORD_SECONDS)));
                for (int i = 0; i < NAMES.size(); i++) {
                    ProsodyServer.Account a = accounts.get(i);
                    command.addAll(List.of("--participant", NAMES.get(i) + "," + a.jid() + "," + a.password()));
                }
                Config result = BrowserDriver.run(BROWSER_DIR, command, Duration.ofSeconds(150));
                assertThat(result.getStringList("failures")).isEmpty();
                assertThat(result.getStringList("recording.messages")).as("what the pages read in the room")
                        .anyMatch(m -> m.startsWith("Recording started (file)")).anyMatch(m -> m.equals("Recording stopped"));
                recorder.awaitLog("finalized in", Duration.ofSeconds(40));

                Path roomDir = recordings.resolve("browsers@" + server.mucDomain());
                Path folder = RecordingFolder.first(roomDir);
                await("metadata.json").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(folder.resolve("metadata.json")));
                for (String nick : NAMES) {
                    Path video = RecordingFolder.only(folder, "a1-" + nick + "-video-");
                    Path audio = RecordingFolder.only(folder, "a1-" + nick + "-audio-");
                    RecordingProbe.ProbeResult v = RecordingProbe.probe(video);
                    RecordingProbe.ProbeResult a = RecordingProbe.probe(audio);
                    assertThat(v.streams("video")).singleElement().satisfies(s -> {
                        assertThat(s.codecName()).isEqualTo("vp8");
                        assertThat(s.width()).isGreaterThan(0);
                    });
                    assertThat(a.streams("audio")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("opus"));
                    assertThat(v.duration() - v.startTime()).as(nick + "'s video length").isGreaterThan(RECORD_SECONDS - 1.5);
                    assertThat(a.duration() - a.startTime()).as(nick + "'s audio length").isGreaterThan(RECORD_SECONDS - 1.5);
                    assertThat(RecordingProbe.decodedFrames(video)).as(nick + "'s video decodes").isGreaterThan(RECORD_SECONDS * 10);
                }
            }
        }
    }
}
