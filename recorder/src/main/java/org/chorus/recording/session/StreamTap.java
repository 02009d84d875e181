package org.chorus.recording.session;

import java.util.HashMap;
import java.util.Map;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.PayloadType;
import org.chorus.jingle.Source;
import org.chorus.jingle.SourceGroup;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.StreamSpec;
import org.chorus.recording.rtp.Feedback;
import org.chorus.recording.rtp.ParticipantClock;
import org.chorus.recording.rtp.StreamReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one forwarding session (one participant as the gateway sends it to the recorder):
 * each announced SSRC with a recordable codec gets a {@link StreamReceiver} and a stream of the
 * output. RTX SSRCs (FID groups) feed their primary stream. Used under the session's lock.
 */
final class StreamTap {
    private static final Logger log = LoggerFactory.getLogger(StreamTap.class);

    private record Entry(StreamReceiver receiver, int streamId, boolean rtx) {}

    private final ReceivingSession session;
    /** SSRC → entry, looked up per packet: a few entries, scanned without boxing. */
    private long[] ssrcs = new long[0];
    private Entry[] entries = new Entry[0];
    private final Map<Integer, StreamReceiver> streams = new HashMap<>();
    private final byte[] feedback = new byte[1500];
    private final int senderSsrc;

    StreamTap(ReceivingSession session, String participantId, String nick, ParticipantClock clock, MediaOutput output,
            java.util.function.IntSupplier nextStreamId, int senderSsrc) {
        this.session = session;
        this.senderSsrc = senderSsrc;
        for (MediaContent content : session.offer().contents()) {
            PayloadType pt = content.payloadTypes().stream().filter(p -> !p.isRtx())
                    .filter(p -> Codec.forEncodingName(p.name()) != null).findFirst().orElse(null);
            if (pt == null) {
                continue;
            }
            Codec codec = Codec.forEncodingName(pt.name());
            Map<Long, Long> rtxOf = new HashMap<>();
            for (SourceGroup group : content.sourceGroups()) {
                if (group.is(SourceGroup.FID) && group.ssrcs().size() == 2) {
                    rtxOf.put(group.ssrcs().get(1), group.ssrcs().get(0));
                }
            }
            for (Source source : content.sources()) {
                if (rtxOf.containsKey(source.ssrc())) {
                    continue;
                }
                int streamId = nextStreamId.getAsInt();
                long ssrc = source.ssrc();
                StreamReceiver receiver = new StreamReceiver(codec, ssrc, clock,
                        (pts, key, data, off, len) -> output.frame(streamId, pts, key, data, off, len),
                        new SessionFeedback(), StreamReceiver.Settings.defaults());
                output.addStream(new StreamSpec(streamId, participantId, nick, codec));
                put(ssrc, new Entry(receiver, streamId, false));
                streams.put(streamId, receiver);
                rtxOf.forEach((rtx, primary) -> {
                    if (primary == ssrc) {
                        put(rtx, new Entry(receiver, streamId, true));
                    }
                });
                log.debug("{}: stream {} ({}, ssrc {})", session.sid(), streamId, codec, ssrc);
                break; // the first source of a content is its stream; simulcast layers are not forwarded
            }
        }
    }

    void rtp(byte[] buf, int off, int len, long now) {
        if (len < Rtp.FIXED_HEADER_LENGTH) {
            return;
        }
        Entry entry = lookup(Rtp.ssrc(buf, off) & 0xFFFF_FFFFL);
        if (entry == null) {
            return;
        }
        if (entry.rtx()) {
            entry.receiver().rtx(buf, off, len, now);
        } else {
            entry.receiver().rtp(buf, off, len, now);
        }
    }

    void rtcp(byte[] buf, int off, int len, long now) {
        Rtcp.forEach(buf, off, len, (b, o, l, type, count) -> {
            if (type == Rtcp.SR && l >= Rtcp.SR_HEADER_LENGTH) {
                Entry entry = lookup(Rtcp.senderSsrc(b, o) & 0xFFFF_FFFFL);
                if (entry != null && !entry.rtx()) {
                    entry.receiver().senderReport(Rtcp.srNtpTimestamp(b, o), Rtcp.srRtpTimestamp(b, o), now);
                }
            }
            return true;
        });
    }

    void poll(long now) {
        for (StreamReceiver r : streams.values()) {
            r.poll(now);
        }
    }

    /** Releases what can be released and ends every stream at {@code atMicros}. */
    void close(long now, long atMicros, MediaOutput output) {
        streams.forEach((id, r) -> {
            r.close(now);
            output.removeStream(id, atMicros);
        });
        streams.clear();
        ssrcs = new long[0];
        entries = new Entry[0];
    }

    private void put(long ssrc, Entry entry) {
        int n = ssrcs.length;
        ssrcs = java.util.Arrays.copyOf(ssrcs, n + 1);
        entries = java.util.Arrays.copyOf(entries, n + 1);
        ssrcs[n] = ssrc;
        entries[n] = entry;
    }

    private Entry lookup(long ssrc) {
        long[] keys = ssrcs;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == ssrc) {
                return entries[i];
            }
        }
        return null;
    }

    /** NACK and PLI go back to the gateway on this session. */
    private final class SessionFeedback implements Feedback {
        @Override
        public void nack(long mediaSsrc, int[] seqs, int count) {
            int length = Rtcp.writeNack(feedback, 0, senderSsrc, (int) mediaSsrc, seqs, count);
            session.sendRtcp(feedback, 0, length);
        }

        @Override
        public void keyframeRequest(long mediaSsrc) {
            session.requestKeyframe();
        }
    }
}
