package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.Presence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a real recorder hands on and shows: its password and other CHORUS_* settings never reach
 * its child processes (the writer JVM, the finalize script), and its very first presence in the
 * brewery already says whether it is idle and healthy.
 */
@ExtendWith(ProsodyExtension.class)
class RecorderHygieneEndToEndTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void childProcessesInheritNoSecrets(ProsodyServer server) throws Exception {
        Path script = Files.createDirectories(server.workDir().resolve("hygiene")).resolve("finalize.sh");
        Files.writeString(script, "#!/bin/sh\nenv > \"$1/finalize-env.txt\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (RecordingRig rig = new RecordingRig(server)) {
            RecorderProcess recorder = rig.recorder("rec1", Map.of("finalize-script", script.toString()));
            String password = recorder.account().password();
            try (AvParticipant alice = rig.join(rig.alice)) {
                String sessionId = ((JibriIq) rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE,
                        null)).getSessionId();
                rig.awaitSaid("Recording started (file)", PATIENCE);
                ProcessHandle writer = RecorderRobustnessEndToEndTest.writers(recorder).get(0);
                List<String> writerEnv = Arrays.asList(new String(Files.readAllBytes(
                        Path.of("/proc", Long.toString(writer.pid()), "environ")), StandardCharsets.UTF_8).split("\0"));
                assertThat(writerEnv).as("the writer's environment").isNotEmpty()
                        .noneMatch(v -> v.startsWith("CHORUS_")).noneMatch(v -> v.contains(password));
                rig.jibri(rig.alice, JibriIq.Action.STOP, null, null);
                Path dump = rig.folder(sessionId).resolve("finalize-env.txt");
                await("the finalize script ran").atMost(PATIENCE).until(() -> Files.exists(dump) && Files.size(dump) > 0);
                List<String> scriptEnv = Files.readAllLines(dump);
                assertThat(scriptEnv).as("the finalize script's environment").anyMatch(v -> v.startsWith("PATH="))
                        .noneMatch(v -> v.startsWith("CHORUS_")).noneMatch(v -> v.contains(password));
            }
        }
    }

    @Test
    void theFirstBreweryPresenceCarriesTheStatus(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server)) {
            rig.recorder("rec1", Map.of());
            await("the recorder's presence").atMost(PATIENCE).until(() -> first(rig) != null);
            Presence first = first(rig);
            assertThat(first.getExtensionElement("jibri-status", "http://jitsi.org/protocol/jibri"))
                    .as("the first presence: " + first.toXML()).isNotNull();
        }
    }

    private static Presence first(RecordingRig rig) {
        return rig.breweryPresences.stream().filter(p -> p.getFrom().getResourceOrEmpty().toString().equals("rec1"))
                .findFirst().orElse(null);
    }
}
