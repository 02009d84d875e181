package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.media.RecordingProbe;
import org.chorus.testing.media.RtpMediaSender;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.packet.IQ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Loss on the way in, recovered by feedback end to end: the participant's uplink loses one video
 * packet in twenty; the recorder NACKs the gaps, the gateway (which never had those packets) asks
 * the sender, the sender resends, and the recording keeps its frames. Without the NACK path every
 * loss would freeze the picture until the next keyframe.
 */
@ExtendWith(ProsodyExtension.class)
class LossRecoveryEndToEndTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @Test
    void lostVideoPacketsAreNackedThroughTheGatewayAndTheRecordingKeepsItsFrames(ProsodyServer server) throws Exception {
        try (RecordingRig rig = new RecordingRig(server)) {
            rig.recorder("rec1", Map.of());
            try (AvParticipant alice = rig.join(rig.alice)) {
                RtpMediaSender sender = alice.sender();
                sender.loseEveryNthVideoPacket(20);
                IQ started = rig.jibri(rig.alice, JibriIq.Action.START, JibriIq.RecordingMode.FILE, null);
                String sessionId = ((JibriIq) started).getSessionId();
                rig.awaitSaid("Recording started (file)", PATIENCE);
                Thread.sleep(8_000);
                rig.jibri(rig.alice, JibriIq.Action.STOP, null, null);
                rig.awaitSaid("Recording stopped", PATIENCE);
                Path folder = rig.folder(sessionId);
                await("metadata.json").atMost(PATIENCE).until(() -> Files.exists(folder.resolve("metadata.json")));

                long lost = sender.videoPacketsLostOnPurpose();
                long resent = sender.stats().retransmissions();
                System.out.printf("uplink lost %d video packets on purpose; the sender resent %d on NACKs%n", lost, resent);
                assertThat(lost).as("video packets the uplink lost").isGreaterThan(20);
                assertThat(resent).as("packets NACKed back to the sender through the gateway")
                        .isGreaterThanOrEqualTo(lost / 2);

                Path video = RecordingFolder.only(folder, "a1-alice-video-");
                RecordingProbe.ProbeResult probe = RecordingProbe.probe(video);
                double seconds = probe.duration() - probe.startTime();
                int frames = RecordingProbe.decodedFrames(video);
                System.out.printf("recorded %.2f s of video with %d frames (%.1f fps)%n", seconds, frames, frames / seconds);
                assertThat(frames).as("frames kept in %.1f s at 30 fps", seconds).isGreaterThan((int) (seconds * 30 * 0.9));
                assertThat(RecordingProbe.decodeErrors(video)).as("decoding errors").isEmpty();
                assertThat(RecordingProbe.flashTimes(video)).hasSizeGreaterThanOrEqualTo(3);
            }
        }
    }
}
