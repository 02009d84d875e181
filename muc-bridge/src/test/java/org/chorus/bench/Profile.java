package org.chorus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.chorus.media.ProcessFigures;

/**
 * An optional JDK Flight Recorder profile of the forwarding thread over the measured window
 * ({@code -Dbench.profile=true}): which methods its busy samples were in, inclusive of callees.
 * Recording costs CPU, so a profiled run's figures are not the ones to quote.
 *
 * <p>JFR samples Java code ({@code jdk.ExecutionSample}, every 10 ms with the {@code profile}
 * settings) and, separately, threads inside native methods ({@code jdk.NativeMethodSample}, every
 * 20 ms, so each counts twice). Native samples of a thread waiting for a datagram are idle time and
 * left out; those in a send or an OpenSSL call are busy time.
 */
final class Profile {
    private static final String NAME = "bench";
    private static final List<String> WAITING = List.of("receive0", "Net.poll", "park", "epollWait", "wait0", "Object.wait");

    private Profile() {}

    static void start(long pid) {
        ProcessFigures.jcmd(pid, "JFR.start name=" + NAME + " settings=profile");
    }

    static Path stop(long pid, Path dir) {
        Path file = dir.resolve("profile-" + pid + ".jfr");
        ProcessFigures.jcmd(pid, "JFR.stop name=" + NAME + " filename=" + file);
        return file;
    }

    /** The methods most often on the busy stacks of threads whose name contains {@code thread}. */
    static List<String> summarize(Path recording, String thread, int top) {
        Map<String, Double> inclusive = new HashMap<>();
        Map<String, Double> self = new HashMap<>();
        double total = 0;
        boolean inEvent = false;
        boolean inStack = false;
        boolean wanted = false;
        double weight = 1;
        List<String> stack = new ArrayList<>();
        for (String raw : jfrPrint(recording)) {
            String line = raw.trim();
            if (line.startsWith("jdk.ExecutionSample {") || line.startsWith("jdk.NativeMethodSample {")) {
                inEvent = true;
                wanted = false;
                weight = line.startsWith("jdk.Native") ? 2 : 1;
                stack.clear();
            } else if (inEvent && line.startsWith("sampledThread = ")) {
                wanted = line.contains(thread);
            } else if (inEvent && line.startsWith("stackTrace = [")) {
                inStack = true;
            } else if (inStack && line.equals("]")) {
                inStack = false;
            } else if (inStack) {
                if (!line.equals("...")) {
                    int paren = line.indexOf('(');
                    stack.add(paren > 0 ? line.substring(0, paren) : line);
                }
            } else if (inEvent && line.equals("}")) {
                inEvent = false;
                if (wanted && !stack.isEmpty() && WAITING.stream().noneMatch(w -> stack.get(0).contains(w))) {
                    total += weight;
                    self.merge(stack.get(0), weight, Double::sum);
                    Set<String> seen = new HashSet<>(stack);
                    for (String method : seen) {
                        inclusive.merge(method, weight, Double::sum);
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        double n = total;
        out.add(String.format("%.0f busy samples (10 ms each) of the thread '%s'", n, thread));
        out.add("inclusive:");
        inclusive.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.add(String.format("  %5.1f%%  %s", 100 * e.getValue() / n, e.getKey())));
        out.add("self:");
        self.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.add(String.format("  %5.1f%%  %s", 100 * e.getValue() / n, e.getKey())));
        return out;
    }

    private static List<String> jfrPrint(Path recording) {
        Path jfr = Path.of(System.getProperty("java.home"), "bin", "jfr");
        try {
            Process p = new ProcessBuilder(jfr.toString(), "print", "--stack-depth", "64", "--events",
                    "jdk.ExecutionSample,jdk.NativeMethodSample", recording.toString()).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            }
            p.waitFor(120, TimeUnit.SECONDS);
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jfr", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
