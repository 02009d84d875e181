package org.chorus.media;

import java.util.Arrays;
import org.chorus.media.rtp.BufferPool;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.rtp.Rtcp;

/**
 * The NACKs the gateway passes on to one sender for packets it never got itself: the requests of
 * every receiver are merged and deduplicated, and go out as one compound RTCP packet (one generic
 * NACK per SSRC) at most once per {@code upstreamInterval}, however many receivers asked.
 *
 * <ul>
 *   <li>A sequence number asked less than {@code resendInterval} ago is not asked again.</li>
 *   <li>At most {@code upstreamMaxPerNack} sequence numbers wait for the next NACK; more are
 *       refused (the receiver asks again if it still misses them).</li>
 * </ul>
 * {@link #ask} is called from the feedback of any receiver, {@link #flushIfDue} from the sender's
 * packets and after a receiver's NACK: both briefly take this object's lock, never while sending.
 * The times are arguments, so that tests can use their own clock. Nothing allocates after
 * construction except the pooled buffer that carries the NACK.
 */
final class UpstreamNacks {

    /** Where the NACK goes: takes ownership of the buffer. */
    @FunctionalInterface
    interface Sender {
        void send(PacketBuffer packet);
    }

    /** Sequence numbers remembered for deduplication. */
    static final int REMEMBERED = 1024;

    private final long resendIntervalNanos;
    private final long flushIntervalNanos;
    private final long[] keys = new long[REMEMBERED];
    private final long[] askedAt = new long[REMEMBERED];
    private final int[] pendingSsrcs;
    private final int[] pendingSeqs;
    private final boolean[] written;
    private final int[] scratch;
    private int pendingCount;
    private long lastFlushNanos;
    private volatile boolean pending;

    UpstreamNacks(RetransmissionLimits limits, long nowNanos) {
        this.resendIntervalNanos = limits.resendInterval().toNanos();
        this.flushIntervalNanos = limits.upstreamInterval().toNanos();
        int max = limits.upstreamMaxPerNack();
        this.pendingSsrcs = new int[max];
        this.pendingSeqs = new int[max];
        this.written = new boolean[max];
        this.scratch = new int[max];
        this.lastFlushNanos = nowNanos - flushIntervalNanos;
    }

    /**
     * Queues a request for {@code seq} of {@code ssrc}; false when it was asked within the resend
     * interval or the next NACK is full.
     */
    synchronized boolean ask(int ssrc, int seq, long nowNanos) {
        long key = RetransmissionBudget.key(ssrc, seq);
        int slot = RetransmissionBudget.slot(ssrc, seq, REMEMBERED);
        if (keys[slot] == key && nowNanos - askedAt[slot] < resendIntervalNanos) {
            return false;
        }
        if (pendingCount == pendingSeqs.length) {
            return false;
        }
        keys[slot] = key;
        askedAt[slot] = nowNanos;
        pendingSsrcs[pendingCount] = ssrc;
        pendingSeqs[pendingCount] = seq & 0xFFFF;
        pendingCount++;
        pending = true;
        return true;
    }

    /** Whether requests wait: a cheap check for the sender's packet path. */
    boolean hasPending() {
        return pending;
    }

    /**
     * Sends what waits, as one compound packet from {@code senderSsrc}, if the last went out at
     * least an interval ago. Returns the number of sequence numbers sent.
     */
    int flushIfDue(long nowNanos, BufferPool pool, int senderSsrc, Sender sender) {
        PacketBuffer packet;
        int sent;
        synchronized (this) {
            if (pendingCount == 0 || nowNanos - lastFlushNanos < flushIntervalNanos) {
                return 0;
            }
            packet = pool.acquire();
            int length = write(packet.array(), PacketBuffer.HEADROOM, senderSsrc);
            packet.setOffsetAndLength(PacketBuffer.HEADROOM, length);
            sent = pendingCount;
            pendingCount = 0;
            pending = false;
            lastFlushNanos = nowNanos;
        }
        sender.send(packet);
        return sent;
    }

    /** One NACK per SSRC, its sequence numbers in order; under the lock. */
    private int write(byte[] buf, int off, int senderSsrc) {
        Arrays.fill(written, 0, pendingCount, false);
        int p = off;
        for (int i = 0; i < pendingCount; i++) {
            if (written[i]) {
                continue;
            }
            int ssrc = pendingSsrcs[i];
            int n = 0;
            for (int j = i; j < pendingCount; j++) {
                if (!written[j] && pendingSsrcs[j] == ssrc) {
                    written[j] = true;
                    scratch[n++] = pendingSeqs[j];
                }
            }
            sortWrapAware(scratch, n);
            p += Rtcp.writeNack(buf, p, senderSsrc, ssrc, scratch, n);
        }
        return p - off;
    }

    /** Insertion sort around the first number, so that a run across 65535 → 0 stays in order. */
    private static void sortWrapAware(int[] seqs, int n) {
        int reference = seqs[0] - 0x8000;
        for (int i = 1; i < n; i++) {
            int value = seqs[i];
            int rank = (value - reference) & 0xFFFF;
            int j = i - 1;
            while (j >= 0 && ((seqs[j] - reference) & 0xFFFF) > rank) {
                seqs[j + 1] = seqs[j];
                j--;
            }
            seqs[j + 1] = value;
        }
    }
}
