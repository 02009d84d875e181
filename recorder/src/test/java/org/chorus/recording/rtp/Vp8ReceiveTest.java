package org.chorus.recording.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.recording.rtp.VideoHarness.MS;
import static org.chorus.recording.rtp.VideoHarness.captureOf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Vp8ReceiveTest {

    private VideoHarness h;

    @BeforeEach
    void nearWrapAround() {
        h = new VideoHarness(7);
        // random initial values, chosen so that both the sequence number and the timestamp wrap early on
        h.sender.seq = 0x10000 - 40 - h.random.nextInt(100);
        h.sender.timestamp = (1L << 32) - 3000L * 10 - h.random.nextInt(100_000);
    }

    @Test
    void twoPercentLoss_nacksExactlyTheMissingPackets_andRetransmissionsRecoverEveryFrame() {
        h.retransmitOnNack(30 * MS);
        h.senderReportBefore(0, 20 * MS);
        List<Integer> lost = new ArrayList<>();
        int frames = 300;
        for (int i = 0; i < frames; i++) {
            SyntheticRtp.Frame frame = h.nextFrame(i % 90 == 0);
            for (SyntheticRtp.Packet p : frame.packets()) {
                boolean lose = i > 0 && i < frames - 2 && h.random.nextDouble() < 0.02;
                if (lose) {
                    lost.add(p.seq());
                } else {
                    h.deliver(p, 20 * MS);
                }
            }
        }
        h.run(captureOf(frames) + 500 * MS);

        assertThat(lost).hasSizeGreaterThan(10);
        assertThat(h.recorded.nackedSeqs()).containsExactlyInAnyOrderElementsOf(lost);
        assertThat(h.recorded.nacks).allSatisfy(n -> assertThat(n.ssrc()).isEqualTo(h.sender.ssrc));
        assertFramesOut(h.frames);
        StreamReceiver.Stats stats = h.receiver.stats();
        assertThat(stats.recoveredPackets()).isEqualTo(lost.size());
        assertThat(stats.lostPackets()).isZero();
        assertThat(stats.framesDropped()).isZero();
        assertThat(stats.nacksSent()).isEqualTo(lost.size());
        assertThat(stats.framesOut()).isEqualTo(frames);
        // one request at the start, none later: no frame was lost
        assertThat(h.recorded.keyframeRequests).hasSize(1);
    }

    @Test
    void timestampsFollowTheRtpClockFromTheSenderReport() {
        h.senderReportBefore(0, 20 * MS);
        for (int i = 0; i < 90; i++) {
            h.nextFrame(i == 0).packets().forEach(p -> h.deliver(p, 20 * MS));
        }
        h.run(captureOf(90) + 500 * MS);

        List<Long> pts = h.recorded.frames.stream().map(Recorded.Out::ptsMicros).toList();
        assertThat(pts).hasSize(90);
        // the frame captured at FIRST_CAPTURE arrived 20 ms later at the earliest
        assertThat(pts.get(0)).isBetween((captureOf(0) + 20 * MS) / 1000 - 2, (captureOf(0) + 20 * MS) / 1000 + 2);
        for (int i = 1; i < pts.size(); i++) {
            long expected = pts.get(0) + (captureOf(i) - captureOf(0)) / 1000;
            assertThat(pts.get(i)).as("frame %d", i).isBetween(expected - 1, expected + 1);
        }
    }

    @Test
    void reorderingAndDuplicatesWithinTheJitterDelay_loseNothing() {
        h.senderReportBefore(0, 20 * MS);
        int duplicates = 0;
        int frames = 150;
        for (int i = 0; i < frames; i++) {
            for (SyntheticRtp.Packet p : h.nextFrame(i % 90 == 0).packets()) {
                h.deliver(p, 20 * MS + h.random.nextInt(60) * MS);
                if (h.random.nextDouble() < 0.05) {
                    h.deliver(p, 20 * MS + h.random.nextInt(60) * MS);
                    duplicates++;
                }
            }
        }
        h.run(captureOf(frames) + 500 * MS);

        assertFramesOut(h.frames);
        StreamReceiver.Stats stats = h.receiver.stats();
        assertThat(duplicates).isPositive();
        assertThat(stats.duplicatePackets()).isEqualTo(duplicates);
        assertThat(stats.lostPackets()).isZero();
        assertThat(stats.latePackets()).isZero();
        assertThat(stats.framesDropped()).isZero();
    }

    @Test
    void paddingOnlyPackets_evenLostOnes_causeNoDrops() {
        h.retransmitOnNack(30 * MS); // padding is not in the sender's history: never retransmitted
        h.senderReportBefore(0, 20 * MS);
        int lostPadding = 0;
        int sentPadding = 0;
        int frames = 150;
        for (int i = 0; i < frames; i++) {
            h.nextFrame(i % 90 == 0).packets().forEach(p -> h.deliver(p, 20 * MS));
            if (i % 3 == 1 && i < frames - 2) {
                for (int k = 0; k < 2; k++) {
                    SyntheticRtp.Packet padding = h.sender.padding(captureOf(i) + (k + 1) * MS);
                    sentPadding++;
                    if (h.random.nextDouble() < 0.3) {
                        lostPadding++;
                    } else {
                        h.deliver(padding, 20 * MS);
                    }
                }
            }
        }
        h.run(captureOf(frames) + 500 * MS);

        assertThat(lostPadding).isPositive();
        assertFramesOut(h.frames);
        StreamReceiver.Stats stats = h.receiver.stats();
        assertThat(stats.paddingPackets()).isEqualTo(sentPadding - lostPadding);
        assertThat(stats.lostPackets()).isEqualTo(lostPadding);
        assertThat(stats.framesDropped()).isZero();
        assertThat(h.recorded.keyframeRequests).hasSize(1);
    }

    @Test
    void aLostFrame_dropsFramesUntilTheNextKeyframe_andRequestsOne() {
        h.senderReportBefore(0, 20 * MS);
        int frames = 150;
        for (int i = 0; i < frames; i++) {
            SyntheticRtp.Frame frame = h.nextFrame(i % 90 == 0);
            if (i != 20) {
                frame.packets().forEach(p -> h.deliver(p, 20 * MS));
            }
        }
        h.run(captureOf(frames) + 500 * MS);

        List<SyntheticRtp.Frame> expected = new ArrayList<>(h.frames(0, 20));
        expected.addAll(h.frames(90, frames));
        assertFramesOut(expected);
        assertThat(h.receiver.stats().framesDropped()).isEqualTo(90 - 21);
        // the start, then the loss: found when frame 21 arrived and given up one jitter delay later
        assertThat(h.recorded.keyframeRequests).hasSize(2);
        long givenUp = captureOf(21) + 20 * MS + 100 * MS;
        assertThat(h.recorded.keyframeRequests.get(1)).isBetween(givenUp, givenUp + VideoHarness.POLL);
    }

    @Test
    void keyframeRequestsAreRateLimitedTo500ms_butNotForgotten() {
        h.senderReportBefore(0, 20 * MS);
        boolean[] keyframeWanted = {false};
        h.recorded.onKeyframeRequest = () -> keyframeWanted[0] = true;
        Set<Integer> lostFrames = Set.of(20, 30);
        int frames = 120;
        for (int i = 0; i < frames; i++) {
            int index = i;
            h.sim.at(captureOf(i), () -> {
                boolean key = index == 0 || keyframeWanted[0];
                keyframeWanted[0] = false;
                SyntheticRtp.Frame frame = h.nextFrame(key);
                if (!lostFrames.contains(index)) {
                    frame.packets().forEach(p -> h.deliver(p, 20 * MS));
                }
            });
        }
        h.run(captureOf(frames) + 500 * MS);

        List<Long> requests = h.recorded.keyframeRequests;
        assertThat(requests).hasSize(3); // the start, loss 1, loss 2
        long firstLoss = requests.get(1);
        long secondLoss = requests.get(2);
        assertThat(secondLoss - firstLoss).isBetween(500 * MS, 500 * MS + VideoHarness.POLL);
        // the second loss was found well within 500 ms of the first request
        assertThat(captureOf(31) + 120 * MS - firstLoss).isLessThan(500 * MS);
        // frames resume with the keyframe sent after each request
        assertThat(h.recorded.frames.get(20).keyframe()).isTrue();
        // keyframes: the first frame, the answer to the start request, and one per loss
        assertThat(h.recorded.frames).filteredOn(Recorded.Out::keyframe).hasSize(4);
    }

    @Test
    void atTheStart_requestsEvery500msUntilTheFirstKeyframe() {
        h.senderReportBefore(0, 20 * MS);
        int firstKeyframe = 45;
        for (int i = 0; i < 90; i++) {
            h.nextFrame(i == firstKeyframe).packets().forEach(p -> h.deliver(p, 20 * MS));
        }
        h.run(captureOf(90) + 500 * MS);

        assertFramesOut(h.frames(firstKeyframe, 90));
        assertThat(h.receiver.stats().framesDropped()).isEqualTo(firstKeyframe);
        List<Long> requests = h.recorded.keyframeRequests;
        assertThat(requests.get(0)).isBetween(captureOf(0) + 20 * MS, captureOf(0) + 20 * MS + VideoHarness.POLL);
        assertThat(requests).hasSize(3).allSatisfy(t -> assertThat(t).isLessThan(captureOf(firstKeyframe) + 20 * MS));
        for (int i = 1; i < requests.size(); i++) {
            assertThat(requests.get(i) - requests.get(i - 1)).isBetween(500 * MS, 500 * MS + VideoHarness.POLL);
        }
    }

    @Test
    void noKeyframeFor4sWhileDropping_requestsAgain() {
        h.senderReportBefore(0, 20 * MS);
        int frames = 330; // 11 s; the sender ignores requests, its only keyframe is the first frame
        for (int i = 0; i < frames; i++) {
            SyntheticRtp.Frame frame = h.nextFrame(i == 0);
            if (i != 30) {
                frame.packets().forEach(p -> h.deliver(p, 20 * MS));
            }
        }
        h.run(captureOf(frames));

        List<Long> requests = h.recorded.keyframeRequests;
        assertThat(requests).hasSize(4);
        assertThat(requests.get(2) - requests.get(1)).isBetween(4000 * MS, 4000 * MS + VideoHarness.POLL);
        assertThat(requests.get(3) - requests.get(2)).isBetween(4000 * MS, 4000 * MS + VideoHarness.POLL);
        assertThat(h.recorded.frames).hasSize(30);
    }

    @Test
    void aGapOf256PacketsOrMore_getsAKeyframeRequestInsteadOfNacks() {
        h.retransmitOnNack(30 * MS);
        h.senderReportBefore(0, 20 * MS);
        List<SyntheticRtp.Packet> packets = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            packets.addAll(h.nextFrame(i % 200 == 0).packets());
        }
        int gapStart = 150;
        int gapEnd = gapStart + 300;
        Set<Integer> skipped = new HashSet<>();
        for (int k = 0; k < packets.size(); k++) {
            if (k >= gapStart && k < gapEnd) {
                skipped.add(packets.get(k).seq());
            } else {
                h.deliver(packets.get(k), 20 * MS);
            }
        }
        h.run(captureOf(240) + 500 * MS);

        assertThat(h.recorded.nacks).isEmpty();
        long revealed = packets.get(gapEnd).sentNanos() + 20 * MS;
        assertThat(h.recorded.keyframeRequests).anySatisfy(
                t -> assertThat(t).isBetween(revealed, revealed + VideoHarness.POLL));
        assertThat(h.receiver.stats().lostPackets()).isEqualTo(skipped.size());
        // frames resume with the next keyframe (frame 200)
        assertThat(h.recorded.frames.get(h.recorded.frames.size() - 40).data()).isEqualTo(h.frames.get(200).expected());
    }

    private void assertFramesOut(List<SyntheticRtp.Frame> expected) {
        List<Recorded.Out> out = h.recorded.frames;
        assertThat(out).extracting(Recorded.Out::data).containsExactlyElementsOf(
                expected.stream().map(SyntheticRtp.Frame::expected).toList());
        assertThat(out).extracting(Recorded.Out::keyframe).containsExactlyElementsOf(
                expected.stream().map(SyntheticRtp.Frame::keyframe).toList());
        for (int i = 1; i < out.size(); i++) {
            assertThat(out.get(i).ptsMicros()).isGreaterThan(out.get(i - 1).ptsMicros());
        }
    }
}
