package org.chorus.recording.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.testing.media.GridTestFrames;
import org.chorus.testing.media.RecordingProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridOutputFileTest {

    @TempDir
    Path folder;

    @Test
    void writesAFragmentedMp4WhoseTilesFollowJoinsAndLeaves() throws Exception {
        GridOutput grid = new GridOutput(new OutputSpec(folder, Layout.GRID, Mode.FILE, null, "a1-"));
        GridFeeder feeder = new GridFeeder(grid);
        List<byte[]> tone = GridTestFrames.opusTone(440, 0.3f, 50);
        feeder.add("red@example.org", 10, GridFeeder.solid(320, 240, 255, 0, 0), tone, 0, 6_000_000);
        feeder.add("green@example.org", 20, GridFeeder.solid(320, 240, 0, 255, 0), tone, 0, Long.MAX_VALUE / 2);
        feeder.add("blue@example.org", 30, GridFeeder.solid(320, 240, 0, 0, 255), tone, 2_000_000,
                Long.MAX_VALUE / 2);

        feeder.runTo(8_000_000, null); // much faster than real time: the clock follows advance
        List<OutputFile> files = grid.finish();

        assertThat(files).hasSize(1);
        OutputFile file = files.get(0);
        assertThat(file.name()).isEqualTo("a1-grid.mp4");
        assertThat(file.participantId()).isNull();
        assertThat(file.kind()).isNull();
        assertThat(file.codec()).isEqualTo("h264+aac");
        assertThat(file.startMicros()).isZero();
        assertThat(file.durationMicros()).isCloseTo(8_000_000L, within(200_000L));

        Path mp4 = folder.resolve("a1-grid.mp4");
        RecordingProbe.ProbeResult probe = RecordingProbe.probe(mp4);
        assertThat(probe.streams("video")).singleElement().satisfies(s -> {
            assertThat(s.codecName()).isEqualTo("h264");
            assertThat(s.width()).isEqualTo(1280);
            assertThat(s.height()).isEqualTo(720);
        });
        assertThat(probe.streams("audio")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("aac"));
        assertThat(probe.duration()).as("duration of %s", probe).isCloseTo(8.0, within(0.2));

        Map<Long, Frame> at = grabAt(mp4, 1_000_000, 4_000_000, 7_000_000);
        GridGeometry geometry = new GridGeometry(1280, 720);

        // t=1 s: red and green side by side
        assertThat(tileColours(at.get(1_000_000L), geometry, 2)).containsExactly(Colour.RED, Colour.GREEN);
        // t=4 s: blue joined at 2 s; 2×2 with the fourth cell empty
        assertThat(tileColours(at.get(4_000_000L), geometry, 3))
                .containsExactly(Colour.RED, Colour.GREEN, Colour.BLUE, Colour.BLACK);
        // t=7 s: red left at 6 s; green and blue side by side
        assertThat(tileColours(at.get(7_000_000L), geometry, 2)).containsExactly(Colour.GREEN, Colour.BLUE);
        assertThat(Files.size(mp4)).isPositive();
    }

    @Test
    void decodesH264AnnexBInputToo() throws Exception {
        GridOutput grid = new GridOutput(new OutputSpec(folder, Layout.GRID, Mode.FILE, null, ""));
        GridFeeder feeder = new GridFeeder(grid);
        feeder.add("h264@example.org", 10, GridTestFrames.h264Solid(320, 180, 0, 0, 255, 60, 30),
                GridTestFrames.opusTone(300, 0.2f, 50), 0, Long.MAX_VALUE / 2).videoCodec = Codec.H264;
        feeder.runTo(2_000_000, null);
        assertThat(grid.finish()).singleElement().extracting(OutputFile::name).isEqualTo("grid.mp4");

        Map<Long, Frame> at = grabAt(folder.resolve("grid.mp4"), 1_000_000);
        GridGeometry geometry = new GridGeometry(1280, 720);
        assertThat(tileColours(at.get(1_000_000L), geometry, 1)).containsExactly(Colour.BLUE);
    }

    @Test
    void abortNeverThrowsAndStopsTakingMedia() {
        GridOutput grid = new GridOutput(new OutputSpec(folder, Layout.GRID, Mode.FILE, null, "x-"));
        GridFeeder feeder = new GridFeeder(grid);
        feeder.add("red@example.org", 10, GridFeeder.solid(320, 240, 255, 0, 0),
                GridTestFrames.opusTone(440, 0.3f, 10), 0, Long.MAX_VALUE / 2);
        feeder.runTo(1_500_000, null);
        grid.abort();
        grid.abort();
        feeder.runTo(2_000_000, null); // ignored after the abort
        assertThat(folder.resolve("x-grid.mp4")).exists();
    }

    enum Colour {
        RED,
        GREEN,
        BLUE,
        BLACK,
        OTHER
    }

    /** The colours at the centres of all cells of the grid for {@code tiles} participants. */
    static List<Colour> tileColours(Frame frame, GridGeometry geometry, int tiles) {
        int cells = GridGeometry.columns(tiles) * GridGeometry.rows(tiles);
        Colour[] out = new Colour[cells];
        for (int i = 0; i < cells; i++) {
            GridGeometry.Rect cell = geometry.cell(i, tiles);
            out[i] = colourAt(frame, cell.centreX(), cell.centreY());
        }
        return List.of(out);
    }

    static Colour colourAt(Frame frame, int x, int y) {
        ByteBuffer pixels = (ByteBuffer) frame.image[0];
        int stride = frame.imageStride;
        int b = 0;
        int g = 0;
        int r = 0;
        int n = 0;
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                int i = (y + dy) * stride + (x + dx) * 3;
                b += pixels.get(i) & 0xff;
                g += pixels.get(i + 1) & 0xff;
                r += pixels.get(i + 2) & 0xff;
                n++;
            }
        }
        r /= n;
        g /= n;
        b /= n;
        if (r < 40 && g < 40 && b < 40) {
            return Colour.BLACK;
        }
        if (r > 180 && g < 80 && b < 80) {
            return Colour.RED;
        }
        if (g > 180 && r < 80 && b < 80) {
            return Colour.GREEN;
        }
        if (b > 180 && r < 80 && g < 80) {
            return Colour.BLUE;
        }
        return Colour.OTHER;
    }

    /** Decodes the file and keeps a copy of the picture at (or just after) each of the given times. */
    static Map<Long, Frame> grabAt(Path file, long... times) throws Exception {
        Map<Long, Frame> out = new HashMap<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabImage()) != null && out.size() < times.length) {
                for (long t : times) {
                    if (!out.containsKey(t) && frame.timestamp >= t) {
                        out.put(t, frame.clone());
                    }
                }
            }
            grabber.stop();
        }
        assertThat(out).as("pictures at %s", java.util.Arrays.toString(times)).hasSize(times.length);
        return out;
    }
}
