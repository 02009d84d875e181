package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chorus.gateway.Commands;
import org.chorus.recording.grid.GridGeometry;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.chorus.testing.media.NginxRtmp;
import org.chorus.testing.media.RecordingProbe;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.packet.AdHocCommandData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The composite layouts end to end: a grid MP4 started with the {@code chorus:record} command,
 * whose tiles follow people joining and leaving, and a live stream to a real nginx RTMP ingest,
 * whose stream key appears in no log.
 */
@ExtendWith(ProsodyExtension.class)
class GridAndStreamEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @Test
    void theGridShowsOneTilePerParticipantAsPeopleComeAndGo(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server)) {
            rig.recorder("rec1", Map.of());
            try (AvParticipant alice = rig.join(rig.alice); AvParticipant bob = rig.join(rig.bob)) {
                IQ done = record(rig, rig.alice, Map.of("action", "start", "recording_mode", "file",
                        "recording_layout", "grid"));
                assertThat(done.getType()).as(String.valueOf(done.toXML())).isEqualTo(IQ.Type.result);
                assertThat(((AdHocCommandData) done).getStatus()).isEqualTo(AdHocCommand.Status.completed);
                rig.awaitSaid("Recording started (file)", PATIENCE);
                long startedAt = rig.heardAt("Recording started (file)");
                Thread.sleep(4_000);
                try (AvParticipant carol = rig.join(rig.carol)) {
                    Thread.sleep(6_000);
                    bob.leave(); // hangs up, stays in the room
                    Thread.sleep(5_000);
                    long stoppedAt = System.nanoTime();
                    record(rig, rig.alice, Map.of("action", "stop"));
                    rig.awaitSaid("Recording stopped", PATIENCE);
                    String sessionId = sessionIdFromStatus(rig);
                    Path folder = rig.folder(sessionId);
                    await("metadata.json").atMost(PATIENCE).until(() -> Files.exists(folder.resolve("metadata.json")));
                    JsonNode attempt = JSON.readTree(folder.resolve("metadata.json").toFile()).get("attempts").get(0);
                    Path mp4 = folder.resolve("a1-grid.mp4");
                    RecordingProbe.ProbeResult probe = RecordingProbe.probe(mp4);
                    assertThat(probe.streams("video")).singleElement().satisfies(s -> {
                        assertThat(s.codecName()).isEqualTo("h264");
                        assertThat(s.width()).isEqualTo(1280);
                        assertThat(s.height()).isEqualTo(720);
                    });
                    assertThat(probe.streams("audio")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("aac"));
                    assertThat(probe.duration()).as("the grid lasts as long as the recording")
                            .isBetween(length(rig, "file", startedAt, stoppedAt)[0], length(rig, "file", startedAt, stoppedAt)[1]);

                    double carolJoined = offsetOf(attempt, "carol", "joined_offset_ms");
                    double bobLeft = offsetOf(attempt, "bob", "left_offset_ms");
                    // before carol: two tiles side by side; with carol: three of a 2×2 grid; after bob: two
                    assertThat(flashingTiles(mp4, 2, 0.5, carolJoined - 0.3)).as("tiles before carol joined").containsExactly(0, 1);
                    assertThat(flashingTiles(mp4, 4, carolJoined + 1.5, bobLeft - 0.3)).as("tiles with carol").containsExactly(0, 1, 2);
                    assertThat(flashingTiles(mp4, 2, bobLeft + 1.0, probe.duration() - 0.3)).as("tiles after bob left").containsExactly(0, 1);
                }
            }
        }
    }

    @Test
    void aLiveStreamReachesTheRtmpIngestAndItsKeyIsNeverLogged(ProsodyServer server) throws Exception {
        String key = "k3y" + Long.toHexString(System.nanoTime());
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        Path nginxDir = Files.createDirectories(server.workDir().resolve("nginx"));
        try (NginxRtmp nginx = NginxRtmp.start(nginxDir, NginxRtmp.freePort()); RecordingRig rig = new RecordingRig(server)) {
            RecorderProcess recorder = rig.recorder("rec1", Map.of());
            try (AvParticipant alice = rig.join(rig.alice); AvParticipant bob = rig.join(rig.bob)) {
                IQ started = rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.STREAM, nginx.url(key));
                assertThat(started.getType()).isEqualTo(IQ.Type.result);
                rig.awaitSaid("Recording started (stream)", PATIENCE);
                long startedAt = rig.heardAt("Recording started (stream)");
                Thread.sleep(8_000);
                long stoppedAt = System.nanoTime();
                rig.jibri(rig.alice, JibriIq.Action.STOP, null, null);
                rig.awaitSaid("Recording stopped", PATIENCE);
                recorder.awaitLog("finalized in", PATIENCE);
                nginx.stop();
                List<Path> flvs = nginx.recordings();
                assertThat(flvs).as("what the ingest recorded").isNotEmpty();
                Path flv = flvs.stream().max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).get();
                RecordingProbe.ProbeResult probe = RecordingProbe.probe(flv);
                assertThat(probe.streams("video")).singleElement().satisfies(s -> {
                    assertThat(s.codecName()).isEqualTo("h264");
                    assertThat(s.width()).isEqualTo(1280);
                });
                assertThat(probe.streams("audio")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("aac"));
                assertThat(probe.duration()).as("the stream's length at the ingest")
                        .isBetween(length(rig, "stream", startedAt, stoppedAt)[0], length(rig, "stream", startedAt, stoppedAt)[1]);
                assertThat(recorder.log()).as("the recorder's log").doesNotContain(key);
                assertThat(rig.bodies()).as("what the room was told").noneMatch(b -> b.contains(key));
            }
        } finally {
            root.detachAppender(logged);
        }
        assertThat(logged.list).as("the gateway's log").noneMatch(e -> e.getFormattedMessage().contains(key)
                || (e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage()).contains(key)));
    }

    // --- helpers ---

    /**
     * The range a recording's length must fall in, from the test's clock: the media starts between
     * the room hearing "Recording starting" and "Recording started" and ends at the stop; 1 s of
     * slack either way.
     */
    private static double[] length(RecordingRig rig, String mode, long startedAt, long stoppedAt) {
        double shortest = (stoppedAt - startedAt) / 1e9;
        double longest = (stoppedAt - rig.heardAt("Recording starting (" + mode + ")")) / 1e9;
        return new double[] {shortest - 1.0, longest + 1.0};
    }

    /** The grid cells (of a layout with {@code cells} cells) that flash between two file times. */
    private static List<Integer> flashingTiles(Path mp4, int cells, double from, double to) {
        assertThat(to - from).as("a window long enough for everyone's flash (every 2 s)").isGreaterThan(2.2);
        GridGeometry geometry = new GridGeometry(1280, 720);
        List<Integer> flashing = new ArrayList<>();
        for (int i = 0; i < cells; i++) {
            GridGeometry.Rect picture = GridGeometry.fit(geometry.cell(i, cells), 640, 360);
            // the middle of the picture, away from the letterbox
            RecordingProbe.Region middle = new RecordingProbe.Region(picture.x() + picture.width() / 4,
                    picture.y() + picture.height() / 4, picture.width() / 2, picture.height() / 2);
            boolean flashed = RecordingProbe.flashTimes(mp4, middle).stream().anyMatch(t -> t >= from && t <= to);
            if (flashed) {
                flashing.add(i);
            }
        }
        return flashing;
    }

    private static double offsetOf(JsonNode attempt, String nick, String field) {
        for (JsonNode p : attempt.get("participants")) {
            if (p.get("nick").asText().equals(nick) && p.has(field)) {
                return p.get(field).asDouble() / 1000.0;
            }
        }
        throw new AssertionError(nick + " has no " + field + " in " + attempt);
    }

    private static String sessionIdFromStatus(RecordingRig rig) throws Exception {
        // the session folder is the only one of this room
        return RecordingFolder.first(rig.recordings.resolve(rig.room + "@" + rig.server.mucDomain())).getFileName()
                .toString();
    }

    private static IQ record(RecordingRig rig, XmppTestClient who, Map<String, String> values) {
        return Commands.submit(who, rig.conference, "chorus:record", values);
    }
}
