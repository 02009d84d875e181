package org.chorus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.chorus.testing.media.EncodedFrame;

/**
 * One participant's media as the recorder receives it, prepared before anything is timed: every
 * RTP packet (VP8 split as RFC 7741 describes and browsers send it, one packet per Opus frame) and
 * a sender report per stream every second, each with the moment it is due. Preparing them up
 * front keeps the encoder's and the packetizer's CPU out of the recorder's figures.
 */
final class RtpParticipant {
    static final int VP8_PT = 100;
    static final int OPUS_PT = 111;
    /** The most VP8 bytes (payload descriptor included) in one packet, as browsers send. */
    static final int MAX_VP8_PAYLOAD = 1100;
    private static final int VP8_DESCRIPTOR = 4;
    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    /** A packet to hand to the recorder {@code dueNanos} after the replay starts. */
    record Packet(long dueNanos, byte[] data, boolean rtcp) {}

    final String id;
    final long videoSsrc;
    final long audioSsrc;
    final List<Packet> packets = new ArrayList<>();

    /**
     * @param offsetNanos when this participant's media time 0 is due (staggers the participants)
     * @param untilMicros media time at which the packets end
     */
    RtpParticipant(String id, List<EncodedFrame> video, List<EncodedFrame> audio, long offsetNanos,
            long untilMicros, SplittableRandom random) {
        this.id = id;
        this.videoSsrc = random.nextLong(1L << 32);
        this.audioSsrc = random.nextLong(1L << 32);
        Numbering v = new Numbering(videoSsrc, VP8_PT, 90_000, random);
        Numbering a = new Numbering(audioSsrc, OPUS_PT, 48_000, random);
        int pictureId = random.nextInt(1 << 15);
        for (EncodedFrame f : video) {
            if (f.ptsMicros() >= untilMicros) {
                break;
            }
            packetizeVp8(v, f, pictureId, offsetNanos + f.ptsMicros() * 1000);
            pictureId = (pictureId + 1) & 0x7FFF;
        }
        for (EncodedFrame f : audio) {
            if (f.ptsMicros() >= untilMicros) {
                break;
            }
            byte[] p = new byte[Rtp.FIXED_HEADER_LENGTH + f.data().length];
            a.header(p, f.ptsMicros(), false);
            System.arraycopy(f.data(), 0, p, Rtp.FIXED_HEADER_LENGTH, f.data().length);
            packets.add(new Packet(offsetNanos + f.ptsMicros() * 1000, p, false));
        }
        long senderEpochNanos = System.currentTimeMillis() * 1_000_000L + random.nextLong(1_000_000_000L);
        for (long media = 100_000_000L; media < untilMicros * 1000; media += 1_000_000_000L) {
            for (Numbering n : List.of(a, v)) {
                byte[] sr = new byte[Rtcp.srLength(0)];
                long seconds = Math.floorDiv(senderEpochNanos + media, 1_000_000_000L) + NTP_UNIX_OFFSET_SECONDS;
                long nanos = Math.floorMod(senderEpochNanos + media, 1_000_000_000L);
                long ntp = (seconds << 32) | ((nanos << 32) / 1_000_000_000L);
                Rtcp.writeSr(sr, 0, (int) n.ssrc, ntp, n.timestamp(media / 1000), 0, 0);
                packets.add(new Packet(offsetNanos + media, sr, true));
            }
        }
    }

    private void packetizeVp8(Numbering v, EncodedFrame f, int pictureId, long due) {
        byte[] frame = f.data();
        int chunkMax = MAX_VP8_PAYLOAD - VP8_DESCRIPTOR;
        int count = Math.max(1, (frame.length + chunkMax - 1) / chunkMax);
        int chunk = (frame.length + count - 1) / count;
        for (int i = 0, off = 0; i < count; i++, off += chunk) {
            int n = Math.min(chunk, frame.length - off);
            byte[] p = new byte[Rtp.FIXED_HEADER_LENGTH + VP8_DESCRIPTOR + n];
            v.header(p, f.ptsMicros(), i == count - 1);
            int d = Rtp.FIXED_HEADER_LENGTH;
            p[d] = (byte) (i == 0 ? 0x90 : 0x80); // X=1, S on the first packet, partition 0
            p[d + 1] = (byte) 0x80; // I=1: a PictureID follows
            p[d + 2] = (byte) (0x80 | (pictureId >>> 8)); // 15-bit PictureID
            p[d + 3] = (byte) pictureId;
            System.arraycopy(frame, off, p, d + VP8_DESCRIPTOR, n);
            packets.add(new Packet(due, p, false));
        }
    }

    /** One stream's sequence numbers and RTP clock, from random starting points as a sender picks them. */
    private static final class Numbering {
        final long ssrc;
        final int payloadType;
        final int clockRate;
        final long initialTimestamp;
        int sequence;

        Numbering(long ssrc, int payloadType, int clockRate, SplittableRandom random) {
            this.ssrc = ssrc;
            this.payloadType = payloadType;
            this.clockRate = clockRate;
            this.initialTimestamp = random.nextLong(1L << 32);
            this.sequence = random.nextInt(1 << 16);
        }

        long timestamp(long mediaMicros) {
            return (initialTimestamp + Math.floorDiv(mediaMicros * clockRate + 500_000L, 1_000_000L)) & 0xFFFF_FFFFL;
        }

        void header(byte[] p, long mediaMicros, boolean marker) {
            p[0] = (byte) 0x80;
            Rtp.setPayloadType(p, 0, payloadType);
            Rtp.setMarker(p, 0, marker);
            Rtp.setSequenceNumber(p, 0, sequence);
            Rtp.setTimestamp(p, 0, timestamp(mediaMicros));
            Rtp.setSsrc(p, 0, (int) ssrc);
            sequence = (sequence + 1) & 0xFFFF;
        }
    }
}
