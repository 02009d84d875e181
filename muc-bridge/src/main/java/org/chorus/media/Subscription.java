package org.chorus.media;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.chorus.jingle.ContentMapping;
import org.chorus.jingle.ReceiverMapping;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.chorus.media.rtp.RtpHeaderExtensions;

/**
 * One receiver's view of one publisher: the forwarding session's leg, and how the publisher's
 * packets are rewritten for it (payload types, header-extension ids and SSRCs, as that receiver
 * negotiated them; the numbers never have to match). Also turns the receiver's feedback into
 * feedback for the publisher: PLI and FIR become one rate-limited keyframe request, NACKs are
 * answered from the retransmission cache or passed on.
 *
 * <h2>Threads</h2>
 * A subscription is pinned to one forwarding shard of {@link SenderWorkers} when it is made, and
 * everything it sends to its receiver runs on that shard's thread: forwarded packets, forwarded
 * sender reports, and the answers to the receiver's NACKs (which arrive on the receive thread and
 * are handed to the shard as a copy). So its rewrite tables, its {@link RetransmissionBudget} and
 * its leg's SRTP send contexts have one owner, and its packets leave in order. Keyframe requests
 * go to the publisher straight from the receive thread.
 *
 * <h2>NACKs</h2>
 * A receiver's NACKs are answered within its {@link RetransmissionBudget}: a sequence number at most
 * once per resend interval, and in all no more bytes than a share of what is forwarded to it plus a
 * small floor. A NACK that finds the budget spent is dropped from there on. A packet the gateway
 * never got (a gap among the cached ones) is asked of the publisher, through its merged
 * {@link UpstreamNacks}, and also paid from the budget; anything else (too old, not yet sent, not a
 * video SSRC of the publisher) is ignored. So the shard's thread, which forwards to other
 * receivers too, spends on one receiver's NACKs at most what the budget allows, plus reading the
 * NACK itself; the receive thread only copies the NACK. At most {@value #MAX_QUEUED_NACKS} of a
 * receiver's NACK packets wait for the shard at a time, and more are ignored, so that a flood of
 * them cannot fill the shard's queue and make it drop the other receivers' media.
 */
public final class Subscription implements MediaLeg.PacketSink {
    /** The most sequence numbers read from one NACK packet; the rest of it is ignored. */
    static final int MAX_NACKED_PER_PACKET = 512;
    /** The most NACK packets of this receiver waiting for its shard; more are ignored. */
    static final int MAX_QUEUED_NACKS = 8;

    private final Publisher publisher;
    private final MediaLeg leg;
    private final int[] payloadTypes = new int[128];
    private final int[] extensionIds = new int[256];
    private final Map<Long, Long> ssrcRewrite;
    private final long[] ssrcFrom;
    private final long[] ssrcTo;
    private final int[] nackScratch = new int[MAX_NACKED_PER_PACKET];
    private final RetransmissionBudget budget;
    private final int assumedPacketBytes;
    private final SenderWorkers.Shard shard;
    private final SenderWorkers.Task nackTask = this::answerNack;
    /** Incremented by the receive thread, decremented by the shard's. */
    private final AtomicInteger queuedNacks = new AtomicInteger();
    private boolean closed; // guarded by this

    public Subscription(Publisher publisher, MediaLeg leg, ReceiverMapping mapping) {
        this.publisher = publisher;
        this.leg = leg;
        this.budget = new RetransmissionBudget(publisher.limits(), System.nanoTime());
        this.assumedPacketBytes = publisher.limits().assumedPacketBytes();
        Arrays.fill(payloadTypes, -1);
        Arrays.fill(extensionIds, -1);
        for (ContentMapping content : mapping.contents()) {
            content.payloadTypes().forEach((from, to) -> {
                if (from >= 0 && from < 128) {
                    payloadTypes[from] = to;
                }
            });
            content.headerExtensions().forEach((from, to) -> {
                if (from > 0 && from < 256) {
                    extensionIds[from] = to;
                }
            });
        }
        this.ssrcRewrite = mapping.ssrcRewrite();
        this.ssrcFrom = ssrcRewrite.keySet().stream().mapToLong(Long::longValue).toArray();
        this.ssrcTo = Arrays.stream(ssrcFrom).map(s -> ssrcRewrite.get(s)).toArray();
        this.shard = publisher.plane().forwarding().pin();
        leg.setSink(this);
    }

    public Publisher publisher() {
        return publisher;
    }

    public MediaLeg leg() {
        return leg;
    }

    /** The forwarding shard whose thread sends everything of this subscription. */
    SenderWorkers.Shard shard() {
        return shard;
    }

    // --- on the shard's thread ---

    /** Rewrites the packet for this receiver and sends it; takes ownership of the buffer. */
    void forward(PacketBuffer packet) {
        if (!leg.isSecure() || !rewrite(packet)) {
            packet.release();
            return;
        }
        budget.forwarded(packet.length() + RetransmissionLimits.PACKET_OVERHEAD_BYTES);
        leg.sendRtp(packet);
    }

    /** Sends a copy from the cache again; takes ownership. Retransmissions earn no budget. */
    private void resend(PacketBuffer packet) {
        if (!leg.isSecure() || !rewrite(packet)) {
            packet.release();
            return;
        }
        leg.sendRtp(packet);
    }

    /** Sends an RTCP packet of the publisher's (a sender report) on; takes ownership. */
    void forwardRtcp(PacketBuffer packet) {
        if (!leg.isSecure()) {
            packet.release();
            return;
        }
        if (ssrcFrom.length > 0 && Rtcp.packetType(packet.array(), packet.offset()) == Rtcp.SR) {
            int ssrc = Rtcp.senderSsrc(packet.array(), packet.offset());
            Rtcp.setSenderSsrc(packet.array(), packet.offset(), (int) receiverSsrc(Integer.toUnsignedLong(ssrc)));
        }
        leg.sendRtcp(packet);
    }

    private boolean rewrite(PacketBuffer packet) {
        byte[] buf = packet.array();
        int off = packet.offset();
        int len = packet.length();
        int pt = Rtp.payloadType(buf, off);
        int mapped = payloadTypes[pt];
        if (mapped < 0) {
            return false; // a codec this receiver did not accept
        }
        Rtp.setPayloadType(buf, off, mapped);
        if (Rtp.hasExtension(buf, off)) {
            RtpHeaderExtensions.rewriteIds(buf, off, len, extensionIds);
        }
        if (ssrcFrom.length > 0) {
            long ssrc = Integer.toUnsignedLong(Rtp.ssrc(buf, off));
            long to = receiverSsrc(ssrc);
            if (to != ssrc) {
                Rtp.setSsrc(buf, off, (int) to);
            }
        }
        return true;
    }

    private long receiverSsrc(long publisherSsrc) {
        for (int i = 0; i < ssrcFrom.length; i++) {
            if (ssrcFrom[i] == publisherSsrc) {
                return ssrcTo[i];
            }
        }
        return publisherSsrc;
    }

    private long publisherSsrc(long receiverSsrc) {
        for (int i = 0; i < ssrcTo.length; i++) {
            if (ssrcTo[i] == receiverSsrc) {
                return ssrcFrom[i];
            }
        }
        return receiverSsrc;
    }

    // --- feedback from the receiver, on the receive thread ---

    @Override
    public void rtp(byte[] buffer, int offset, int length) {
        // a receiving session carries nothing from the receiver
    }

    @Override
    public void rtcp(byte[] buffer, int offset, int length) {
        Rtcp.forEach(buffer, offset, length, (buf, off, len, type, count) -> {
            if (Rtcp.isPli(buf, off, len) || Rtcp.isFir(buf, off, len)) {
                publisher.requestKeyframe();
            } else if (Rtcp.isNack(buf, off, len) && len <= PacketBuffer.MAX_PACKET_SIZE
                    && queuedNacks.get() < MAX_QUEUED_NACKS) {
                queuedNacks.incrementAndGet();
                if (!shard.submit(nackTask, publisher.plane().pool().acquire().copyFrom(buf, off, len))) {
                    queuedNacks.decrementAndGet();
                }
            }
            return true;
        });
    }

    /** Answers one NACK, on the shard's thread; takes ownership of the packet. */
    private void answerNack(PacketBuffer nack) {
        try {
            answerNack(nack.array(), nack.offset(), nack.length());
        } finally {
            nack.release();
            queuedNacks.decrementAndGet();
        }
    }

    private void answerNack(byte[] buf, int off, int len) {
        long now = System.nanoTime();
        budget.refill(now);
        if (!budget.canSpend()) {
            return; // a flood costs no more than this once the budget is spent
        }
        int mediaSsrc = (int) publisherSsrc(Integer.toUnsignedLong(Rtcp.mediaSsrc(buf, off)));
        int lost = Rtcp.readNack(buf, off, len, nackScratch);
        boolean asked = false;
        for (int i = 0; i < lost && budget.canSpend(); i++) {
            int seq = nackScratch[i];
            if (!budget.admit(mediaSsrc, seq, now)) {
                continue;
            }
            PacketBuffer copy = publisher.cache().get(mediaSsrc, seq);
            if (copy != null) {
                budget.spend(copy.length() + RetransmissionLimits.PACKET_OVERHEAD_BYTES);
                resend(copy);
            } else if (publisher.isWorthAsking(mediaSsrc, seq) && publisher.askUpstream(mediaSsrc, seq, now)) {
                budget.spend(assumedPacketBytes);
                asked = true;
            }
        }
        if (asked) {
            publisher.flushNacks(now);
        }
    }

    public void close() {
        publisher.remove(this);
        leg.close();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        publisher.plane().forwarding().unpin(shard);
    }

}
