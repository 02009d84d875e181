package org.chorus.recording.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.MediaKind;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metadata.json: what was recorded, by whom, over every attempt of a session. */
class MetadataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSecondAttemptKeepsTheFirstAndListsEveryoneOnce(@TempDir Path folder) throws Exception {
        ParticipantLog first = new ParticipantLog();
        first.joined("alice@example.org", "alice", 0, 1_000);
        first.joined("bob@example.org", "bob", 2_000_000, 3_000);
        first.left("bob@example.org", 5_000_000, 6_000);
        Metadata.write(folder, request(1), 1_000, 9_000, first,
                List.of(new OutputFile("a1-alice-video-1.webm", "alice@example.org", MediaKind.VIDEO, "vp8", 0, 8_000_000)),
                "failed: the writer process ended unexpectedly (exit 134)");
        ParticipantLog second = new ParticipantLog();
        second.joined("alice@example.org", "alice", 0, 10_000);
        second.joined("carol@example.org", "carol", 1_000_000, 11_000);
        Metadata.write(folder, request(2), 10_000, 20_000, second,
                List.of(new OutputFile("a2-carol-audio-4.webm", null, null, "opus", 1_000_000, 9_000_000)), "stopped");

        JsonNode root = JSON.readTree(folder.resolve("metadata.json").toFile());
        assertThat(root.get("room").asText()).isEqualTo("team@conference.example.org");
        assertThat(root.get("start").asText()).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(root.get("end").asText()).isEqualTo("1970-01-01T00:00:20Z");
        assertThat(root.get("attempts")).hasSize(2);
        assertThat(root.get("attempts").get(0).get("outcome").asText()).startsWith("failed");
        assertThat(root.get("attempts").get(0).get("participants").get(1).get("left_offset_ms").asLong()).isEqualTo(5_000);
        assertThat(root.get("participants").findValuesAsText("nick")).containsExactly("alice", "bob", "carol");
        JsonNode file = root.get("attempts").get(1).get("files").get(0);
        assertThat(file.get("kind").asText()).as("known by its name").isEqualTo("audio");
        assertThat(file.get("start_offset_ms").asLong()).isEqualTo(1_000);
    }

    @Test
    void phasesEndInDoneOrFailed() {
        assertThat(RecordingPhase.STARTING.canMoveTo(RecordingPhase.RECORDING)).isTrue();
        assertThat(RecordingPhase.RECORDING.canMoveTo(RecordingPhase.STARTING)).isFalse();
        assertThat(RecordingPhase.FINALIZING.canMoveTo(RecordingPhase.DONE)).isTrue();
        assertThat(RecordingPhase.DONE.isOver()).isTrue();
        assertThat(RecordingPhase.FAILED.canMoveTo(RecordingPhase.DONE)).isFalse();
    }

    private static StartRequest request(int attempt) {
        return new StartRequest("s-1", "team@conference.example.org", "team@av.example.org", "call-1", Mode.FILE,
                Layout.TRACKS, null, attempt);
    }
}
