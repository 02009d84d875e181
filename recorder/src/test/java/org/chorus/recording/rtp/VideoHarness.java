package org.chorus.recording.rtp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.chorus.recording.media.Codec;

/**
 * One VP8 stream from a synthetic sender through a simulated network into a {@link StreamReceiver},
 * on a simulated clock (recording time 0 = simulation time 0). Frames are captured at 30 fps from
 * {@link #FIRST_CAPTURE}; the sender's NTP clock runs at a random offset from the local clock.
 */
final class VideoHarness {

    static final long MS = 1_000_000L;
    static final long FIRST_CAPTURE = 1_000 * MS;
    static final long POLL = 10 * MS;

    final Simulation sim = new Simulation();
    final ParticipantClock clock = new ParticipantClock(0);
    final Recorded recorded = new Recorded(sim::now);
    final Random random;
    final SyntheticRtp.Vp8Sender sender;
    final StreamReceiver receiver;
    final long senderClockOffset;
    final List<SyntheticRtp.Frame> frames = new ArrayList<>();
    /** Sent packets by sequence number, for retransmissions. */
    final Map<Integer, byte[]> history = new HashMap<>();
    private int rtxSeq;
    private boolean rtxTurn;

    VideoHarness(long seed) {
        this(seed, StreamReceiver.Settings.defaults());
    }

    VideoHarness(long seed, StreamReceiver.Settings settings) {
        random = new Random(seed);
        sender = SyntheticRtp.Vp8Sender.random(random);
        senderClockOffset = (random.nextInt(1_000_000) + 1) * MS;
        rtxSeq = random.nextInt(0x10000);
        receiver = new StreamReceiver(Codec.VP8, sender.ssrc, clock, recorded, recorded, settings);
    }

    static long captureOf(int index) {
        return FIRST_CAPTURE + index * 1_000_000_000L / 30;
    }

    /** The sender's 64-bit NTP time at a local instant. */
    long ntpAt(long localNanos) {
        return ntp(localNanos + senderClockOffset);
    }

    static long ntp(long nanos) {
        long seconds = 3_900_000_000L + nanos / 1_000_000_000L;
        long fraction = ((nanos % 1_000_000_000L) << 32) / 1_000_000_000L;
        return seconds << 32 | fraction;
    }

    /** A sender report for the next frame's timestamp, sent at that frame's capture time. */
    void senderReportBefore(int index, long delayNanos) {
        long capture = captureOf(index);
        long ntp = ntpAt(capture);
        long ts = sender.timestamp;
        sim.at(capture + delayNanos, () -> receiver.senderReport(ntp, ts, sim.now()));
    }

    /** The next frame: a keyframe of 6 packets or a delta frame of 2 to 3 packets. */
    SyntheticRtp.Frame nextFrame(boolean keyframe) {
        int index = frames.size();
        int size = keyframe ? 6000 : 1200 + (index % 5) * 400;
        SyntheticRtp.Frame frame = sender.frame(keyframe, size, 1100, captureOf(index), 3000);
        frames.add(frame);
        for (SyntheticRtp.Packet p : frame.packets()) {
            history.put(p.seq(), p.bytes());
        }
        return frame;
    }

    void deliver(SyntheticRtp.Packet packet, long delayNanos) {
        deliverRtp(packet.bytes(), packet.sentNanos() + delayNanos);
    }

    void deliverRtp(byte[] bytes, long atNanos) {
        sim.at(atNanos, () -> receiver.rtp(bytes, 0, bytes.length, sim.now()));
    }

    void deliverRtx(byte[] bytes, long atNanos) {
        sim.at(atNanos, () -> receiver.rtx(bytes, 0, bytes.length, sim.now()));
    }

    /** Answers each NACK with retransmissions after {@code rttNanos}, alternately as RTX and as the original packet. */
    void retransmitOnNack(long rttNanos) {
        recorded.onNack = (seqs, at) -> {
            for (int seq : seqs) {
                byte[] original = history.get(seq);
                if (original == null) {
                    continue;
                }
                rtxTurn = !rtxTurn;
                if (rtxTurn) {
                    byte[] rtx = SyntheticRtp.rtx(original, rtxSeq, sender.ssrc + 1, 97);
                    rtxSeq = (rtxSeq + 1) & 0xFFFF;
                    deliverRtx(rtx, at + rttNanos);
                } else {
                    deliverRtp(original, at + rttNanos);
                }
            }
        };
    }

    void run(long untilNanos) {
        sim.runUntil(untilNanos, POLL, receiver::poll);
    }

    /** The frames the sender made with these indexes, in order. */
    List<SyntheticRtp.Frame> frames(int fromInclusive, int toExclusive) {
        return frames.subList(fromInclusive, toExclusive);
    }
}
