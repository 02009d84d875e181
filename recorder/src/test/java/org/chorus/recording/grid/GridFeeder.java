package org.chorus.recording.grid;

import java.util.ArrayList;
import java.util.List;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.StreamSpec;
import org.chorus.testing.media.GridTestFrames;
import org.chorus.testing.media.GridTestFrames.VideoFrame;

/**
 * Drives a {@link MediaOutput} the way the recorder does: participants join and leave, each sends
 * 30 fps video and 20 ms Opus packets with timestamps on the recording clock, and the clock is
 * advanced every 100 ms.
 */
final class GridFeeder {
    static final long STEP_MICROS = 10_000;

    /** One synthetic participant with a solid colour and a tone. */
    static final class Person {
        final String id;
        final int videoStream;
        final int audioStream;
        final List<VideoFrame> video;
        final List<byte[]> audio;
        final long joinMicros;
        final long leaveMicros;
        Codec videoCodec = Codec.VP8;
        boolean joined;
        boolean left;

        Person(String id, int streamBase, List<VideoFrame> video, List<byte[]> audio, long joinMicros,
                long leaveMicros) {
            this.id = id;
            this.videoStream = streamBase;
            this.audioStream = streamBase + 1;
            this.video = video;
            this.audio = audio;
            this.joinMicros = joinMicros;
            this.leaveMicros = leaveMicros;
        }
    }

    private final MediaOutput output;
    private final List<Person> people = new ArrayList<>();
    private long now;

    GridFeeder(MediaOutput output) {
        this.output = output;
    }

    static List<VideoFrame> solid(int w, int h, int r, int g, int b) {
        return GridTestFrames.vp8Solid(w, h, r, g, b, 60, 30);
    }

    Person add(String id, int streamBase, List<VideoFrame> video, List<byte[]> audio, long join, long leave) {
        Person p = new Person(id, streamBase, video, audio, join, leave);
        people.add(p);
        return p;
    }

    long now() {
        return now;
    }

    /** Feeds everything in [now, until) and advances the clock every 100 ms; returns the last advance. */
    void runTo(long untilMicros, Runnable afterEachAdvance) {
        for (; now < untilMicros; now += STEP_MICROS) {
            for (Person p : people) {
                if (!p.joined && now >= p.joinMicros) {
                    p.joined = true;
                    output.participantJoined(p.id, p.id, now);
                    output.addStream(new StreamSpec(p.videoStream, p.id, p.id, p.videoCodec));
                    output.addStream(new StreamSpec(p.audioStream, p.id, p.id, Codec.OPUS));
                }
                if (p.joined && !p.left && now >= p.leaveMicros) {
                    p.left = true;
                    output.participantLeft(p.id, now);
                    output.removeStream(p.videoStream, now);
                    output.removeStream(p.audioStream, now);
                }
                if (!p.joined || p.left) {
                    continue;
                }
                long local = now - p.joinMicros;
                // video frames whose time falls in this step
                long firstFrame = ceilDiv(local * 30, 1_000_000);
                long lastFrame = ceilDiv((local + STEP_MICROS) * 30, 1_000_000);
                for (long f = firstFrame; f < lastFrame; f++) {
                    VideoFrame vf = p.video.get((int) (f % p.video.size()));
                    output.frame(p.videoStream, p.joinMicros + f * 1_000_000 / 30, vf.keyframe(), vf.data(), 0,
                            vf.data().length);
                }
                long firstPacket = ceilDiv(local, 20_000);
                long lastPacket = ceilDiv(local + STEP_MICROS, 20_000);
                for (long a = firstPacket; a < lastPacket; a++) {
                    byte[] pkt = p.audio.get((int) (a % p.audio.size()));
                    output.frame(p.audioStream, p.joinMicros + a * 20_000, false, pkt, 0, pkt.length);
                }
            }
            if ((now + STEP_MICROS) % 100_000 == 0) {
                output.advance(now + STEP_MICROS);
                if (afterEachAdvance != null) {
                    afterEachAdvance.run();
                }
            }
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
