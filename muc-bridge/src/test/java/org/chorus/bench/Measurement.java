package org.chorus.bench;

import java.util.List;
import java.util.Map;

/**
 * Runs the traffic (warm-up, then the measured window) and samples, at the window's edges, the CPU
 * of the system under test (a whole process), of the load generator, of the XMPP server if any, and
 * of all other processes, plus the collector pauses and UDP drops of the system under test.
 */
final class Measurement {

    /** What was sampled over one window. */
    record Window(double seconds, double targetCpuSeconds, Map<String, Double> targetThreads, double loadGeneratorCpuSeconds,
            double xmppServerCpuSeconds, double otherProcessesCpuSeconds, long gcPauses, long gcPauseMillis,
            long sentMeasured, long refused, long maxLagNanos, long targetUdpDrops, long targetUdpDropsSinceOpen,
            long loadGeneratorUdpDrops, List<String> profile, long[] sentBySender) {}

    private Measurement() {}

    /** What a process used while every member was connected and nothing was sent. */
    record Idle(double cpuShare, Map<String, Double> threads) {}

    /** Samples a process's CPU while nothing is sent: the fixed cost of the established call. */
    static Idle idle(long pid, long millis) throws InterruptedException {
        Map<Long, ProcStats.ThreadTicks> threads0 = ProcStats.threadTicks(pid);
        long t0 = System.nanoTime();
        long c0 = ProcStats.processTicks(pid);
        Thread.sleep(millis);
        long c1 = ProcStats.processTicks(pid);
        long t1 = System.nanoTime();
        Map<Long, ProcStats.ThreadTicks> threads1 = ProcStats.threadTicks(pid);
        double seconds = (t1 - t0) / 1e9;
        Map<String, Double> perSecond = new java.util.LinkedHashMap<>();
        ProcStats.byThreadGroup(threads0, threads1).forEach((k, v) -> perSecond.put(k, v / seconds));
        return new Idle((c1 - c0) / (double) ProcStats.TICKS_PER_SECOND / seconds, perSecond);
    }

    /**
     * @param targetPort the UDP port the system under test receives media on: its kernel drops are
     *     read for that port ({@link ProcStats#udpDropsOnPort}), every socket bound to it included
     * @param forwardingThread part of the name of the system's forwarding thread, for the optional profile
     * @param workDir where a profile recording goes
     */
    static Window run(BenchConfig config, Traffic traffic, long targetPid, int targetPort, long xmppServerPid,
            String forwardingThread,
            java.nio.file.Path workDir) throws InterruptedException {
        traffic.start();
        Thread.sleep(config.warmup().toMillis());
        if (config.profile()) {
            Profile.start(targetPid);
        }
        long[] gc0 = ProcStats.gcPauses(targetPid);
        Map<Long, ProcStats.ThreadTicks> threads0 = ProcStats.threadTicks(targetPid);
        long xmpp0 = xmppServerPid > 0 ? ProcStats.processTicks(xmppServerPid) : 0;
        long targetDrops0 = ProcStats.udpDropsOnPort(targetPort);
        long selfDrops0 = ProcStats.udpDrops(ProcStats.self());
        long self0 = ProcStats.processTicks(ProcStats.self());
        Map<Long, Long> all0 = ProcStats.allProcessTicks();
        long target0 = ProcStats.processTicks(targetPid);
        long t0 = System.nanoTime();
        traffic.phase(BenchPayload.MEASURED);

        Thread.sleep(config.duration().toMillis());

        traffic.phase(BenchPayload.AFTER);
        long t1 = System.nanoTime();
        long target1 = ProcStats.processTicks(targetPid);
        Map<Long, Long> all1 = ProcStats.allProcessTicks();
        long self1 = ProcStats.processTicks(ProcStats.self());
        long xmpp1 = xmppServerPid > 0 ? ProcStats.processTicks(xmppServerPid) : 0;
        Map<Long, ProcStats.ThreadTicks> threads1 = ProcStats.threadTicks(targetPid);
        long[] gc1 = ProcStats.gcPauses(targetPid);
        List<String> profile = config.profile()
                ? Profile.summarize(Profile.stop(targetPid, workDir), forwardingThread, 25) : List.of();
        Thread.sleep(1000); // packets still on their way
        long targetDrops1 = ProcStats.udpDropsOnPort(targetPort);
        long selfDrops1 = ProcStats.udpDrops(ProcStats.self());
        traffic.stop();
        Thread.sleep(300);
        double tick = ProcStats.TICKS_PER_SECOND;
        return new Window((t1 - t0) / 1e9, (target1 - target0) / tick, ProcStats.byThreadGroup(threads0, threads1),
                (self1 - self0) / tick, (xmpp1 - xmpp0) / tick,
                ProcStats.otherProcessTicks(all0, all1, java.util.Set.of(targetPid, ProcStats.self(), xmppServerPid)) / tick,
                gc1[0] - gc0[0], gc1[1] - gc0[1], traffic.sentMeasuredTotal(), traffic.refused(), traffic.maxLagNanos(),
                targetDrops1 - targetDrops0, targetDrops1, selfDrops1 - selfDrops0, profile, traffic.sentMeasuredBySender());
    }
}
