package org.chorus.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.chorus.media.rtp.PacketBuffer;

/**
 * The receivers of one publisher that are pinned to the same forwarding shard. The publisher hands
 * the fan-out one copy of a packet; on the shard's thread each receiver gets its own copy (the
 * last one takes the copy handed over), then rewrites, encrypts and sends it. Immutable: the
 * publisher builds new fan-outs when its receivers change.
 */
final class Fanout {
    private final SenderWorkers.Shard shard;
    private final Subscription[] subscriptions;
    private final SenderWorkers.Task rtpTask = this::forwardRtp;
    private final SenderWorkers.Task rtcpTask = this::forwardRtcp;

    private Fanout(SenderWorkers.Shard shard, Subscription[] subscriptions) {
        this.shard = shard;
        this.subscriptions = subscriptions;
    }

    /** The subscriptions grouped by shard, one fan-out per shard that has any, in shard order. */
    static Fanout[] byShard(Subscription[] subscriptions) {
        Subscription[] sorted = subscriptions.clone();
        Arrays.sort(sorted, Comparator.comparingInt(s -> s.shard().index()));
        List<Fanout> out = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= sorted.length; i++) {
            if (i == sorted.length || sorted[i].shard() != sorted[from].shard()) {
                out.add(new Fanout(sorted[from].shard(), Arrays.copyOfRange(sorted, from, i)));
                from = i;
            }
        }
        return out.toArray(Fanout[]::new);
    }

    SenderWorkers.Shard shard() {
        return shard;
    }

    int size() {
        return subscriptions.length;
    }

    /** Queues an RTP packet for these receivers; takes ownership (a full queue drops it). */
    void rtp(PacketBuffer packet) {
        shard.submit(rtpTask, packet);
    }

    /** Queues a sender report for these receivers; takes ownership (a full queue drops it). */
    void rtcp(PacketBuffer packet) {
        shard.submit(rtcpTask, packet);
    }

    // --- on the shard's thread ---

    private void forwardRtp(PacketBuffer packet) {
        for (int i = 0; i < subscriptions.length; i++) {
            subscriptions[i].forward(i == subscriptions.length - 1 ? packet : packet.copy());
        }
    }

    private void forwardRtcp(PacketBuffer packet) {
        for (int i = 0; i < subscriptions.length; i++) {
            subscriptions[i].forwardRtcp(i == subscriptions.length - 1 ? packet : packet.copy());
        }
    }
}
