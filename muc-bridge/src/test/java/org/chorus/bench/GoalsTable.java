package org.chorus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The goals table of the media-plane work (docs/performance.md, "Goals"), one column per system of
 * the run, Chorus and the plain relay side by side, printed as Markdown so that a run can be pasted
 * into the docs as it is.
 */
final class GoalsTable {
    private GoalsTable() {}

    /** One row: the figure, how each system's value is written, and the goal. */
    private record Row(String figure, Function<Result, String> value, String goal) {}

    static List<String> lines(List<Result> results, String loadAverage) {
        if (results.isEmpty()) {
            return List.of();
        }
        BenchConfig c = results.get(0).config();
        Optional<Result> relay = results.stream().filter(r -> !r.system().equals("Chorus")).findFirst();
        List<Row> rows = List.of(
                new Row("idle CPU per leg, ms a second (connected, no media, " + c.idle().toSeconds() + " s)",
                        r -> String.format("%.3f (%.1f %% of a core)", r.idleMillisPerLegSecond(), 100 * r.idle().cpuShare()),
                        "≤ 0.05"),
                new Row("the same after the media (the call's code compiled), ms a second",
                        r -> String.format("%.3f (%.1f %% of a core)", r.idleWarmMillisPerLegSecond(),
                                100 * r.idleWarm().cpuShare()),
                        "≤ 0.05"),
                new Row("threads of the process (connected; before the call; after it)",
                        r -> r.heapFull().threads() + " (" + r.heapEmpty().threads() + "; "
                                + (r.heapAfter() == null ? "–" : Integer.toString(r.heapAfter().threads())) + ")",
                        "fixed, by cores"),
                new Row("live heap per leg, KiB (connected after media, minus empty)",
                        r -> String.format("%.1f", r.heapPerLegKib()), "≤ 48"),
                new Row("loss over " + c.duration().toSeconds() + " s of media",
                        r -> String.format("%.3f %%", r.lossPercent()), "0 %"),
                new Row("one-way latency p50 / p99, ms", r -> String.format("%.2f / %.2f", r.p50Nanos() / 1e6,
                        r.p99Nanos() / 1e6), ""),
                new Row("added latency p50 / p99 over the relay, ms", r -> relay.filter(b -> b != r)
                        .map(b -> String.format("%+.2f / %+.2f", (r.p50Nanos() - b.p50Nanos()) / 1e6,
                                (r.p99Nanos() - b.p99Nanos()) / 1e6)).orElse("–"), "p99 ≤ 5"),
                new Row("forwarded packets per CPU-second (× the relay's)", r -> String.format("%.0f", r.packetsPerCpuSecond())
                        + relay.filter(b -> b != r).map(b -> String.format(" (%.2f×)", r.packetsPerCpuSecond()
                                / b.packetsPerCpuSecond())).orElse(""), "≥ 0.65×"),
                new Row("time to bring all members into the call, s", r -> String.format("%.1f", r.joinSeconds()),
                        "≤ 10 (25 members)"),
                new Row("kernel drops at the media port (window; since it opened)",
                        r -> r.window().targetUdpDrops() + "; " + r.window().targetUdpDropsSinceOpen(), ""),
                new Row("the system's own drops", r -> r.ownDrops().exposed() ? Long.toString(r.ownDrops().total())
                        : "not exposed", ""),
                new Row("load generator, cores (window); its kernel drops",
                        r -> String.format("%.2f; %d", r.window().loadGeneratorCpuSeconds() / r.window().seconds(),
                                r.window().loadGeneratorUdpDrops()), ""),
                new Row("other processes, cores (window)",
                        r -> String.format("%.2f", r.window().otherProcessesCpuSeconds() / r.window().seconds()), ""));
        List<String> out = new ArrayList<>();
        out.add(String.format("Goals table: %d senders + %d receivers = %d members, %d legs; load average %s",
                c.senders(), c.receivers(), c.participants(), c.legs(), loadAverage));
        out.add("");
        StringBuilder header = new StringBuilder("| figure |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Result r : results) {
            header.append(' ').append(r.system()).append(" |");
            rule.append("---|");
        }
        out.add(header.append(" goal |").toString());
        out.add(rule.append("---|").toString());
        for (Row row : rows) {
            StringBuilder line = new StringBuilder("| ").append(row.figure()).append(" |");
            for (Result r : results) {
                line.append(' ').append(row.value().apply(r)).append(" |");
            }
            out.add(line.append(' ').append(row.goal()).append(" |").toString());
        }
        out.add("");
        out.add("Legs: (N + M)² for Chorus (each member's own session and one per (publisher, receiver) pair); the "
                + "relay's idle CPU and heap are divided by the same number.");
        return out;
    }
}
