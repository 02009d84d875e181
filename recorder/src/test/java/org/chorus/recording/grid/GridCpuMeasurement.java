package org.chorus.recording.grid;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputSpec;
import org.chorus.testing.media.GridTestFrames;
import org.chorus.testing.media.RecordingProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what the grid costs: CPU-seconds per media-second for four 1280×720 VP8 inputs with
 * audio into a file, and the process's peak RSS. Off by default; run it with
 * {@code mvn -o -pl recorder test -Dtest=GridCpuMeasurement -Dgrid.measure=true}.
 */
@EnabledIfSystemProperty(named = "grid.measure", matches = "true")
class GridCpuMeasurement {
    private static final long MEDIA_MICROS = 20_000_000;

    @TempDir
    Path folder;

    @Test
    void fourHdInputs() throws Exception {
        GridOutput grid = new GridOutput(new OutputSpec(folder, Layout.GRID, Mode.FILE, null, ""));
        GridFeeder feeder = new GridFeeder(grid);
        for (int i = 0; i < 4; i++) {
            List<GridTestFrames.VideoFrame> video = GridTestFrames.vp8Moving(1280, 720, 60, 60, i);
            feeder.add("p" + i + "@example.org", 10 * (i + 1), video, GridTestFrames.opusTone(200 + 100 * i, 0.2f, 50),
                    0, Long.MAX_VALUE / 2);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long wallStart = System.nanoTime();
        feeder.runTo(MEDIA_MICROS, null);
        grid.finish();
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double media = MEDIA_MICROS / 1e6;
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: ?");
        System.out.printf("GRID-MEASURE media=%.1fs cpu=%.2fs wall=%.2fs cpuPerMediaSecond=%.3f %s%n", media, cpu,
                wall, cpu / media, rss.replaceAll("\\s+", " "));
        assertThat(RecordingProbe.probe(folder.resolve("grid.mp4")).duration()).isGreaterThan(media - 0.5);
    }
}
