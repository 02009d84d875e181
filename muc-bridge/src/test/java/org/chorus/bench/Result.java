package org.chorus.bench;

import java.util.List;

/**
 * One system's figures from one run.
 *
 * @param idle what the system used with every member connected and no media flowing, before the media
 * @param idleWarm the same, sampled again after the media, once the code of the established call has
 *     been compiled (the first sample still pays the JIT compiler for the join and consent paths)
 * @param joinSeconds from the first member's join to every leg secure (Chorus), or to every member
 *     registered (the relay)
 * @param ownDrops the packets the system says it dropped itself, when it exposes them
 * @param heapAfter the live heap after every member left; null when not measured
 */
record Result(String system, BenchConfig config, Measurement.Window window, Measurement.Idle idle,
        Measurement.Idle idleWarm, double joinSeconds,
        long received, long expected, long p50Nanos, long p99Nanos, long maxNanos, ProcStats.Heap heapEmpty,
        ProcStats.Heap heapFull, ProcStats.Heap heapAfter, OwnDrops.Reading ownDrops, List<String> notes) {

    static Result of(String system, BenchConfig config, Measurement.Window window, Measurement.Idle idle,
            Measurement.Idle idleWarm, double joinSeconds, Receipts receipts, ProcStats.Heap heapEmpty, ProcStats.Heap heapFull,
            ProcStats.Heap heapAfter, OwnDrops.Reading ownDrops, List<String> notes) {
        long expected = window.sentMeasured() * (config.participants() - 1);
        return new Result(system, config, window, idle, idleWarm, joinSeconds, receipts.measured.sum(), expected,
                receipts.latency.percentileNanos(0.50), receipts.latency.percentileNanos(0.99),
                receipts.latency.maxNanos(), heapEmpty, heapFull, heapAfter, ownDrops, notes);
    }

    /** Packets delivered to the receivers a second, over the window. */
    double forwardedPps() {
        return received / window.seconds();
    }

    double packetsPerCpuSecond() {
        return window.targetCpuSeconds() == 0 ? Double.NaN : received / window.targetCpuSeconds();
    }

    /** CPU microseconds the system spent per delivered packet. */
    double cpuMicrosPerPacket() {
        return received == 0 ? Double.NaN : window.targetCpuSeconds() * 1e6 / received;
    }

    /** The same, without the CPU the established call costs when idle (timers, consent checks). */
    double marginalCpuMicrosPerPacket() {
        double busy = window.targetCpuSeconds() - idle.cpuShare() * window.seconds();
        return received == 0 ? Double.NaN : busy * 1e6 / received;
    }

    double lossPercent() {
        return expected == 0 ? 0 : 100.0 * (expected - received) / expected;
    }

    double heapPerParticipantKib() {
        return (heapFull.bytes() - heapEmpty.bytes()) / 1024.0 / config.participants();
    }

    /** Live heap with everyone in the call minus before anyone joined, over the call's legs. */
    double heapPerLegKib() {
        return (heapFull.bytes() - heapEmpty.bytes()) / 1024.0 / config.legs();
    }

    /** CPU milliseconds a second per leg with everyone connected and no media. */
    double idleMillisPerLegSecond() {
        return idle.cpuShare() * 1000 / config.legs();
    }

    /** The same after the media, with the established call's code compiled. */
    double idleWarmMillisPerLegSecond() {
        return idleWarm.cpuShare() * 1000 / config.legs();
    }
}
