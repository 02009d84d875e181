package org.chorus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.chorus.recording.writer.WriterProcess;
import org.chorus.testing.media.EncodedFrame;

/**
 * The loss window of a writer killed with SIGKILL (a native crash ends it the same way): a
 * {@code tracks} writer is fed one participant's VP8 and Opus in real time, with the clock advanced
 * every 100 ms as the recorder does, and killed at a random moment; the system's {@code ffprobe}
 * then reads the last packet that reached each file. The loss is the pts of the last frame handed
 * to the writer minus the pts of the last packet in the file.
 */
final class KillBench {
    private static final int VIDEO = 1;
    private static final int AUDIO = 2;

    /** One kill: when, and the seconds lost per stream (NaN when the file could not be read). */
    record Kill(double atSeconds, double videoLoss, double audioLoss) {}

    private KillBench() {}

    static List<Kill> run(BenchSettings s, TracksBench.Media media, Path work) throws Exception {
        SplittableRandom random = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
        List<Kill> kills = new ArrayList<>();
        System.out.printf("[kill] %d writers killed with SIGKILL between %.1f and %.1f s of media (seed %d)%n",
                s.kills(), s.killMin(), s.killMax(), s.seed());
        for (int k = 0; k < s.kills(); k++) {
            double at = s.killMin() + random.nextDouble() * (s.killMax() - s.killMin());
            kills.add(once(k, at, media, Files.createDirectories(work.resolve("kill-" + k))));
            Kill last = kills.get(kills.size() - 1);
            System.out.printf("[kill] %2d at %.3f s: video lost %.3f s, audio lost %.3f s%n", k + 1, at,
                    last.videoLoss(), last.audioLoss());
        }
        return kills;
    }

    private static Kill once(int k, double atSeconds, TracksBench.Media media, Path folder) throws Exception {
        WriterProcess writer = WriterProcess.start(new OutputSpec(folder, Layout.TRACKS, Mode.FILE, null, "k-"),
                new WriterProcess.Options("bench-kill-" + k, "256m", Duration.ofSeconds(30)));
        writer.ready().get(60, TimeUnit.SECONDS);
        String id = "p@bench.example";
        writer.participantJoined(id, "p", 0);
        writer.addStream(new StreamSpec(VIDEO, id, "p", Codec.VP8));
        writer.addStream(new StreamSpec(AUDIO, id, "p", Codec.OPUS));
        FrameFeed feed = new FrameFeed();
        for (EncodedFrame f : media.video()) {
            feed.add(VIDEO, f.ptsMicros(), f.keyframe(), f.data());
        }
        for (EncodedFrame f : media.audio()) {
            feed.add(AUDIO, f.ptsMicros(), true, f.data());
        }
        long until = (long) (atSeconds * 1e6);
        long start = System.nanoTime();
        feed.feed(writer, until, true, start);
        long wait = start + until * 1000 - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        ProcessHandle child = ProcessHandle.of(writer.pid()).orElseThrow();
        child.destroyForcibly(); // SIGKILL
        child.onExit().get(10, TimeUnit.SECONDS);
        writer.abort();
        return new Kill(atSeconds, loss(folder.resolve("k-p-video-1.webm"), feed.lastPts(VIDEO)),
                loss(folder.resolve("k-p-audio-2.webm"), feed.lastPts(AUDIO)));
    }

    /** Seconds between the last frame fed and the last packet in the file; all of it when the file has none. */
    private static double loss(Path file, long lastFedMicros) throws IOException, InterruptedException {
        double fed = lastFedMicros / 1e6;
        if (!Files.exists(file)) {
            return fed;
        }
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "0", "-show_entries",
                "packet=pts_time", "-of", "csv=p=0", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        p.waitFor(60, TimeUnit.SECONDS);
        double last = Double.NaN;
        for (String line : out.split("\n")) {
            String v = line.replace(",", "").trim();
            if (!v.isEmpty() && !v.equals("N/A")) {
                double pts = Double.parseDouble(v);
                last = Double.isNaN(last) ? pts : Math.max(last, pts);
            }
        }
        return Double.isNaN(last) ? fed : fed - last;
    }
}
