package org.chorus.testing.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MarkedAv}'s media, written to WebM as a recorder would copy it, and read back with
 * {@link RecordingProbe}: ffprobe sees VP8 and Opus, and the flashes and beeps are where the
 * generator put them, on the file's timeline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingProbeTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 180;
    private static final int FPS = 30;
    private static final long SECONDS = 7;
    private static final long START_MICROS = 500_000;

    private Path dir;
    private Path file;

    @BeforeAll
    void writeMarkedFile(@TempDir Path tempDir) {
        dir = tempDir;
        file = dir.resolve("marked.webm");
        writeMarked(file, START_MICROS);
    }

    static void writeMarked(Path file, long startMicros) {
        try (MarkedAv av = new MarkedAv(WIDTH, HEIGHT, FPS);
                TestWebmWriter out = new TestWebmWriter(file, WIDTH, HEIGHT, true)) {
            EncodedFrame v = av.nextVideo();
            EncodedFrame a = av.nextAudio();
            while (v.ptsMicros() < SECONDS * 1_000_000 || a.ptsMicros() < SECONDS * 1_000_000) {
                if (v.ptsMicros() <= a.ptsMicros()) {
                    out.writeVideo(startMicros + v.ptsMicros(), v.keyframe(), v.data());
                    v = av.nextVideo();
                } else {
                    out.writeAudio(startMicros + a.ptsMicros(), a.data());
                    a = av.nextAudio();
                }
            }
        }
    }

    @Test
    void ffprobeSeesVp8AndOpusFromTheFirstPts() {
        RecordingProbe.ProbeResult result = RecordingProbe.probe(file);
        assertThat(result.formatName()).contains("webm");
        assertThat(result.streams("video")).singleElement().satisfies(s -> {
            assertThat(s.codecName()).isEqualTo("vp8");
            assertThat(s.width()).isEqualTo(WIDTH);
            assertThat(s.height()).isEqualTo(HEIGHT);
            assertThat(s.startTime()).isCloseTo(0.5, within(0.001));
        });
        assertThat(result.streams("audio")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("opus"));
        assertThat(result.startTime()).isCloseTo(0.5, within(0.001));
        assertThat(result.duration()).as("Matroska's duration runs from 0").isCloseTo(0.5 + SECONDS, within(0.1));
    }

    @Test
    void flashesAreFoundOnTheirFrameAtEveryMultipleOfTwoSeconds() {
        List<Double> flashes = RecordingProbe.flashTimes(file);
        assertThat(flashes).hasSize(3);
        for (int k = 1; k <= 3; k++) {
            assertThat(flashes.get(k - 1)).as("flash %d", k).isCloseTo(0.5 + 2.0 * k, within(1.0 / FPS));
        }
    }

    @Test
    void beepsAreFoundWithinFiveMillisecondsOfEveryMultipleOfTwoSeconds() {
        List<Double> beeps = RecordingProbe.beepTimes(file);
        assertThat(beeps).hasSize(3);
        for (int k = 1; k <= 3; k++) {
            assertThat(beeps.get(k - 1)).as("beep %d", k).isCloseTo(0.5 + 2.0 * k, within(0.005));
        }
        double offset = RecordingProbe.avOffsetMillis(RecordingProbe.flashTimes(file), beeps);
        assertThat(offset).isCloseTo(0, within(5.0));
    }

    @Test
    void aRegionSeesOnlyItsOwnTile() throws Exception {
        // two tiles side by side: the left one is the file, the right one the file 1 s later
        Path grid = dir.resolve("grid.mkv");
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-i", file.toString(), "-filter_complex",
                "[0:v]split[a][b];[b]tpad=start_duration=1:color=black[c];[a][c]hstack=shortest=1[v]",
                "-map", "[v]", "-c:v", "mpeg4", "-q:v", "3", grid.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(Files.size(grid)).isPositive();

        List<Double> left = RecordingProbe.flashTimes(grid, new RecordingProbe.Region(0, 0, WIDTH, HEIGHT));
        List<Double> right = RecordingProbe.flashTimes(grid, new RecordingProbe.Region(WIDTH, 0, WIDTH, HEIGHT));
        List<Double> whole = RecordingProbe.flashTimes(grid);
        assertThat(left).hasSize(3);
        assertThat(right).hasSizeBetween(2, 3);
        for (int i = 0; i < right.size(); i++) {
            assertThat(right.get(i) - left.get(i)).as("the right tile is 1 s late").isCloseTo(1.0, within(1.5 / FPS));
        }
        assertThat(whole).as("half the picture white is not a flash").isEmpty();
    }

    @Test
    void avOffsetIsTheMedianOfMatchedPairs() {
        assertThat(RecordingProbe.avOffsetMillis(List.of(2.0, 4.0, 6.0, 8.0), List.of(2.010, 4.012, 6.5, 9.5, 30.0)))
                .isCloseTo(12.0, within(1e-9));
        assertThat(RecordingProbe.avOffsetMillis(List.of(2.0, 4.0), List.of(1.990, 4.030)))
                .isCloseTo(10.0, within(1e-9));
        assertThatThrownBy(() -> RecordingProbe.avOffsetMillis(List.of(2.0), List.of(5.0)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
