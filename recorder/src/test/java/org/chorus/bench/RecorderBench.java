package org.chorus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.chorus.testing.media.EncodedFrame;
import org.chorus.testing.media.MarkedAv;
import org.slf4j.LoggerFactory;

/**
 * The recorder bench (docs/performance.md): CPU per stream of the {@code tracks} layout, CPU and
 * memory of the {@code grid} composition, and the media lost when a writer is killed, each with a
 * reference run of Debian's ffmpeg on the same media in the same run. Not a test: run it with the
 * {@code bench} Maven profile of the recorder module. It stops by itself.
 */
public final class RecorderBench {
    private RecorderBench() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        quietLogging();
        BenchSettings s = BenchSettings.fromSystemProperties();
        startWatchdog(900);
        Path work = Files.createTempDirectory("chorus-recorder-bench-");
        System.out.println("Chorus recorder bench");
        System.out.println("  machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + Proc.cpuModel()
                + "), " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", load average before: " + loadAverage());
        System.out.println("  settings: " + s);
        int exit = 0;
        TracksBench.Media media = null;
        List<String> summary = new ArrayList<>();
        for (String part : s.parts()) {
            try {
                switch (part.trim()) {
                    case "tracks" -> {
                        media = media != null ? media : encode(s);
                        summary.add(tracks(TracksBench.run(s, media, work)));
                    }
                    case "grid" -> summary.add(grid(GridBench.run(s, work)));
                    case "kill" -> {
                        media = media != null ? media : encode(s);
                        summary.add(kills(KillBench.run(s, media, work)));
                    }
                    default -> throw new IllegalArgumentException("no such part: " + part);
                }
            } catch (Exception | AssertionError e) {
                System.out.println("[bench] " + part + " failed: " + e);
                e.printStackTrace(System.out);
                exit = 1;
            }
        }
        System.out.println();
        summary.forEach(System.out::println);
        System.out.println("load average after: " + loadAverage());
        if (s.keepFiles() || exit != 0) {
            System.out.println("Files kept in " + work);
        } else {
            deleteTree(work);
        }
        System.out.flush();
        System.exit(exit);
    }

    /** One participant's camera and microphone, encoded once before anything is measured. */
    private static TracksBench.Media encode(BenchSettings s) {
        double seconds = Math.max(s.warmup() + s.duration(), s.killMax()) + 1;
        long t0 = System.nanoTime();
        List<EncodedFrame> video = new ArrayList<>();
        List<EncodedFrame> audio = new ArrayList<>();
        try (MarkedAv av = new MarkedAv(s.width(), s.height(), 30)) {
            while (video.size() < seconds * 30) {
                video.add(av.nextVideo());
            }
            while (audio.size() < seconds * 50) {
                audio.add(av.nextAudio());
            }
        }
        long bytes = video.stream().mapToLong(f -> f.data().length).sum();
        System.out.printf("[media] %.0f s of VP8 %dx%d@30 (%.0f kbit/s) + Opus encoded in %.1f s (not measured)%n",
                seconds, s.width(), s.height(), bytes * 8 / seconds / 1000, (System.nanoTime() - t0) / 1e9);
        return new TracksBench.Media(List.copyOf(video), List.copyOf(audio));
    }

    private static String tracks(TracksBench.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("TRACKS %d streams, %.1f s measured in real time%n", r.streams(), r.media()));
        b.append(String.format("  writer child CPU %.2f s, recorder JVM CPU %.2f s (receive thread %.2f s)%n",
                r.childCpu(), r.selfCpu(), r.threadCpu()));
        b.append(String.format("  recorder CPU per stream: %.4f CPU-s per media-s = %.2f %% of a core "
                + "(child %.2f %%, receive side %.2f %%)%n", r.perStream(), 100 * r.perStream(),
                100 * r.childCpu() / r.media() / r.streams(), 100 * r.selfCpu() / r.media() / r.streams()));
        b.append(String.format("  writer child RSS: VmHWM %d KiB, VmRSS %d KiB (one recording of %d streams)%n",
                r.childHwmKib(), r.childRssKib(), r.streams()));
        double refCpu = r.reference().stream().mapToDouble(FfmpegCli.Usage::cpuSeconds).sum();
        long refRss = r.reference().stream().mapToLong(FfmpegCli.Usage::maxRssKib).max().orElse(0);
        b.append(String.format("  reference, %d x ffmpeg -re -c copy, %.0f s each: CPU %.2f s = %.4f CPU-s per "
                + "media-s per stream = %.2f %% of a core (loop only %.2f %%); max RSS %d KiB per process%n",
                r.reference().size(), r.referenceMedia(), refCpu, r.referencePerStream(),
                100 * r.referencePerStream(), 100 * r.referenceLoopPerStream(), refRss));
        b.append(String.format("  recorder / ffmpeg CPU per stream: %.2f%n", r.perStream() / r.referencePerStream()));
        b.append(String.format("  child threads (%% of a core): %s%n", String.join(", ", r.childSplit())));
        b.append(String.format("  recorder JVM threads (%% of a core): %s%n", String.join(", ", r.selfSplit())));
        b.append(String.format("  receive side: %d packets, %d lost, %d frames out, %d dropped, %d NACKed; "
                + "latest handling %.1f ms; files hold %.1f s of media; other processes %.2f cores%n",
                r.totals().packets(), r.totals().lostPackets(), r.totals().framesOut(), r.totals().framesDropped(),
                r.totals().nacksSent(), r.maxLateMs(), r.filesMicros() / 1e6, r.otherCores()));
        return b.toString();
    }

    private static String grid(GridBench.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("GRID 4 x 1280x720 VP8 + Opus -> 1280x720@30 H.264 (openh264) + AAC, %.0f s of media%n",
                r.media()));
        b.append(String.format("  writer child CPU %.2f s in %.2f s wall: %.3f CPU-s per media-s, %.3f wall-s per "
                + "media-s; peak RSS (VmHWM) %d KiB; feeding JVM %.2f CPU-s; output %.1f s; other processes %.2f cores%n",
                r.childCpu(), r.wall(), r.childCpu() / r.media(), r.wall() / r.media(), r.childHwmKib(), r.selfCpu(),
                r.outputSeconds(), r.otherCores()));
        FfmpegCli.Usage f = r.reference();
        b.append(String.format("  reference, ffmpeg xstack + libx264 veryfast + AAC: CPU %.2f s in %.2f s wall: "
                + "%.3f CPU-s per media-s (loop only %.3f), %.3f wall-s per media-s; max RSS %d KiB%n",
                f.cpuSeconds(), f.wallSeconds(), f.cpuSeconds() / r.referenceMedia(),
                f.loopCpuSeconds() / r.referenceMedia(), f.wallSeconds() / r.referenceMedia(), f.maxRssKib()));
        b.append(String.format("  child threads (%% of a core): %s%n", String.join(", ", r.childSplit())));
        return b.toString();
    }

    private static String kills(List<KillBench.Kill> kills) {
        double[] v = kills.stream().mapToDouble(KillBench.Kill::videoLoss).sorted().toArray();
        double[] a = kills.stream().mapToDouble(KillBench.Kill::audioLoss).sorted().toArray();
        return String.format("KILL -9 %d writers: video lost min %.3f / median %.3f / max %.3f s, "
                + "audio lost min %.3f / median %.3f / max %.3f s%n", kills.size(), v[0], median(v), v[v.length - 1],
                a[0], median(a), a[a.length - 1]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }

    /** The writers' log lines are relayed through this JVM's logback; keep the report readable. */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static void startWatchdog(long seconds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000);
                System.out.println("[bench] time limit of " + seconds + " s reached; giving up");
                System.out.flush();
                Runtime.getRuntime().halt(2);
            } catch (InterruptedException e) {
                // exiting
            }
        }, "bench-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
