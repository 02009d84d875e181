package org.chorus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference: Debian's {@code ffmpeg} command doing a comparable job on the same media, under
 * {@code /usr/bin/time} for the whole process's CPU and peak RSS (startup included) and with
 * {@code -benchmark} for ffmpeg's own count of its processing loop (startup and opening the files
 * excluded).
 */
final class FfmpegCli {
    private static final Pattern TIME = Pattern.compile("^TIME ([0-9.]+) ([0-9.]+) ([0-9]+) ([0-9.]+)$",
            Pattern.MULTILINE);
    private static final Pattern BENCH = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s");

    /**
     * One finished ffmpeg.
     *
     * @param cpuSeconds     user + system CPU of the whole process
     * @param loopCpuSeconds ffmpeg's {@code -benchmark} figure: its processing loop only
     * @param maxRssKib      peak resident memory
     * @param wallSeconds    elapsed time
     */
    record Usage(double cpuSeconds, double loopCpuSeconds, long maxRssKib, double wallSeconds) {}

    private final Process process;
    private final Path log;

    private FfmpegCli(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code ffmpeg -hide_banner -nostdin -benchmark <args>}; its output goes to {@code log}. */
    static FfmpegCli start(Path log, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %U %S %M %e", "ffmpeg",
                "-hide_banner", "-nostdin", "-benchmark", "-nostats", "-loglevel", "info"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new FfmpegCli(p, log);
    }

    Usage await() throws IOException, InterruptedException {
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("ffmpeg did not finish; see " + log);
        }
        String out = Files.readString(log);
        Matcher t = TIME.matcher(out);
        Matcher b = BENCH.matcher(out);
        if (process.exitValue() != 0 || !t.find()) {
            throw new IOException("ffmpeg failed (exit " + process.exitValue() + "): " + out);
        }
        double loop = b.find() ? Double.parseDouble(b.group(1)) + Double.parseDouble(b.group(2)) : Double.NaN;
        return new Usage(Double.parseDouble(t.group(1)) + Double.parseDouble(t.group(2)), loop,
                Long.parseLong(t.group(3)), Double.parseDouble(t.group(4)));
    }

    /** Several ffmpeg processes at once, e.g. one per stream; waits for all. */
    static List<Usage> runAll(List<Path> logs, List<List<String>> args) throws IOException, InterruptedException {
        List<FfmpegCli> running = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            running.add(start(logs.get(i), args.get(i)));
        }
        List<Usage> out = new ArrayList<>();
        for (FfmpegCli f : running) {
            out.add(f.await());
        }
        return out;
    }
}
