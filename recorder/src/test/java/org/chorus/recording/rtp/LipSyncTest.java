package org.chorus.recording.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.recording.rtp.VideoHarness.MS;

import java.util.List;
import java.util.Random;
import org.chorus.recording.media.Codec;
import org.junit.jupiter.api.Test;

class LipSyncTest {

    private static final long FIRST_CAPTURE = 1_000 * MS;
    private static final long POLL = 10 * MS;

    private final Simulation sim = new Simulation();
    private final Random random = new Random(11);
    private final long senderClockOffset = (random.nextInt(1_000_000) + 1) * MS;

    @Test
    void audioAndVideoCapturedTogether_getEqualTimestamps_despiteDifferentDelaysAndRtpOffsets() {
        ParticipantClock clock = new ParticipantClock(0);
        Recorded audioOut = new Recorded(sim::now);
        Recorded videoOut = new Recorded(sim::now);
        SyntheticRtp.OpusSender audio = SyntheticRtp.OpusSender.random(random);
        SyntheticRtp.Vp8Sender video = SyntheticRtp.Vp8Sender.random(random);
        StreamReceiver audioRx = new StreamReceiver(Codec.OPUS, audio.ssrc, clock, audioOut, audioOut,
                StreamReceiver.Settings.defaults());
        StreamReceiver videoRx = new StreamReceiver(Codec.VP8, video.ssrc, clock, videoOut, videoOut,
                StreamReceiver.Settings.defaults());
        long audioTs0 = audio.timestamp;
        long videoTs0 = video.timestamp;
        long audioDelay = 30 * MS;
        long videoDelay = 80 * MS;
        int seconds = 6;

        for (int k = 0; k < seconds * 50; k++) { // 20 ms audio
            long capture = FIRST_CAPTURE + k * 20 * MS;
            SyntheticRtp.Packet p = audio.frame(capture).packets().get(0);
            deliver(audioRx, p.bytes(), capture + audioDelay + random.nextInt(10) * MS);
        }
        for (int j = 0; j < seconds * 25; j++) { // 25 fps video, captured with every other audio frame
            long capture = FIRST_CAPTURE + j * 40 * MS;
            for (SyntheticRtp.Packet p : video.frame(j == 0, 2500, 1100, capture, 3600).packets()) {
                deliver(videoRx, p.bytes(), capture + videoDelay + random.nextInt(30) * MS);
            }
        }
        // libwebrtc's schedule: the first video report after about 0.5 s, the first audio one after about 2.5 s
        for (long t = 500; t < seconds * 1000; t += 1000) {
            senderReport(videoRx, t, videoTs0, 90, videoDelay + random.nextInt(30) * MS);
        }
        for (long t = 2500; t < seconds * 1000; t += 2000) {
            senderReport(audioRx, t, audioTs0, 48, audioDelay + random.nextInt(10) * MS);
        }
        sim.runUntil(FIRST_CAPTURE + seconds * 1000 * MS + 500 * MS, POLL, now -> {
            audioRx.poll(now);
            videoRx.poll(now);
        });

        List<Recorded.Out> a = audioOut.frames;
        List<Recorded.Out> v = videoOut.frames;
        assertThat(a).hasSize(seconds * 50);
        assertThat(v).hasSize(seconds * 25);
        for (int j = 0; j < v.size(); j++) {
            assertThat(v.get(j).ptsMicros()).as("video frame %d", j)
                    .isCloseTo(a.get(2 * j).ptsMicros(), org.assertj.core.data.Offset.offset(1000L));
        }
        // on the recording clock: the capture time plus the least delayed sender report's delay
        assertThat(v.get(0).ptsMicros()).isBetween((FIRST_CAPTURE + audioDelay) / 1000,
                (FIRST_CAPTURE + audioDelay + 10 * MS) / 1000);
        // nothing was output before the audio stream's first report arrived
        assertThat(v.get(0).atNanos()).isGreaterThanOrEqualTo(FIRST_CAPTURE + 2500 * MS + audioDelay);
        assertThat(a.get(0).atNanos()).isGreaterThanOrEqualTo(FIRST_CAPTURE + 2500 * MS + audioDelay);
    }

    @Test
    void withoutSenderReports_framesWait3s_thenUseTheLeastDelayedPacketsNotTheFirst() {
        ParticipantClock clock = new ParticipantClock(0);
        Recorded out = new Recorded(sim::now);
        SyntheticRtp.Vp8Sender video = SyntheticRtp.Vp8Sender.random(random);
        StreamReceiver rx = new StreamReceiver(Codec.VP8, video.ssrc, clock, out, out,
                StreamReceiver.Settings.defaults());
        int frames = 150;
        long firstArrival = Long.MAX_VALUE;
        for (int j = 0; j < frames; j++) {
            long capture = FIRST_CAPTURE + j * 40 * MS;
            // the first frames come through a slow path; later ones sometimes arrive after exactly 20 ms
            long delay = j < 5 ? 60 * MS : 20 * MS + (random.nextInt(4) == 0 ? 0 : random.nextInt(15) * MS);
            for (SyntheticRtp.Packet p : video.frame(j % 50 == 0, 2500, 1100, capture, 3600).packets()) {
                deliver(rx, p.bytes(), capture + delay);
                firstArrival = Math.min(firstArrival, capture + delay);
            }
        }
        sim.runUntil(FIRST_CAPTURE + frames * 40 * MS + 500 * MS, POLL, rx::poll);

        assertThat(out.frames).hasSize(frames);
        long holdEnd = firstArrival + 3000 * MS;
        assertThat(out.frames.get(0).atNanos()).isBetween(holdEnd, holdEnd + POLL);
        assertThat(out.frames.get(0).ptsMicros()).isBetween((FIRST_CAPTURE + 20 * MS) / 1000 - 1,
                (FIRST_CAPTURE + 20 * MS) / 1000 + 1);
        for (int j = 1; j < frames; j++) {
            assertThat(out.frames.get(j).ptsMicros() - out.frames.get(0).ptsMicros()).isBetween(j * 40_000L - 1,
                    j * 40_000L + 1);
        }
    }

    @Test
    void timestampsNeverDecrease_evenWhenTheSenderTimestampJumpsBack() {
        ParticipantClock clock = new ParticipantClock(0);
        Recorded out = new Recorded(sim::now);
        SyntheticRtp.OpusSender audio = SyntheticRtp.OpusSender.random(random);
        StreamReceiver rx = new StreamReceiver(Codec.OPUS, audio.ssrc, clock, out, out,
                StreamReceiver.Settings.defaults());
        senderReport(rx, 0, audio.timestamp, 48, 30 * MS);
        for (int k = 0; k < 150; k++) {
            if (k == 100) {
                audio.timestamp = (audio.timestamp - 48_000) & 0xFFFF_FFFFL; // the sender restarts its clock, 1 s back
            }
            long capture = FIRST_CAPTURE + k * 20 * MS;
            byte[] bytes = audio.frame(capture).packets().get(0).bytes();
            deliver(rx, bytes, capture + 30 * MS);
        }
        sim.runUntil(FIRST_CAPTURE + 4000 * MS, POLL, rx::poll);

        List<Long> pts = out.frames.stream().map(Recorded.Out::ptsMicros).toList();
        assertThat(pts).hasSize(150).isSorted();
        for (int k = 1; k < 100; k++) {
            assertThat(pts.get(k) - pts.get(k - 1)).isEqualTo(20_000L);
        }
        // 1 s back at 20 ms a frame: frames 100..148 would come before frame 99, and 149 lands on it
        assertThat(rx.stats().ptsClamped()).isEqualTo(49);
        assertThat(rx.stats().nacksSent()).isZero();
        assertThat(out.nacks).isEmpty();
        assertThat(out.keyframeRequests).isEmpty();
    }

    @Test
    void close_releasesTheHeldFrames_timedByArrival() {
        ParticipantClock clock = new ParticipantClock(0);
        Recorded out = new Recorded(sim::now);
        SyntheticRtp.OpusSender audio = SyntheticRtp.OpusSender.random(random);
        StreamReceiver rx = new StreamReceiver(Codec.OPUS, audio.ssrc, clock, out, out,
                StreamReceiver.Settings.defaults());
        for (int k = 0; k < 50; k++) {
            long capture = FIRST_CAPTURE + k * 20 * MS;
            byte[] bytes = audio.frame(capture).packets().get(0).bytes();
            deliver(rx, bytes, capture + 30 * MS);
        }
        sim.runUntil(FIRST_CAPTURE + 2000 * MS, POLL, rx::poll);
        assertThat(out.frames).isEmpty(); // no report yet, and the hold time has not passed

        rx.close(sim.now());
        assertThat(out.frames).hasSize(50);
        assertThat(out.frames.get(0).ptsMicros()).isEqualTo((FIRST_CAPTURE + 30 * MS) / 1000);
        assertThat(out.frames.get(49).ptsMicros()).isEqualTo((FIRST_CAPTURE + 30 * MS) / 1000 + 49 * 20_000);
        byte[] late = audio.frame(FIRST_CAPTURE + 50 * 20 * MS).packets().get(0).bytes();
        rx.rtp(late, 0, late.length, sim.now());
        rx.poll(sim.now() + 200 * MS);
        assertThat(out.frames).hasSize(50);
    }

    private void deliver(StreamReceiver rx, byte[] bytes, long atNanos) {
        sim.at(atNanos, () -> rx.rtp(bytes, 0, bytes.length, sim.now()));
    }

    /** A report sent {@code atMs} after the first capture, for a stream with this first timestamp and ticks per ms. */
    private void senderReport(StreamReceiver rx, long atMs, long firstTimestamp, int ticksPerMs, long delayNanos) {
        long sentLocal = FIRST_CAPTURE + atMs * MS;
        long ntp = VideoHarness.ntp(sentLocal + senderClockOffset);
        long rtp = (firstTimestamp + atMs * ticksPerMs) & 0xFFFF_FFFFL;
        sim.at(sentLocal + delayNanos, () -> rx.senderReport(ntp, rtp, sim.now()));
    }
}
