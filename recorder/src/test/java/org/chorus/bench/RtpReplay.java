package org.chorus.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.StreamSpec;
import org.chorus.recording.rtp.Feedback;
import org.chorus.recording.rtp.ParticipantClock;
import org.chorus.recording.rtp.StreamReceiver;

/**
 * The recorder's receive path without the network: prepared packets are handed, each at its due
 * time, to one {@link StreamReceiver} per stream (looked up by SSRC, sender reports parsed from
 * RTCP, one {@link ParticipantClock} per participant), the receivers are polled every 10 ms and
 * the output's clock advanced every 100 ms, under one lock, as {@code RecordingSession} and
 * {@code StreamTap} do. Everything runs on the calling thread, so its CPU time is the receive
 * path's. ICE, DTLS-SRTP and the UDP socket of the real client stack are not part of it.
 */
final class RtpReplay {
    private static final long POLL_NANOS = 10_000_000L;
    private static final long ADVANCE_NANOS = 100_000_000L;

    /** Called on the replay thread when the replay passes a point in time. */
    interface Mark {
        void reached();
    }

    private record Due(long dueNanos, byte[] data, boolean rtcp) {}

    private final MediaOutput output;
    private final Map<Long, StreamReceiver> bySsrc = new HashMap<>();
    private final Map<Integer, StreamReceiver> byStream = new HashMap<>();
    private final List<Due> schedule = new ArrayList<>();
    private final Object lock = new Object();
    private final Feedback noFeedback = new Feedback() {
        @Override
        public void nack(long mediaSsrc, int[] seqs, int count) {
            nacks += count;
        }

        @Override
        public void keyframeRequest(long mediaSsrc) {
            keyframeRequests++;
        }
    };
    private long startNanos;
    private long lastAdvance;
    private long nacks;
    private long keyframeRequests;
    private long maxLateNanos;

    RtpReplay(MediaOutput output) {
        this.output = output;
    }

    /** Adds a participant's streams to the output and its packets to the schedule. */
    void add(RtpParticipant p, int videoStreamId, int audioStreamId, long recordingStartNanos) {
        ParticipantClock clock = new ParticipantClock(recordingStartNanos);
        output.participantJoined(p.id, p.id, 0);
        stream(videoStreamId, p, Codec.VP8, p.videoSsrc, clock);
        stream(audioStreamId, p, Codec.OPUS, p.audioSsrc, clock);
        p.packets.forEach(k -> schedule.add(new Due(k.dueNanos(), k.data(), k.rtcp())));
    }

    private void stream(int streamId, RtpParticipant p, Codec codec, long ssrc, ParticipantClock clock) {
        StreamReceiver r = new StreamReceiver(codec, ssrc, clock,
                (pts, key, data, off, len) -> output.frame(streamId, pts, key, data, off, len), noFeedback,
                StreamReceiver.Settings.defaults());
        output.addStream(new StreamSpec(streamId, p.id, p.id, codec));
        bySsrc.put(ssrc, r);
        byStream.put(streamId, r);
    }

    /**
     * Replays the schedule in real time from {@code startNanos} until {@code endNanos} after it,
     * calling each mark when its time (nanoseconds after the start) has passed.
     */
    void run(long startNanos, long endNanos, long[] markNanos, Mark[] marks) {
        this.startNanos = startNanos;
        this.lastAdvance = startNanos;
        schedule.sort(Comparator.comparingLong(Due::dueNanos));
        int next = 0;
        int nextMark = 0;
        long nextPoll = POLL_NANOS;
        while (true) {
            long packetDue = next < schedule.size() ? schedule.get(next).dueNanos() : Long.MAX_VALUE;
            long markDue = nextMark < marks.length ? markNanos[nextMark] : Long.MAX_VALUE;
            long due = Math.min(Math.min(packetDue, nextPoll), Math.min(markDue, endNanos));
            long wait = startNanos + due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            maxLateNanos = Math.max(maxLateNanos, -wait);
            if (due == endNanos) {
                return;
            }
            if (due == markDue) {
                marks[nextMark++].reached();
            } else if (due == packetDue) {
                Due d = schedule.get(next++);
                if (d.rtcp()) {
                    rtcp(d.data(), System.nanoTime());
                } else {
                    rtp(d.data(), System.nanoTime());
                }
            } else {
                poll(System.nanoTime());
                nextPoll += POLL_NANOS;
            }
        }
    }

    /** Releases what the jitter buffers hold and ends every stream, as a recording that stops. */
    void close() {
        synchronized (lock) {
            long now = System.nanoTime();
            long micros = (now - startNanos) / 1000;
            byStream.forEach((id, r) -> {
                r.close(now);
                output.removeStream(id, micros);
            });
            output.advance(micros);
        }
    }

    private void rtp(byte[] buf, long now) {
        synchronized (lock) {
            StreamReceiver r = bySsrc.get(Rtp.ssrc(buf, 0) & 0xFFFF_FFFFL);
            if (r != null) {
                r.rtp(buf, 0, buf.length, now);
            }
        }
    }

    private void rtcp(byte[] buf, long now) {
        synchronized (lock) {
            Rtcp.forEach(buf, 0, buf.length, (b, o, l, type, count) -> {
                if (type == Rtcp.SR && l >= Rtcp.SR_HEADER_LENGTH) {
                    StreamReceiver r = bySsrc.get(Rtcp.senderSsrc(b, o) & 0xFFFF_FFFFL);
                    if (r != null) {
                        r.senderReport(Rtcp.srNtpTimestamp(b, o), Rtcp.srRtpTimestamp(b, o), now);
                    }
                }
                return true;
            });
        }
    }

    private void poll(long now) {
        synchronized (lock) {
            for (StreamReceiver r : byStream.values()) {
                r.poll(now);
            }
            if (now - lastAdvance >= ADVANCE_NANOS) {
                lastAdvance = now;
                output.advance((now - startNanos) / 1000);
            }
        }
    }

    /** The receivers' counters summed over all streams. */
    StreamReceiver.Stats totals() {
        long[] s = new long[12];
        for (StreamReceiver r : byStream.values()) {
            StreamReceiver.Stats t = r.stats();
            long[] v = {t.packets(), t.paddingPackets(), t.duplicatePackets(), t.latePackets(), t.lostPackets(),
                t.recoveredPackets(), t.invalidPackets(), t.framesOut(), t.framesDropped(), t.nacksSent(),
                t.plisSent(), t.ptsClamped()};
            for (int i = 0; i < s.length; i++) {
                s[i] += v[i];
            }
        }
        return new StreamReceiver.Stats(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11]);
    }

    int streams() {
        return byStream.size();
    }

    long packetsScheduled() {
        return schedule.size();
    }

    /** The latest any packet, poll or mark was handled after its due time. */
    double maxLateMillis() {
        return maxLateNanos / 1e6;
    }
}
