package org.chorus.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the receiving participants got, recorded on their receive threads: latency of measured
 * packets, counts per (receiver, sender) pair, and anything unexpected.
 */
final class Receipts {
    final LatencyHistogram latency = new LatencyHistogram();
    private final int participants;
    private final int senders;
    private final AtomicLongArray measuredByPair;
    private final AtomicLongArray warmupByPair;
    final LongAdder measured = new LongAdder();
    final LongAdder outsideWindow = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder ownPackets = new LongAdder();

    Receipts(int participants, int senders) {
        this.participants = participants;
        this.senders = senders;
        this.measuredByPair = new AtomicLongArray(participants * senders);
        this.warmupByPair = new AtomicLongArray(participants * senders);
    }

    /** One received RTP packet; {@code now} is System.nanoTime() taken as it arrived. */
    void record(int receiver, byte[] buf, int off, int len, long now) {
        int p = BenchPayload.payloadOffset(buf, off, len);
        if (p < 0 || !BenchPayload.hasMagic(buf, p)) {
            malformed.increment();
            return;
        }
        int sender = BenchPayload.sender(buf, p);
        if (sender >= senders) {
            malformed.increment();
            return;
        }
        if (sender == receiver) {
            ownPackets.increment();
            return;
        }
        int phase = BenchPayload.phase(buf, p);
        if (phase == BenchPayload.MEASURED) {
            latency.record(now - BenchPayload.sentNanos(buf, p));
            measuredByPair.incrementAndGet(receiver * senders + sender);
            measured.increment();
        } else {
            if (phase == BenchPayload.WARMUP) {
                warmupByPair.incrementAndGet(receiver * senders + sender);
            }
            outsideWindow.increment();
        }
    }

    /** (receiver, sender) pairs, other than a sender with itself, that got nothing during the warm-up. */
    int silentPairsDuringWarmup() {
        int silent = 0;
        for (int r = 0; r < participants; r++) {
            for (int s = 0; s < senders; s++) {
                if (r != s && warmupByPair.get(r * senders + s) == 0) {
                    silent++;
                }
            }
        }
        return silent;
    }

    /**
     * How the packets missing in the window spread over (receiver, sender) pairs, given what each
     * sender sent: loss in transit spreads thinly, a session that ended shows as one pair's gap.
     */
    String lossByPair(long[] sentBySender) {
        long total = 0;
        int pairs = 0;
        long largest = 0;
        int largestReceiver = -1;
        int largestSender = -1;
        for (int r = 0; r < participants; r++) {
            for (int s = 0; s < senders; s++) {
                if (r == s) {
                    continue;
                }
                long lost = sentBySender[s] - measuredByPair.get(r * senders + s);
                if (lost > 0) {
                    total += lost;
                    pairs++;
                    if (lost > largest) {
                        largest = lost;
                        largestReceiver = r;
                        largestSender = s;
                    }
                }
            }
        }
        return total == 0 ? "" : total + " packets missing over " + pairs + " (receiver, sender) pairs; the largest gap "
                + largest + " of " + sentBySender[largestSender] + " (participant " + largestReceiver + " from sender "
                + largestSender + ")";
    }

    /** Pairs that got nothing in the measured window. */
    int silentPairsMeasured() {
        int silent = 0;
        for (int r = 0; r < participants; r++) {
            for (int s = 0; s < senders; s++) {
                if (r != s && measuredByPair.get(r * senders + s) == 0) {
                    silent++;
                }
            }
        }
        return silent;
    }
}
