package org.chorus.media;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.MediaType;
import org.chorus.jingle.NegotiatedSession;
import org.chorus.jingle.Source;
import org.chorus.media.rtp.KeyframeRequestLimiter;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.rtp.RetransmissionCache;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media one participant sends: every RTP packet fans out to the {@link Subscription}s of the
 * other participants. The hot path makes one pooled copy of the decrypted packet (the received
 * buffer belongs to ICE) and hands it to the forwarding shards ({@link SenderWorkers}) that have
 * receivers of it: the last shard takes that copy, the others a clone each. On its own thread each
 * shard clones the packet for all but its last receiver, and each receiver rewrites and encrypts
 * its own copy in place. No lock is held while sending, and the receive thread never encrypts.
 *
 * <p>Receivers' NACKs for packets the gateway never got are merged by {@link UpstreamNacks} and go to
 * the participant at most once per short interval; what waits is sent when a NACK or one of the
 * participant's own packets finds the interval over. Feedback to the participant never throws.
 */
public final class Publisher implements MediaLeg.PacketSink {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final MediaPlane plane;
    private final MediaLeg leg;
    private final NegotiatedSession session;
    /** Copy-on-write by hand, under this object's lock. */
    private Subscription[] subscriptions = new Subscription[0];
    /** The subscriptions by shard, rebuilt with them: the hot path reads it without a lock or allocating. */
    private volatile Fanout[] fanouts = new Fanout[0];
    private final RetransmissionCache cache;
    private final KeyframeRequestLimiter keyframes = new KeyframeRequestLimiter();
    private final int[] videoSsrcs;
    private final RetransmissionLimits limits;
    private final UpstreamNacks upstream;
    private final UpstreamNacks.Sender toParticipant;
    private volatile boolean feedbackFailureLogged;

    public Publisher(MediaPlane plane, MediaLeg leg, NegotiatedSession session) {
        this(plane, leg, session, RetransmissionLimits.DEFAULTS);
    }

    public Publisher(MediaPlane plane, MediaLeg leg, NegotiatedSession session, RetransmissionLimits limits) {
        this.plane = plane;
        this.leg = leg;
        this.session = session;
        this.limits = limits;
        this.cache = new RetransmissionCache(plane.pool());
        this.upstream = new UpstreamNacks(limits, System.nanoTime());
        this.toParticipant = leg::sendRtcp;
        this.videoSsrcs = session.contents().stream()
                .filter(c -> c.media() == MediaType.VIDEO)
                .flatMap(c -> primarySsrcs(c).stream())
                .mapToInt(Long::intValue)
                .toArray();
        leg.setSink(this);
    }

    public NegotiatedSession session() {
        return session;
    }

    public MediaLeg leg() {
        return leg;
    }

    public synchronized void add(Subscription subscription) {
        Subscription[] now = Arrays.copyOf(subscriptions, subscriptions.length + 1);
        now[now.length - 1] = subscription;
        subscriptions = now;
        fanouts = Fanout.byShard(now);
    }

    public synchronized void remove(Subscription subscription) {
        subscriptions = Arrays.stream(subscriptions).filter(s -> s != subscription).toArray(Subscription[]::new);
        fanouts = Fanout.byShard(subscriptions);
    }

    MediaPlane plane() {
        return plane;
    }

    RetransmissionCache cache() {
        return cache;
    }

    RetransmissionLimits limits() {
        return limits;
    }

    // --- packets from the participant, on the receive thread ---

    @Override
    public void rtp(byte[] buffer, int offset, int length) {
        if (!Rtp.isValidRtp(buffer, offset, length) || length > PacketBuffer.MAX_PACKET_SIZE) {
            return;
        }
        PacketBuffer packet = plane.pool().acquire().copyFrom(buffer, offset, length);
        if (isVideo(Rtp.ssrc(buffer, offset))) {
            cache.insert(packet); // only video is negotiated with NACK
        }
        Fanout[] targets = fanouts;
        if (targets.length == 0) {
            packet.release();
        } else {
            for (int i = 0; i < targets.length; i++) {
                targets[i].rtp(i == targets.length - 1 ? packet : packet.copy());
            }
        }
        if (upstream.hasPending()) {
            flushNacks(System.nanoTime());
        }
    }

    @Override
    public void rtcp(byte[] buffer, int offset, int length) {
        // sender reports keep the receivers' lip sync and round-trip estimates right
        Fanout[] targets = fanouts;
        if (!Rtcp.isValidCompound(buffer, offset, length) || targets.length == 0
                || length > PacketBuffer.MAX_PACKET_SIZE) {
            return;
        }
        if (Rtcp.packetType(buffer, offset) != Rtcp.SR) {
            return;
        }
        for (Fanout f : targets) {
            f.rtcp(plane.pool().acquire().copyFrom(buffer, offset, length));
        }
    }

    // --- feedback to the participant ---

    /** Asks the participant for a keyframe on every video stream, at most once per interval. */
    public void requestKeyframe() {
        for (int ssrc : videoSsrcs) {
            if (!keyframes.tryRequest(ssrc)) {
                continue;
            }
            PacketBuffer pli = plane.pool().acquire();
            int n = Rtcp.writePli(pli.array(), PacketBuffer.HEADROOM, plane.rtcpSsrc(), ssrc);
            pli.setOffsetAndLength(PacketBuffer.HEADROOM, n);
            leg.sendRtcp(pli);
        }
    }

    /**
     * Tells the participant the bitrate it may send video at (REMB), which browsers honour at once.
     * A REMB lists at most {@value Rtcp#MAX_REMB_SSRCS} SSRCs, the first ones. Never throws: this
     * runs in the once-a-second housekeeping, which must go on whatever one participant offered.
     */
    public void sendBandwidthEstimate(long bitrate) {
        if (videoSsrcs.length == 0 || !leg.isSecure()) {
            return;
        }
        PacketBuffer remb = plane.pool().acquire();
        try {
            int n = Rtcp.writeRemb(remb.array(), PacketBuffer.HEADROOM, plane.rtcpSsrc(), bitrate, videoSsrcs);
            remb.setOffsetAndLength(PacketBuffer.HEADROOM, n);
        } catch (RuntimeException e) {
            remb.release();
            feedbackFailed("REMB", e);
            return;
        }
        leg.sendRtcp(remb);
    }

    /**
     * Whether the gateway should ask the participant for {@code seq} of {@code ssrc}: one of its video
     * packets that never reached the gateway, recent enough for it to still have.
     */
    boolean isWorthAsking(int ssrc, int seq) {
        return cache.isRecentGap(ssrc, seq);
    }

    /** Queues a receiver's request for a packet the gateway never got; false if already asked or full. */
    boolean askUpstream(int ssrc, int seq, long nowNanos) {
        return upstream.ask(ssrc, seq, nowNanos);
    }

    /** Sends the merged NACK for what receivers asked, if one may go out now. */
    void flushNacks(long nowNanos) {
        try {
            upstream.flushIfDue(nowNanos, plane.pool(), plane.rtcpSsrc(), toParticipant);
        } catch (RuntimeException e) {
            feedbackFailed("NACK", e);
        }
    }

    private void feedbackFailed(String what, RuntimeException e) {
        if (!feedbackFailureLogged) {
            feedbackFailureLogged = true;
            log.warn("{}: cannot send {} to the participant (logged once per participant)", leg.name(), what, e);
        }
    }

    private boolean isVideo(int ssrc) {
        for (int v : videoSsrcs) {
            if (v == ssrc) {
                return true;
            }
        }
        return false;
    }

    public void close() {
        synchronized (this) {
            subscriptions = new Subscription[0];
            fanouts = new Fanout[0];
        }
        cache.close();
    }

    private static List<Long> primarySsrcs(MediaContent content) {
        // rtx SSRCs (the second of each FID group) carry retransmissions, not pictures
        Set<Long> rtx = content.sourceGroups().stream()
                .filter(g -> "FID".equals(g.semantics()) && g.ssrcs().size() > 1)
                .map(g -> g.ssrcs().get(1))
                .collect(Collectors.toSet());
        return content.sources().stream().map(Source::ssrc).filter(s -> !rtx.contains(s)).toList();
    }
}
