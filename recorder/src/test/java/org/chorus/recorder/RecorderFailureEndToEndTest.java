package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.media.RecordingProbe;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How the recorder fails: a writer process that dies (as a native crash would kill it) costs only
 * its recording, whose files are repaired and which another recorder continues; a recorder whose
 * XMPP stream drops stops and finalizes its recordings; a recorder that cannot write says it is
 * unhealthy, and no recording is sent to it.
 */
@ExtendWith(ProsodyExtension.class)
class RecorderFailureEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @Test
    void aCrashedWriterIsReportedRepairedAndTheRecordingMovesToAnotherRecorder(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server)) {
            RecorderProcess first = rig.recorder("rec1", Map.of());
            try (AvParticipant alice = rig.join(rig.alice)) {
                IQ started = rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE, null);
                String sessionId = ((JibriIq) started).getSessionId();
                rig.awaitSaid("Recording started (file)", PATIENCE);
                rig.recorder("rec2", Map.of());
                Thread.sleep(5_000);
                ProcessHandle writer = ProcessHandle.of(first.pid()).orElseThrow().children()
                        .filter(p -> p.info().command().orElse("").contains("java")).findFirst()
                        .orElseThrow(() -> new AssertionError("no writer process under the recorder"));
                writer.destroyForcibly(); // kill -9, as a SIGSEGV in FFmpeg would end it
                rig.awaitSaid("Recording interrupted", PATIENCE);
                rig.awaitSaid("Recording continues (file)", PATIENCE);
                assertThat(first.log()).contains("the writer process ended unexpectedly");
                Thread.sleep(3_000);
                rig.jibri(rig.alice, JibriIq.Action.STOP, null, null);
                rig.awaitSaid("Recording stopped", PATIENCE);

                Path folder = rig.folder(sessionId);
                await("both attempts in metadata.json").atMost(PATIENCE).until(() -> {
                    Path m = folder.resolve("metadata.json");
                    return Files.exists(m) && JSON.readTree(m.toFile()).get("attempts").size() == 2;
                });
                JsonNode attempts = JSON.readTree(folder.resolve("metadata.json").toFile()).get("attempts");
                assertThat(attempts.findValuesAsText("outcome")).anyMatch(o -> o.startsWith("failed"))
                        .contains("stopped");
                // the crashed writer's files were repaired: they play and have a duration
                for (String prefix : List.of("a1-alice-video-", "a1-alice-audio-", "a2-alice-video-", "a2-alice-audio-")) {
                    RecordingProbe.ProbeResult p = RecordingProbe.probe(RecordingFolder.only(folder, prefix));
                    assertThat(p.duration()).as(prefix + " has a duration").isGreaterThan(1.0);
                }
                assertThat(first.log()).contains("Repaired");
                // the first recorder is still alive and idle again: only that recording was lost
                assertThat(first.log()).contains("Status: idle, healthy");
            }
        }
    }

    @Test
    void aRecorderWhoseStreamDropsFinalizesItsRecordingAndComesBack(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server)) {
            RecorderProcess recorder = rig.recorder("rec1", Map.of());
            try (AvParticipant alice = rig.join(rig.alice)) {
                IQ started = rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE, null);
                String sessionId = ((JibriIq) started).getSessionId();
                rig.awaitSaid("Recording started (file)", PATIENCE);
                Thread.sleep(4_000);
                server.restart();
                Path folder = rig.folder(sessionId);
                await("the recording is finalized").atMost(PATIENCE).until(() -> Files.exists(folder.resolve("metadata.json")));
                JsonNode attempt = JSON.readTree(folder.resolve("metadata.json").toFile()).get("attempts").get(0);
                assertThat(attempt.get("outcome").asText()).isEqualTo("stopped");
                RecordingProbe.ProbeResult video = RecordingProbe.probe(RecordingFolder.only(folder, "a1-alice-video-"));
                assertThat(video.duration()).as("the video written before the drop").isGreaterThan(3.0);
                await("the recorder rejoins the brewery").atMost(PATIENCE)
                        .until(() -> recorder.log().split("Joined the brewery", -1).length - 1 >= 2);
            }
        }
    }

    @Test
    void aRecorderThatCannotWriteIsUnhealthyAndGetsNoRecording(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server)) {
            // no disk has this much free space: the recorder reports unhealthy from the start
            RecorderProcess recorder = rig.recorder("rec1", Map.of("min-free-space", "1000000TiB"));
            assertThat(recorder.log()).contains("Status: idle, unhealthy");
            try (AvParticipant alice = rig.join(rig.alice)) {
                Thread.sleep(500);
                IQ refused = rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE, null);
                assertThat(refused.getType()).isEqualTo(IQ.Type.error);
                assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
                assertThat(rig.bodies()).noneMatch(b -> b.startsWith("Recording"));
            }
        }
    }
}
