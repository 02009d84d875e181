package org.chorus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The media-plane load generator (docs/performance.md): N synthetic SRTP senders and M receivers
 * through the real gateway on a real Prosody, then the same members and traffic through a plain
 * UDP relay, in one run, on loopback. Prints one table with, for each: forwarded packets a second,
 * the CPU of the forwarding process, forwarded packets per CPU-second, one-way latency p50, p99
 * and max, loss, and live heap per participant. Not a test: run it with the {@code bench} Maven
 * profile. It stops by itself.
 */
public final class LoadGenerator {
    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        quietLogging();
        Locale.setDefault(Locale.ROOT);
        BenchConfig config = BenchConfig.fromSystemProperties();
        long limitSeconds = 300 + 2 * (config.warmup().toSeconds() + config.duration().toSeconds() + 2 * config.idle().toSeconds() + 4)
                + 15L * config.participants();
        startWatchdog(limitSeconds);
        Path workDir = Files.createTempDirectory("chorus-bench-");
        System.out.println("Chorus media-plane load generator");
        System.out.println("  machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", everything on 127.0.0.1");
        System.out.println("  load:    " + config);
        System.out.println("  expected forwarded packets a second: " + config.expectedForwardedPps()
                + " (each sender's packets to the " + (config.participants() - 1) + " other participants)");
        System.out.println("  time limit: " + limitSeconds + " s");
        String loadAtStart = loadAverage();
        System.out.println("  load average at start: " + loadAtStart);
        List<Result> results = new ArrayList<>();
        int exit = 0;
        for (String system : config.systems()) {
            try {
                results.add(system.equals("chorus") ? ChorusScenario.run(config, workDir) : RelayScenario.run(config, workDir));
            } catch (Exception | AssertionError e) {
                System.out.println("[bench] " + system + " failed: " + e);
                e.printStackTrace(System.out);
                exit = 1;
            }
        }
        printTable(results);
        String loadAtEnd = loadAverage();
        System.out.println();
        GoalsTable.lines(results, "(1, 5, 15 min) " + loadAtStart + " at start, " + loadAtEnd + " at the end")
                .forEach(System.out::println);
        if (config.keepFiles() || exit != 0 || ChorusScenario.keepFiles[0]) {
            System.out.println("Logs kept in " + workDir);
        } else {
            deleteTree(workDir);
        }
        System.out.flush();
        System.exit(exit);
    }

    static void printTable(List<Result> results) {
        if (results.isEmpty()) {
            return;
        }
        BenchConfig c = results.get(0).config();
        System.out.println();
        System.out.printf("N=%d senders, M=%d receivers, %d pkt/s per sender (%d audio x %d B + %d video x %d B), "
                + "%d s warm-up, %d s measured%n", c.senders(), c.receivers(), c.packetsPerSender(), c.audioPps(),
                c.audioBytes(), c.effectiveVideoPps(), c.videoBytes(), c.warmup().toSeconds(), c.duration().toSeconds());
        String header = String.format("%-10s %3s %3s %8s %7s %10s %7s %12s %9s %9s %9s %7s %10s",
                "system", "N", "M", "pps/snd", "secs", "fwd pps", "CPU s", "fwd/CPU-s", "p50 us", "p99 us", "max us",
                "loss %", "KiB/part");
        System.out.println(header);
        System.out.println("-".repeat(header.length()));
        for (Result r : results) {
            System.out.printf("%-10s %3d %3d %8d %7.1f %10.0f %7.2f %12.0f %9.0f %9.0f %9.0f %7.3f %10.1f%n",
                    r.system(), c.senders(), c.receivers(), c.packetsPerSender(), r.window().seconds(), r.forwardedPps(),
                    r.window().targetCpuSeconds(), r.packetsPerCpuSecond(), r.p50Nanos() / 1e3, r.p99Nanos() / 1e3,
                    r.maxNanos() / 1e3, r.lossPercent(), r.heapPerParticipantKib());
        }
        System.out.println();
        for (Result r : results) {
            Measurement.Window w = r.window();
            System.out.printf("%s: %d sent, %d expected at receivers, %d received; %.1f us CPU per forwarded packet "
                    + "(%.1f us above the idle call); %.0f%% of one core, %.1f%% when idle before the media%n", r.system(), w.sentMeasured(),
                    r.expected(), r.received(), r.cpuMicrosPerPacket(), r.marginalCpuMicrosPerPacket(),
                    100 * w.targetCpuSeconds() / w.seconds(), 100 * r.idle().cpuShare());
            System.out.printf("  cores busy: system under test %.2f, load generator %.2f%s, other processes %.2f (of %d)%n",
                    w.targetCpuSeconds() / w.seconds(), w.loadGeneratorCpuSeconds() / w.seconds(),
                    w.xmppServerCpuSeconds() > 0 ? String.format(", Prosody %.2f", w.xmppServerCpuSeconds() / w.seconds()) : "",
                    w.otherProcessesCpuSeconds() / w.seconds(), Runtime.getRuntime().availableProcessors());
            System.out.printf("  GC in the window: %d pauses, %d ms; pacer's worst lag %.1f ms; datagrams dropped by the "
                    + "kernel for full receive buffers: %d at the media port of the system under test (%d since it opened), "
                    + "%d at the load generator%n", w.gcPauses(), w.gcPauseMillis(), w.maxLagNanos() / 1e6,
                    w.targetUdpDrops(), w.targetUdpDropsSinceOpen(), w.loadGeneratorUdpDrops());
            System.out.println("  its own drops: " + r.ownDrops() + "; members in the call in " + String.format("%.1f s",
                    r.joinSeconds()));
            System.out.printf("  live heap: %.2f MiB empty, %.2f MiB with %d participants%s; threads %d, %d%s%n",
                    r.heapEmpty().bytes() / 1048576.0, r.heapFull().bytes() / 1048576.0, c.participants(),
                    r.heapAfter() == null ? "" : String.format(", %.2f MiB after they left", r.heapAfter().bytes() / 1048576.0),
                    r.heapEmpty().threads(), r.heapFull().threads(),
                    r.heapAfter() == null ? "" : ", " + r.heapAfter().threads());
            StringBuilder growth = new StringBuilder("  heap growth by class (KiB):");
            for (Map.Entry<String, Long> e : r.heapFull().largestGrowth(r.heapEmpty(), 6)) {
                growth.append(String.format(" %s %.0f;", e.getKey(), e.getValue() / 1024.0));
            }
            System.out.println(growth);
            if (r.heapAfter() != null) {
                StringBuilder kept = new StringBuilder("  kept after they left, by class (KiB):");
                for (Map.Entry<String, Long> e : r.heapAfter().largestGrowth(r.heapEmpty(), 6)) {
                    kept.append(String.format(" %s %.0f;", e.getKey(), e.getValue() / 1024.0));
                }
                System.out.println(kept);
            }
            System.out.println(threadLine("  CPU s by thread in the window:", w.targetThreads(), "%.2f"));
            w.targetThreads().entrySet().stream().findFirst().ifPresent(busiest -> System.out.printf(
                    "  busiest thread (%s): %.1f us CPU per forwarded packet%n", busiest.getKey(),
                    busiest.getValue() * 1e6 / Math.max(1, r.received())));
            System.out.println(threadLine("  idle call before the media, CPU ms a second by thread:",
                    scaled(r.idle().threads(), 1000), "%.1f"));
            System.out.println(threadLine("  idle call after the media, CPU ms a second by thread:",
                    scaled(r.idleWarm().threads(), 1000), "%.1f"));
            if (!w.profile().isEmpty()) {
                System.out.println("  profile of the forwarding thread (JFR was recording: these CPU figures include its cost):");
                w.profile().forEach(line -> System.out.println("    " + line));
            }
            for (String note : r.notes()) {
                System.out.println("  note: " + note);
            }
        }
        if (results.size() == 2) {
            Result a = results.get(0);
            Result b = results.get(1);
            System.out.printf("%n%s / %s: forwarded packets per CPU-second %.3f, p50 latency %+.0f us, p99 latency %+.0f us%n",
                    a.system(), b.system(), a.packetsPerCpuSecond() / b.packetsPerCpuSecond(),
                    (a.p50Nanos() - b.p50Nanos()) / 1e3, (a.p99Nanos() - b.p99Nanos()) / 1e3);
        }
    }

    private static String threadLine(String title, Map<String, Double> groups, String format) {
        StringBuilder line = new StringBuilder(title);
        if (groups.isEmpty()) {
            line.append(" (none)");
        }
        groups.entrySet().stream().limit(10).forEach(e -> line.append(' ').append(e.getKey()).append(' ')
                .append(String.format(format, e.getValue())).append(';'));
        return line.toString();
    }

    private static Map<String, Double> scaled(Map<String, Double> groups, double factor) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, v * factor));
        return out;
    }

    private static void quietLogging() {
        org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        // Smack reports, through java.util.logging, stanzas that cross a connection being closed
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
    }

    private static void startWatchdog(long seconds) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("[bench] time limit of " + seconds + " s reached; stopping");
            System.out.flush();
            System.exit(2); // the shutdown hooks stop Prosody and the child processes
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** The 1, 5 and 15 minute load averages of the machine, from /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
