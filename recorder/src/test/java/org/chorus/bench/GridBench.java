package org.chorus.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.chorus.recording.writer.WriterProcess;
import org.chorus.testing.media.GridTestFrames;
import org.chorus.testing.media.TestWebmWriter;

/**
 * The {@code grid} layout: four 1280×720 VP8 + Opus participants composed into one 1280×720@30
 * H.264 + AAC fragmented MP4 by a real writer child. The frames go in as fast as the child takes
 * them (the pipe blocks when it is busy), so CPU-seconds per media-second and wall-seconds per
 * media-second say how far from real time it is. The window runs from after a warm-up to the
 * child's exit (trailer included): a sampler reads the child's CPU every 20 ms until it is gone.
 * The reference in the same run: ffmpeg scaling the same four inputs to 640×360, stacking them with
 * {@code xstack}, mixing the audio with {@code amix}, and encoding libx264 + AAC.
 */
final class GridBench {
    static final int INPUTS = 4;
    static final int WIDTH = 1280;
    static final int HEIGHT = 720;

    /** The figures of one run. */
    record Result(double media, double childCpu, double wall, double selfCpu, long childHwmKib, double otherCores,
            double outputSeconds, List<String> childSplit, FfmpegCli.Usage reference, double referenceMedia) {}

    private GridBench() {}

    static Result run(BenchSettings s, Path work) throws Exception {
        Path folder = Files.createDirectories(work.resolve("grid"));
        long warm = s.warmup() * 1_000_000L;
        long until = warm + s.duration() * 1_000_000L;
        long t0 = System.nanoTime();
        FrameFeed feed = new FrameFeed();
        List<List<GridTestFrames.VideoFrame>> videos = new ArrayList<>();
        List<List<byte[]>> audios = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            // 2 s of moving pictures with a keyframe at the start, replayed in a loop
            videos.add(GridTestFrames.vp8Moving(WIDTH, HEIGHT, 60, 60, i));
            audios.add(GridTestFrames.opusTone(200 + 100 * i, 0.2f, 50));
            for (long f = 0; f * 1_000_000 / 30 < until; f++) {
                GridTestFrames.VideoFrame v = videos.get(i).get((int) (f % 60));
                feed.add(10 * i, f * 1_000_000 / 30, v.keyframe(), v.data());
            }
            for (long a = 0; a * 20_000 < until; a++) {
                feed.add(10 * i + 1, a * 20_000, true, audios.get(i).get((int) (a % 50)));
            }
        }
        System.out.printf("[grid] %d x %dx%d VP8 + Opus encoded in %.1f s (not measured); %d s warm-up + %d s "
                + "measured, fed as fast as the writer takes them%n", INPUTS, WIDTH, HEIGHT,
                (System.nanoTime() - t0) / 1e9, s.warmup(), s.duration());

        WriterProcess writer = WriterProcess.start(new OutputSpec(folder, Layout.GRID, Mode.FILE, null, "b-"),
                new WriterProcess.Options("bench-grid", "256m", Duration.ofMinutes(5)));
        writer.ready().get(60, TimeUnit.SECONDS);
        long pid = writer.pid();
        for (int i = 0; i < INPUTS; i++) {
            String id = "p" + i + "@bench.example";
            writer.participantJoined(id, "p" + i, 0);
            writer.addStream(new StreamSpec(10 * i, id, "p" + i, Codec.VP8));
            writer.addStream(new StreamSpec(10 * i + 1, id, "p" + i, Codec.OPUS));
        }
        feed.feed(writer, warm, false, 0);
        Sampler sampler = new Sampler(pid);
        Snapshot a = Snapshot.start(pid);
        sampler.start();
        feed.feed(writer, until, false, 0);
        for (int i = 0; i < INPUTS; i++) {
            writer.removeStream(10 * i, until);
            writer.removeStream(10 * i + 1, until);
            writer.participantLeft("p" + i + "@bench.example", until);
        }
        writer.advance(until);
        long selfEnd = Proc.ticks(Proc.self());
        List<OutputFile> files = writer.finish();
        long exitNanos = System.nanoTime();
        sampler.join();
        double wall = (exitNanos - a.nanos()) / 1e9;
        double childCpu = (double) (sampler.lastTicks - a.childTicks()) / Proc.HZ;
        double other = Proc.otherSeconds(a.all(), Proc.all(), Set.of(pid, Proc.self())) / wall;
        double out = files.stream().mapToLong(OutputFile::durationMicros).max().orElse(0) / 1e6;
        List<String> split = TracksBench.split(Proc.byGroup(a.childThreads(), sampler.lastThreads), wall);
        FfmpegCli.Usage ref = reference(s, videos, audios, work);
        return new Result(s.duration(), childCpu, wall, (double) (selfEnd - a.selfTicks()) / Proc.HZ,
                sampler.hwmKib, other, out, split, ref, s.duration());
    }

    /** ffmpeg composing the same four inputs (the window's worth, written to WebM first), H.264 with libx264. */
    private static FfmpegCli.Usage reference(BenchSettings s, List<List<GridTestFrames.VideoFrame>> videos,
            List<List<byte[]>> audios, Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("grid-ffmpeg"));
        long until = s.duration() * 1_000_000L;
        List<String> args = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            Path in = dir.resolve("in-" + i + ".webm");
            try (TestWebmWriter w = new TestWebmWriter(in, WIDTH, HEIGHT, true)) {
                long f = 0;
                long a = 0;
                while (f * 1_000_000 / 30 < until || a * 20_000 < until) {
                    if (a * 20_000 < f * 1_000_000 / 30 || f * 1_000_000 / 30 >= until) {
                        w.writeAudio(a * 20_000, audios.get(i).get((int) (a++ % 50)));
                    } else {
                        GridTestFrames.VideoFrame v = videos.get(i).get((int) (f % 60));
                        w.writeVideo(f++ * 1_000_000 / 30, v.keyframe(), v.data());
                    }
                }
            }
            args.addAll(List.of("-i", in.toString()));
        }
        args.addAll(List.of("-filter_complex", REFERENCE_FILTER, "-map", "[v]", "-map", "[a]",
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", "2M", "-g", "60",
                "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2",
                "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-y", dir.resolve("out.mp4").toString()));
        System.out.println("[grid] reference: ffmpeg " + String.join(" ", args).replace(dir + "/", ""));
        return FfmpegCli.start(dir.resolve("ffmpeg.log"), args).await();
    }

    static final String REFERENCE_FILTER = "[0:v]scale=640:360[v0];[1:v]scale=640:360[v1];[2:v]scale=640:360[v2];"
            + "[3:v]scale=640:360[v3];[v0][v1][v2][v3]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0,fps=30[v];"
            + "[0:a][1:a][2:a][3:a]amix=inputs=4[a]";

    /** Reads the child's CPU and peak RSS every 20 ms until it exits, so that the last reading is just before the end. */
    private static final class Sampler extends Thread {
        private final long pid;
        volatile long lastTicks;
        volatile long hwmKib;
        volatile Map<Long, Proc.ThreadTicks> lastThreads = Map.of();

        Sampler(long pid) {
            super("bench-grid-sampler");
            setDaemon(true);
            this.pid = pid;
        }

        @Override
        public void run() {
            int n = 0;
            while (true) {
                long t = Proc.ticks(pid);
                long hwm = Proc.statusKib(pid, "VmHWM");
                if (t < 0 || hwm < 0) {
                    return;
                }
                lastTicks = t;
                hwmKib = hwm;
                if (n++ % 10 == 0) {
                    Map<Long, Proc.ThreadTicks> threads = Proc.threads(pid);
                    if (!threads.isEmpty()) {
                        lastThreads = threads;
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
