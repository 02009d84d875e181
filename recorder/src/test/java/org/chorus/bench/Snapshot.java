package org.chorus.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;

/**
 * CPU counters at one edge of a measured window: the writer child's and this JVM's whole-process
 * CPU, the calling thread's own CPU, every process on the machine (for the load), and per-thread
 * CPU of both JVMs (for where the time goes).
 */
record Snapshot(long nanos, long childTicks, long selfTicks, long threadCpuNanos, Map<Long, Long> all,
        Map<Long, Proc.ThreadTicks> childThreads, Map<Long, Proc.ThreadTicks> selfThreads) {

    /** Takes the calling thread's CPU last on the way in, so the snapshot's own reading is not counted. */
    static Snapshot start(long childPid) {
        Map<Long, Long> all = Proc.all();
        Map<Long, Proc.ThreadTicks> childThreads = Proc.threads(childPid);
        Map<Long, Proc.ThreadTicks> selfThreads = Proc.threads(Proc.self());
        long self = Proc.ticks(Proc.self());
        long child = Proc.ticks(childPid);
        return new Snapshot(System.nanoTime(), child, self, threadCpu(), all, childThreads, selfThreads);
    }

    /** Takes the calling thread's CPU first on the way out. */
    static Snapshot end(long childPid) {
        long thread = threadCpu();
        long nanos = System.nanoTime();
        long child = Proc.ticks(childPid);
        long self = Proc.ticks(Proc.self());
        return new Snapshot(nanos, child, self, thread, Proc.all(), Proc.threads(childPid), Proc.threads(Proc.self()));
    }

    private static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    double seconds(Snapshot start) {
        return (nanos - start.nanos) / 1e9;
    }

    double childCpu(Snapshot start) {
        return (double) (childTicks - start.childTicks) / Proc.HZ;
    }

    double selfCpu(Snapshot start) {
        return (double) (selfTicks - start.selfTicks) / Proc.HZ;
    }

    double threadCpu(Snapshot start) {
        return (threadCpuNanos - start.threadCpuNanos) / 1e9;
    }

    /** Cores the other processes of the machine used during the window. */
    double otherCores(Snapshot start, Set<Long> excluded) {
        return Proc.otherSeconds(start.all, all, excluded) / seconds(start);
    }
}
