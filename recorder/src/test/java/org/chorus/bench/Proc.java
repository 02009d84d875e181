package org.chorus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and memory of processes from Linux's /proc: the kernel's own accounting of a whole
 * process, so that nothing the recorder costs is left out (FFmpeg's native code, the garbage
 * collector and the JIT compiler count as much as the Java code that moves frames).
 */
final class Proc {
    /** Clock ticks a second of /proc's CPU times. */
    static final long HZ = ticksPerSecond();

    private Proc() {}

    /** User plus system CPU ticks of a whole process (all its threads, living and ended), or -1 when it is gone. */
    static long ticks(long pid) {
        return ticksOf(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** A line of /proc/PID/status such as {@code VmHWM} (peak resident memory) in KiB, or -1. */
    static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** CPU ticks of each living thread by thread id, with the thread's name in the kernel. */
    static Map<Long, ThreadTicks> threads(long pid) {
        Map<Long, ThreadTicks> out = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : dir) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                    long t = ticksOf(task.resolve("stat"));
                    if (t >= 0) {
                        out.put(Long.parseLong(task.getFileName().toString()), new ThreadTicks(name, t));
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return out;
    }

    record ThreadTicks(String name, long ticks) {}

    /**
     * CPU seconds per thread group between two samples, largest first; a group is a thread name
     * with its numbers replaced by '#', so that e.g. the GC's worker threads add up.
     */
    static Map<String, Double> byGroup(Map<Long, ThreadTicks> before, Map<Long, ThreadTicks> after) {
        Map<String, Long> ticks = new HashMap<>();
        after.forEach((tid, t) -> {
            ThreadTicks earlier = before.get(tid);
            long delta = t.ticks() - (earlier == null ? 0 : earlier.ticks());
            if (delta > 0) {
                ticks.merge(t.name().replaceAll("[0-9]+", "#"), delta, Long::sum);
            }
        });
        Map<String, Double> out = new LinkedHashMap<>();
        ticks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), (double) e.getValue() / HZ));
        return out;
    }

    /** CPU ticks of every process on the machine, by pid: to tell how busy the machine was. */
    static Map<Long, Long> all() {
        Map<Long, Long> out = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path p : dir) {
                long t = ticksOf(p.resolve("stat"));
                if (t >= 0) {
                    out.put(Long.parseLong(p.getFileName().toString()), t);
                }
            }
        } catch (IOException e) {
            // leave it empty
        }
        return out;
    }

    /** CPU seconds between two samples of the processes, other than {@code excluded}, that lived through both. */
    static double otherSeconds(Map<Long, Long> before, Map<Long, Long> after, Set<Long> excluded) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long earlier = before.get(e.getKey());
            if (earlier != null && !excluded.contains(e.getKey())) {
                sum += Math.max(0, e.getValue() - earlier);
            }
        }
        return (double) sum / HZ;
    }

    static long self() {
        return ProcessHandle.current().pid();
    }

    /** The CPU model from /proc/cpuinfo, for the report. */
    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static long ticksOf(Path stat) {
        try {
            String s = Files.readString(stat, StandardCharsets.UTF_8);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
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
