package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.chorus.testing.media.RecordingProbe;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What one participant, one writer or a vanished gateway can do to a real recorder: a sender whose
 * audio timestamps jump by 2^31, a writer process that hangs (SIGSTOP) or cannot write, and a
 * gateway that asks for a recording and is never heard of again.
 */
@ExtendWith(ProsodyExtension.class)
class RecorderRobustnessEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void audioTimestampsThatJumpBy2To31DoNotFillHoursOfSilence(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server)) {
            rig.recorder("rec1", Map.of());
            try (AvParticipant alice = rig.join(rig.alice)) {
                String sessionId = ((JibriIq) rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE,
                        null)).getSessionId();
                rig.awaitSaid("Recording started (file)", PATIENCE);
                long startedAt = System.nanoTime();
                Thread.sleep(3_000);
                alice.sender().jumpAudioTimestamps(0x7FFF_0000L); // about 2^31 ticks: 12.4 hours at 48 kHz
                Thread.sleep(4_000);
                rig.jibri(rig.alice, JibriIq.Action.STOP, null, null);
                double recordedSeconds = (System.nanoTime() - startedAt) / 1e9;
                Path folder = rig.folder(sessionId);
                await("finalized").atMost(PATIENCE).until(() -> Files.exists(folder.resolve("metadata.json")));
                RecordingProbe.ProbeResult audio = RecordingProbe.probe(RecordingFolder.only(folder, "a1-alice-audio-"));
                assertThat(audio.duration()).as("the audio track's duration (s), recorded for about %.1f s", recordedSeconds)
                        .isBetween(recordedSeconds - 3, recordedSeconds + 5);
            }
        }
    }

    @Test
    void aHungWriterFailsItsRecordingAndDoesNotStopAnother(ProsodyServer server) throws Exception {
        ProcessHandle hung = null;
        try (RecordingRig rig = new RecordingRig(server, true)) {
            RecorderProcess recorder = rig.recorder("rec1", Map.of());
            try (AvParticipant alice = rig.join(rig.alice); AvParticipant bob = rig.join(rig.bob, rig.conference2)) {
                String first = ((JibriIq) rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE,
                        null)).getSessionId();
                rig.awaitSaid("Recording started (file)", PATIENCE);
                hung = writers(recorder).get(0);
                String second = ((JibriIq) rig.jibri(rig.conference2, rig.alice, JibriIq.Action.START,
                        JibriIq.RecordingMode.FILE, null)).getSessionId();
                Path secondFolder = rig.folder(rig.room2, second);
                await("the second recording writes").atMost(PATIENCE).until(() -> size(secondFolder, "a1-bob-video-") > 0);
                signal("STOP", hung.pid());
                long before = size(secondFolder, "a1-bob-video-");
                Thread.sleep(8_000);
                assertThat(size(secondFolder, "a1-bob-video-")).as("the second recording goes on").isGreaterThan(before);
                rig.awaitSaid("Recording failed", PATIENCE);
                Path firstFolder = rig.folder(first);
                await("the hung recording is finalized").atMost(PATIENCE)
                        .until(() -> Files.exists(firstFolder.resolve("metadata.json")));
                assertThat(outcomes(firstFolder)).anyMatch(o -> o.startsWith("failed"));
                long after = size(secondFolder, "a1-bob-video-");
                Thread.sleep(3_000);
                assertThat(size(secondFolder, "a1-bob-video-")).as("the second recording still goes on").isGreaterThan(after);
                rig.jibri(rig.conference2, rig.alice, JibriIq.Action.STOP, null, null);
                await("the second recording is finalized").atMost(PATIENCE)
                        .until(() -> Files.exists(secondFolder.resolve("metadata.json")));
                assertThat(outcomes(secondFolder)).containsExactly("stopped");
            }
        } finally {
            if (hung != null && hung.isAlive()) {
                signal("CONT", hung.pid());
                hung.destroyForcibly();
            }
        }
    }

    @Test
    void aWriterThatCannotWriteFailsTheAttempt(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server)) {
            RecorderProcess recorder = rig.recorder("rec1", Map.of());
            try (AvParticipant alice = rig.join(rig.alice)) {
                String sessionId = ((JibriIq) rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE,
                        null)).getSessionId();
                rig.awaitSaid("Recording started (file)", PATIENCE);
                Path folder = rig.folder(sessionId);
                await("media on disk").atMost(PATIENCE).until(() -> size(folder, "a1-alice-video-") > 20_000);
                ProcessHandle writer = writers(recorder).get(0);
                // from now on every file of the writer stops growing a little further on: EFBIG
                long limit = largest(folder) + 100_000;
                Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(writer.pid()), "--fsize=" + limit)
                        .inheritIO().start();
                assertThat(p.waitFor()).as("prlimit").isZero();
                rig.awaitSaid("Recording failed", PATIENCE);
                await("finalized").atMost(PATIENCE).until(() -> Files.exists(folder.resolve("metadata.json")));
                assertThat(outcomes(folder)).anyMatch(o -> o.startsWith("failed"));
                assertThat(recorder.log()).contains("write errors");
            }
        }
    }

    @Test
    void aRecordingWhoseGatewayIsGoneEndsAndIsFinalized(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server);
                XmppTestClient gateway = XmppTestClient.connectNewUser(server, "gw")) {
            List<JibriIq> statuses = new CopyOnWriteArrayList<>();
            gateway.connection().registerIQRequestHandler(new AbstractIqRequestHandler(JibriIq.ELEMENT,
                    JibriIq.NAMESPACE, IQ.Type.set, IQRequestHandler.Mode.sync) {
                @Override
                public IQ handleIQRequest(IQ request) {
                    statuses.add((JibriIq) request);
                    return IQ.createResultIQ(request);
                }
            });
            RecorderProcess recorder = rig.recorder("rec1", Map.of("accept-from", "[ \"" + server.domain() + "\" ]",
                    "gateway-timeout", "5s"));
            // the gateway asks for a recording, then is never heard of again: no call, no stop
            JibriIq start = RecorderTrustEndToEndTest.start(recorder, "orphan1", rig.room + "@" + server.mucDomain());
            // the statuses go to the conference JID; this stand-in gateway is a client, reached at its full JID
            start.setAppData("{\"chorus\":{\"conference\":\"" + gateway.jid() + "\"}}");
            IQ accepted = gateway.sendIqAndWait(start);
            assertThat(accepted.getType()).as(accepted.toXML().toString()).isEqualTo(IQ.Type.result);
            Path folder = rig.folder("orphan1");
            await("the orphaned recording is finalized").atMost(PATIENCE)
                    .until(() -> Files.exists(folder.resolve("metadata.json")));
            assertThat(outcomes(folder)).anyMatch(o -> o.contains("gateway"));
            await("the gateway hears status off").atMost(PATIENCE).until(() -> statuses.stream()
                    .anyMatch(s -> s.getStatus() == JibriIq.Status.OFF && "orphan1".equals(s.getSessionId())));
            await("idle again").atMost(PATIENCE).until(() -> recorder.log().lastIndexOf("Status: idle")
                    > recorder.log().lastIndexOf("Status: busy"));
        }
    }

    // --- helpers ---

    /** The recorder's writer children, oldest first. */
    static List<ProcessHandle> writers(RecorderProcess recorder) {
        return ProcessHandle.of(recorder.pid()).orElseThrow().children()
                .filter(p -> p.info().commandLine().orElse("").contains("java"))
                .sorted(Comparator.comparing(p -> p.info().startInstant().orElse(Instant.MAX)))
                .toList();
    }

    static void signal(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor())
                .as("kill -" + signal).isZero();
    }

    private static long size(Path folder, String prefix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static long largest(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.mapToLong(f -> f.toFile().length()).max().orElse(0);
        }
    }

    private static List<String> outcomes(Path folder) throws IOException {
        JsonNode attempts = JSON.readTree(folder.resolve("metadata.json").toFile()).get("attempts");
        return attempts.findValuesAsText("outcome");
    }
}
