package org.chorus.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.rtp.StreamReceiver;
import org.chorus.recording.writer.WriterProcess;
import org.chorus.testing.media.EncodedFrame;
import org.chorus.testing.media.TestWebmWriter;

/**
 * The {@code tracks} layout: N participants' VP8 and Opus as RTP, in real time, through the
 * receive path ({@link RtpReplay}) into a real writer child ({@link WriterProcess}) that copies each
 * stream into its own WebM. Measured over a window after a warm-up: the child's whole-process CPU,
 * this JVM's (the receive path, the pipe, GC and JIT; the media were encoded before), the replay
 * thread's own CPU, and the child's peak RSS. Then the reference in the same run: one
 * {@code ffmpeg -re -i in.webm -c copy out.webm} per stream, all at once, on the same frames.
 */
final class TracksBench {

    /** The figures of one run. */
    record Result(int streams, double media, double childCpu, double selfCpu, double threadCpu, long childHwmKib,
            long childRssKib, double otherCores, double maxLateMs, StreamReceiver.Stats totals, long filesMicros,
            List<String> childSplit, List<String> selfSplit, List<FfmpegCli.Usage> reference, double referenceMedia) {

        double recorderCpu() {
            return childCpu + selfCpu;
        }

        /** CPU-seconds per media-second per stream, child and receive side together. */
        double perStream() {
            return recorderCpu() / media / streams;
        }

        double referencePerStream() {
            return reference.stream().mapToDouble(FfmpegCli.Usage::cpuSeconds).sum() / referenceMedia / streams;
        }

        double referenceLoopPerStream() {
            return reference.stream().mapToDouble(FfmpegCli.Usage::loopCpuSeconds).sum() / referenceMedia / streams;
        }
    }

    private TracksBench() {}

    static Result run(BenchSettings s, Media media, Path work) throws Exception {
        Path folder = Files.createDirectories(work.resolve("tracks"));
        long total = (s.warmup() + s.duration()) * 1_000_000L;
        SplittableRandom random = new SplittableRandom(s.seed());
        WriterProcess writer = WriterProcess.start(new OutputSpec(folder, Layout.TRACKS, Mode.FILE, null, "b-"),
                new WriterProcess.Options("bench-tracks", "256m", Duration.ofSeconds(60)));
        writer.ready().get(60, TimeUnit.SECONDS);
        RtpReplay replay = new RtpReplay(writer);
        long start = System.nanoTime() + 200_000_000L;
        for (int i = 0; i < s.participants(); i++) {
            // staggered by 7 ms so that the participants' frames do not all arrive at once
            RtpParticipant p = new RtpParticipant("p" + i + "@bench.example", media.video(), media.audio(),
                    i * 7_000_000L, total, random);
            replay.add(p, 2 * i, 2 * i + 1, start);
        }
        long pid = writer.pid();
        Snapshot[] edges = new Snapshot[2];
        long warm = s.warmup() * 1_000_000_000L;
        long end = warm + s.duration() * 1_000_000_000L;
        System.out.printf("[tracks] %d streams, %d packets, %d s warm-up + %d s measured, in real time%n",
                replay.streams(), replay.packetsScheduled(), s.warmup(), s.duration());
        replay.run(start, end + 1, new long[] {warm, end},
                new RtpReplay.Mark[] {() -> edges[0] = Snapshot.start(pid), () -> edges[1] = Snapshot.end(pid)});
        long hwm = Proc.statusKib(pid, "VmHWM");
        long rss = Proc.statusKib(pid, "VmRSS");
        replay.close();
        List<OutputFile> files = writer.finish();
        long filesMicros = files.stream().mapToLong(OutputFile::durationMicros).sum();
        Snapshot a = edges[0];
        Snapshot b = edges[1];
        double window = b.seconds(a);
        List<String> childSplit = split(Proc.byGroup(a.childThreads(), b.childThreads()), window);
        List<String> selfSplit = split(Proc.byGroup(a.selfThreads(), b.selfThreads()), window);
        double other = b.otherCores(a, Set.of(pid, Proc.self()));
        List<FfmpegCli.Usage> reference = reference(s, media, work);
        return new Result(replay.streams(), window, b.childCpu(a), b.selfCpu(a), b.threadCpu(a), hwm, rss, other,
                replay.maxLateMillis(), replay.totals(), filesMicros, childSplit, selfSplit, reference, s.duration());
    }

    /** One {@code ffmpeg -re} per stream, all at once, copying the window's worth of the same frames. */
    private static List<FfmpegCli.Usage> reference(BenchSettings s, Media media, Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("tracks-ffmpeg"));
        long until = s.duration() * 1_000_000L;
        List<List<String>> args = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < s.participants(); i++) {
            Path v = dir.resolve("in-video-" + i + ".webm");
            Path a = dir.resolve("in-audio-" + i + ".webm");
            try (TestWebmWriter w = new TestWebmWriter(v, s.width(), s.height(), false)) {
                media.video().stream().filter(f -> f.ptsMicros() < until)
                        .forEach(f -> w.writeVideo(f.ptsMicros(), f.keyframe(), f.data()));
            }
            try (TestWebmWriter w = new TestWebmWriter(a, 0, 0, true)) {
                media.audio().stream().filter(f -> f.ptsMicros() < until).forEach(f -> w.writeAudio(f.ptsMicros(), f.data()));
            }
            for (Path in : List.of(v, a)) {
                String name = in.getFileName().toString().replace("in-", "out-");
                args.add(List.of("-re", "-i", in.toString(), "-c", "copy", "-y", dir.resolve(name).toString()));
                logs.add(dir.resolve(name + ".log"));
            }
        }
        System.out.printf("[tracks] reference: %d x ffmpeg -re -i <stream>.webm -c copy out.webm, at once%n",
                args.size());
        return FfmpegCli.runAll(logs, args);
    }

    /** "name 0.12" entries of the largest thread groups, as cores. */
    static List<String> split(java.util.Map<String, Double> groups, double seconds) {
        List<String> out = new ArrayList<>();
        groups.entrySet().stream().limit(6)
                .forEach(e -> out.add(String.format("%s %.2f%%", e.getKey(), 100 * e.getValue() / seconds)));
        return out;
    }

    /** One participant's pre-encoded camera and microphone, shared by every participant. */
    record Media(List<EncodedFrame> video, List<EncodedFrame> audio) {}
}
