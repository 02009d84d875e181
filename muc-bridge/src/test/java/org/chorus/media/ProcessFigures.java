package org.chorus.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What another JVM on this machine holds, as the kernel and the JDK's jcmd report it: its living
 * threads ({@code Threads:} of /proc/PID/status) and its live heap (the heap in use right after
 * full collections, from {@code jcmd PID GC.heap_info}). The benches' figures run their jcmd
 * through it too.
 */
public final class ProcessFigures {
    private static final Pattern USED = Pattern.compile("\\bused (\\d+)K");

    private ProcessFigures() {}

    /** The number of threads the process has now. */
    static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        throw new IllegalStateException("no Threads line in /proc/" + pid + "/status");
    }

    /**
     * The heap in use after full collections, in bytes. Two collections with a pause between
     * them: objects that only a finalizer still references (ice4j's agents have one) go with the
     * second.
     */
    static long liveHeapBytes(long pid) throws InterruptedException {
        jcmd(pid, "GC.run");
        Thread.sleep(500);
        jcmd(pid, "GC.run");
        List<String> info = jcmd(pid, "GC.heap_info");
        for (String line : info) {
            Matcher m = USED.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1)) * 1024;
            }
        }
        throw new IllegalStateException("no heap figure from jcmd " + pid + " GC.heap_info: " + info);
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** Runs {@code jcmd PID} with a command and its arguments (separated by spaces) and returns what it printed. */
    public static List<String> jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
            args.addAll(List.of(command.split(" ")));
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + command + " did not finish");
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
