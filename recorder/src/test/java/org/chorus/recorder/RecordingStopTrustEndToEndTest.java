package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.chorus.testing.media.RecordingProbe;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A recording is stopped only by the gateway that started it: a second JID the recorder also
 * trusts (another gateway in its accept-from) cannot stop it by its session id. Real Prosody, the
 * real gateway, a real recorder and a participant sending A/V; the file shows the recording went on.
 */
@ExtendWith(ProsodyExtension.class)
class RecordingStopTrustEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @Test
    void aStopFromAnotherTrustedJidIsRefusedAndTheRecordingGoesOn(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server);
                XmppTestClient otherGateway = XmppTestClient.connectNewUser(server, "othergw")) {
            RecorderProcess recorder = rig.recorder("rec1", Map.of("accept-from",
                    "[ \"" + server.componentDomain() + "\", \"" + otherGateway.bareJid() + "\" ]"));
            try (AvParticipant alice = rig.join(rig.alice)) {
                IQ started = rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE, null);
                String sessionId = ((JibriIq) started).getSessionId();
                rig.awaitSaid("Recording started (file)", PATIENCE);
                Thread.sleep(1_000);

                IQ forged = otherGateway.sendIqAndWait(RecorderTrustEndToEndTest.stop(recorder, sessionId));
                long forgedAt = System.nanoTime();
                Thread.sleep(5_000);
                assertThat(rig.bodies()).as("what the room was told")
                        .noneMatch(b -> b.startsWith("Recording stopped") || b.startsWith("Recording failed")
                                || b.startsWith("Recording interrupted"));
                assertThat(Files.exists(rig.folder(sessionId).resolve("metadata.json")))
                        .as("the recording was not finalized").isFalse();
                assertThat(forged.getType()).as("the other gateway's stop: " + forged.toXML()).isEqualTo(IQ.Type.error);
                assertThat(forged.getError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
                IQ stop = rig.jibri(rig.alice, JibriIq.Action.STOP, null, null);
                assertThat(stop.getType()).isEqualTo(IQ.Type.result);
                double afterForged = (System.nanoTime() - forgedAt) / 1e9;
                rig.awaitSaid("Recording stopped", PATIENCE);

                Path folder = rig.folder(sessionId);
                await("the recording is finalized").atMost(PATIENCE).until(() -> Files.exists(folder.resolve("metadata.json")));
                JsonNode attempts = JSON.readTree(folder.resolve("metadata.json").toFile()).get("attempts");
                assertThat(attempts.size()).isEqualTo(1);
                assertThat(attempts.get(0).get("outcome").asText()).isEqualTo("stopped");
                RecordingProbe.ProbeResult video = RecordingProbe.probe(RecordingFolder.only(folder, "a1-alice-video-"));
                assertThat(video.duration()).as("seconds of video; the forged stop came %.1f s before the real one",
                        afterForged).isGreaterThan(afterForged - 1.0);
            }
        }
    }
}
