package org.chorus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.chorus.media.ProcessFigures;

/**
 * CPU and heap of processes, from Linux's /proc and the JDK's jcmd: what the whole process used,
 * the kernel's accounting, with nothing left out (garbage collection, the JIT compiler, timers and
 * signalling threads count as much as the forwarding thread).
 */
final class ProcStats {
    /** Clock ticks a second of /proc's CPU times. */
    static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcStats() {}

    /** User plus system CPU time of a whole process (all its threads, living and dead), in ticks. */
    static long processTicks(long pid) {
        return ticksOf(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** CPU ticks of each living thread of a process, by thread id, with its (kernel, 15-character) name. */
    static Map<Long, ThreadTicks> threadTicks(long pid) {
        Map<Long, ThreadTicks> out = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                    out.put(Long.parseLong(task.getFileName().toString()), new ThreadTicks(name, ticksOf(task.resolve("stat"))));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return out;
    }

    record ThreadTicks(String name, long ticks) {}

    /** Living threads of a process by group (see {@link #group}). */
    static Map<String, Integer> threadGroups(long pid) {
        Map<String, Integer> out = new HashMap<>();
        threadTicks(pid).values().forEach(t -> out.merge(group(t.name()), 1, Integer::sum));
        return out;
    }

    /**
     * CPU seconds per thread group between two samples: thread names with their numbers replaced
     * by '#', largest first.
     */
    static Map<String, Double> byThreadGroup(Map<Long, ThreadTicks> before, Map<Long, ThreadTicks> after) {
        Map<String, Long> ticks = new HashMap<>();
        for (Map.Entry<Long, ThreadTicks> e : after.entrySet()) {
            ThreadTicks earlier = before.get(e.getKey());
            long delta = e.getValue().ticks() - (earlier == null ? 0 : earlier.ticks());
            if (delta > 0) {
                ticks.merge(group(e.getValue().name()), delta, Long::sum);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        ticks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), (double) e.getValue() / TICKS_PER_SECOND));
        return out;
    }

    /** A thread's name with its instance number (after '-', '#', ' ' or '_', or at the end) replaced by '#'. */
    static String group(String threadName) {
        return threadName.replaceAll("#?[0-9]+$", "#").replaceAll("(?<=[-_ @])[0-9]+", "#");
    }

    /**
     * CPU ticks of every process on the machine, by pid. Summing the per-process figures is more
     * faithful here than /proc/stat, whose tick sampling disagrees with the per-process accounting
     * in a virtual machine.
     */
    static Map<Long, Long> allProcessTicks() {
        Map<Long, Long> out = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path p : dir) {
                out.put(Long.parseLong(p.getFileName().toString()), ticksOf(p.resolve("stat")));
            }
        } catch (IOException e) {
            // leave it empty
        }
        return out;
    }

    /** CPU ticks between two samples of processes other than {@code excluded} that lived through both. */
    static long otherProcessTicks(Map<Long, Long> before, Map<Long, Long> after, java.util.Set<Long> excluded) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long earlier = before.get(e.getKey());
            if (earlier != null && !excluded.contains(e.getKey())) {
                sum += Math.max(0, e.getValue() - earlier);
            }
        }
        return sum;
    }

    /** A JVM's live objects (total bytes, and bytes by class), and its number of threads then. */
    record Heap(long bytes, Map<String, Long> bytesByClass, int threads) {

        /** The classes that grew most from {@code before} to this, with their growth in bytes. */
        List<Map.Entry<String, Long>> largestGrowth(Heap before, int limit) {
            Map<String, Long> growth = new HashMap<>();
            bytesByClass.forEach((k, v) -> growth.put(k, v - before.bytesByClass.getOrDefault(k, 0L)));
            return growth.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit).toList();
        }
    }

    /**
     * The live heap of a JVM from jcmd's class histogram, which runs a full collection first and then
     * sums the size of every object still reachable. A collection before that, and a pause for the
     * finalizer thread, let garbage that only a finalizer still references go too: ice4j's
     * {@code Agent} has a {@code finalize()}, so a closed ICE session's whole object graph (with the
     * gateway's leg and subscription) outlives the first collection that finds it unreachable.
     */
    static Heap liveHeap(long pid) throws InterruptedException {
        ProcessFigures.jcmd(pid, "GC.run");
        Thread.sleep(1000);
        Map<String, Long> byClass = new HashMap<>();
        List<String> lines = ProcessFigures.jcmd(pid, "GC.class_histogram");
        for (String raw : lines) {
            String line = raw.trim();
            if (line.startsWith("Total")) {
                String[] f = line.split("\\s+");
                return new Heap(Long.parseLong(f[f.length - 1]), byClass, threadTicks(pid).size());
            }
            String[] f = line.split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) { // " num:  #instances  #bytes  class name (module)"
                byClass.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        throw new IllegalStateException("no class histogram from process " + pid + ": " + lines);
    }

    /** Pauses of a JVM's collectors so far: {count, milliseconds}, from its performance counters. */
    static long[] gcPauses(long pid) {
        Map<String, String> counters = new HashMap<>();
        for (String line : ProcessFigures.jcmd(pid, "PerfCounter.print")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                counters.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        long frequency = Long.parseLong(counters.getOrDefault("sun.os.hrt.frequency", "1000000000"));
        long count = 0;
        long ticks = 0;
        for (int c = 0; c <= 1; c++) { // 0: young (and mixed) pauses, 1: full collections
            count += Long.parseLong(counters.getOrDefault("sun.gc.collector." + c + ".invocations", "0"));
            ticks += Long.parseLong(counters.getOrDefault("sun.gc.collector." + c + ".time", "0"));
        }
        return new long[] {count, ticks * 1000 / frequency};
    }

    /**
     * Datagrams the kernel dropped because a UDP socket's receive buffer was full, summed over the
     * sockets a process has open (the last column of /proc/net/udp; sockets found through
     * /proc/PID/fd). Counts since each socket was opened.
     */
    static long udpDrops(long pid) {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return udpDrops(socket -> inodes.contains(socket[9]));
    }

    /**
     * Datagrams the kernel dropped for full receive buffers at every UDP socket bound to a local
     * port, whichever process holds it (the last column of /proc/net/udp and udp6, the local port
     * being the hex number after the colon of the second column). Counts since each socket was opened.
     */
    static long udpDropsOnPort(int port) {
        String hexPort = String.format(":%04X", port);
        return udpDrops(socket -> socket[1].endsWith(hexPort));
    }

    /**
     * The drops (last column) summed over the sockets of /proc/net/udp and udp6 that {@code which}
     * takes; it is given a line's columns, split at blanks.
     */
    private static long udpDrops(Predicate<String[]> which) {
        long drops = 0;
        for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (int i = 1; i < lines.size(); i++) {
                    String[] f = lines.get(i).trim().split("\\s+");
                    if (f.length > 12 && which.test(f)) {
                        drops += Long.parseLong(f[f.length - 1]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table
            }
        }
        return drops;
    }

    /** The pid of this JVM. */
    static long self() {
        return ProcessHandle.current().pid();
    }

    private static long ticksOf(Path stat) {
        try {
            String s = Files.readString(stat, StandardCharsets.UTF_8);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
