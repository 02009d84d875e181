package org.chorus.testing.media;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.MediaType;
import org.chorus.jingle.PayloadType;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.chorus.media.rtp.Vp8Payload;

/**
 * What a test receiver got on one forwarding session: copies of its RTP packets and the sender
 * reports, and a naive depacketizer that turns them into a WebM (VP8 frames and Opus packets placed
 * on the sender's NTP clock through the sender reports), so that {@link RecordingProbe} can check
 * what arrived. It assumes no loss and no reordering, as on loopback.
 */
final class ReceivedMedia {

    /** A sender report as it arrived. */
    record SenderReport(long ssrc, long ntp, long rtpTimestamp) {
        double ntpSeconds() {
            return (ntp >>> 32) + (ntp & 0xFFFF_FFFFL) / 4294967296.0;
        }
    }

    /** A whole VP8 frame. */
    record Vp8Frame(long rtpTimestamp, boolean keyframe, int width, int height, int pictureId, byte[] data) {}

    final ReceivingSession session;
    final ConcurrentLinkedQueue<byte[]> rtp = new ConcurrentLinkedQueue<>();
    final Map<Long, List<SenderReport>> reports = new ConcurrentHashMap<>();

    ReceivedMedia(ReceivingSession session) {
        this.session = session;
    }

    void onRtp(byte[] buf, int off, int len) {
        rtp.add(Arrays.copyOfRange(buf, off, off + len));
    }

    void onRtcp(byte[] buf, int off, int len) {
        Rtcp.forEach(buf, off, len, (b, o, l, type, count) -> {
            if (type == Rtcp.SR && Rtcp.isSr(b, o, l)) {
                long ssrc = Integer.toUnsignedLong(Rtcp.senderSsrc(b, o));
                reports.computeIfAbsent(ssrc, s -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(new SenderReport(ssrc, Rtcp.srNtpTimestamp(b, o), Rtcp.srRtpTimestamp(b, o)));
            }
            return true;
        });
    }

    /** The payload type the conference offered for a codec, or -1. */
    int payloadType(MediaType media, String codec) {
        for (MediaContent content : session.offer().contents()) {
            if (content.media() == media) {
                for (PayloadType type : content.payloadTypes()) {
                    if (type.isCodec(codec)) {
                        return type.id();
                    }
                }
            }
        }
        return -1;
    }

    List<byte[]> packets(int payloadType) {
        return rtp.stream().filter(p -> Rtp.payloadType(p, 0) == payloadType).toList();
    }

    /** The complete VP8 frames, in arrival order. */
    List<Vp8Frame> vp8Frames(int payloadType) {
        List<Vp8Frame> frames = new ArrayList<>();
        ByteArrayOutputStream current = null;
        long timestamp = -1;
        int expectedSeq = -1;
        int pictureId = -1;
        for (byte[] p : packets(payloadType)) {
            int payload = Rtp.payloadOffset(p, 0, p.length);
            int length = p.length - payload;
            if (!Vp8Payload.isValid(p, payload, length)) {
                current = null;
                continue;
            }
            int seq = Rtp.sequenceNumber(p, 0);
            if (Vp8Payload.isStartOfFrame(p, payload, length)) {
                current = new ByteArrayOutputStream();
                timestamp = Rtp.timestamp(p, 0);
                pictureId = Vp8Payload.pictureId(p, payload, length);
            } else if (current == null || seq != expectedSeq || Rtp.timestamp(p, 0) != timestamp) {
                current = null; // a gap: drop the frame
                continue;
            }
            int d = Vp8Payload.descriptorLength(p, payload, length);
            current.write(p, payload + d, length - d);
            expectedSeq = (seq + 1) & 0xFFFF;
            if (Rtp.marker(p, 0)) {
                byte[] data = current.toByteArray();
                boolean key = (data[0] & 1) == 0;
                int width = key ? (data[6] & 0xff | (data[7] & 0x3f) << 8) : 0;
                int height = key ? (data[8] & 0xff | (data[9] & 0x3f) << 8) : 0;
                frames.add(new Vp8Frame(timestamp, key, width, height, pictureId, data));
                current = null;
            }
        }
        return frames;
    }

    /**
     * Writes the received media to a WebM: each unit at its sender time
     * ({@code srNtp + (ts − srTs) / clock}) minus the earliest one, video from its first keyframe.
     */
    void writeWebm(Path file, int width, int height) {
        int vp8 = payloadType(MediaType.VIDEO, "VP8");
        int opus = payloadType(MediaType.AUDIO, "opus");
        long videoSsrc = session.videoSsrc().orElseThrow();
        long audioSsrc = session.audioSsrc().orElseThrow();
        SenderReport videoSr = reports.get(videoSsrc).get(0);
        SenderReport audioSr = reports.get(audioSsrc).get(0);

        record Unit(double senderTime, boolean video, boolean key, byte[] data) {}
        List<Unit> units = new ArrayList<>();
        boolean keySeen = false;
        for (Vp8Frame f : vp8Frames(vp8)) {
            keySeen |= f.keyframe();
            if (keySeen) {
                units.add(new Unit(senderTime(videoSr, f.rtpTimestamp(), 90_000), true, f.keyframe(), f.data()));
            }
        }
        for (byte[] p : packets(opus)) {
            int payload = Rtp.payloadOffset(p, 0, p.length);
            units.add(new Unit(senderTime(audioSr, Rtp.timestamp(p, 0), 48_000), false, true,
                    Arrays.copyOfRange(p, payload, p.length)));
        }
        units.sort(Comparator.comparingDouble(Unit::senderTime));
        double origin = units.get(0).senderTime();
        try (TestWebmWriter out = new TestWebmWriter(file, width, height, true)) {
            for (Unit u : units) {
                long pts = Math.round((u.senderTime() - origin) * 1e6);
                if (u.video()) {
                    out.writeVideo(pts, u.key(), u.data());
                } else {
                    out.writeAudio(pts, u.data());
                }
            }
        }
    }

    private static double senderTime(SenderReport sr, long rtpTimestamp, int clockRate) {
        int ticks = (int) (rtpTimestamp - sr.rtpTimestamp()); // a signed 32-bit difference
        return sr.ntpSeconds() + (double) ticks / clockRate;
    }
}
