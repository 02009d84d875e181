package org.chorus.recording.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.recording.rtp.VideoHarness.MS;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.chorus.recording.media.Codec;
import org.junit.jupiter.api.Test;

/** Opus and H.264 depacketization through the whole receiver. */
class CodecAssemblyTest {

    private static final long FIRST_CAPTURE = 1_000 * MS;
    private static final long POLL = 10 * MS;

    private final Simulation sim = new Simulation();
    private final Random random = new Random(5);
    private final ParticipantClock clock = new ParticipantClock(0);
    private final Recorded out = new Recorded(sim::now);

    @Test
    void opus_onePacketPerFrame_20msApart_acrossTimestampWrap_andALossIsNeitherNackedNorFatal() {
        SyntheticRtp.OpusSender audio = new SyntheticRtp.OpusSender(random.nextInt() & 0xFFFF_FFFFL,
                0xFFFF - 20, (1L << 32) - 960L * 30);
        StreamReceiver rx = new StreamReceiver(Codec.OPUS, audio.ssrc, clock, out, out,
                StreamReceiver.Settings.defaults());
        long firstTimestamp = audio.timestamp;
        sim.at(FIRST_CAPTURE + 30 * MS, () -> rx.senderReport(VideoHarness.ntp(FIRST_CAPTURE + 5_000 * MS),
                firstTimestamp, sim.now()));
        List<SyntheticRtp.Frame> expected = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            long capture = FIRST_CAPTURE + k * 20 * MS;
            SyntheticRtp.Frame frame = audio.frame(capture);
            if (k == 40) {
                continue; // lost
            }
            expected.add(frame);
            byte[] bytes = frame.packets().get(0).bytes();
            sim.at(capture + 30 * MS + random.nextInt(30) * MS, () -> rx.rtp(bytes, 0, bytes.length, sim.now()));
        }
        sim.runUntil(FIRST_CAPTURE + 2_500 * MS, POLL, rx::poll);

        assertThat(out.frames).extracting(Recorded.Out::data)
                .containsExactlyElementsOf(expected.stream().map(SyntheticRtp.Frame::expected).toList());
        assertThat(out.frames).allSatisfy(f -> assertThat(f.keyframe()).isTrue());
        assertThat(out.frames.get(0).ptsMicros()).isBetween((FIRST_CAPTURE + 30 * MS) / 1000 - 1,
                (FIRST_CAPTURE + 30 * MS) / 1000 + 1);
        for (int i = 1; i < out.frames.size(); i++) {
            long gap = i == 40 ? 40_000 : 20_000;
            assertThat(out.frames.get(i).ptsMicros() - out.frames.get(i - 1).ptsMicros()).isEqualTo(gap);
        }
        assertThat(out.nacks).isEmpty();
        assertThat(out.keyframeRequests).isEmpty();
        assertThat(rx.stats().lostPackets()).isEqualTo(1);
    }

    @Test
    void h264_singleNalStapAAndFuA_becomeAnnexBAccessUnits_andALostFragmentWaitsForTheNextIdr() {
        H264Sender video = new H264Sender(random.nextInt() & 0xFFFF_FFFFL, random.nextInt(), random.nextInt());
        StreamReceiver rx = new StreamReceiver(Codec.H264, video.ssrc, clock, out, out,
                StreamReceiver.Settings.defaults());
        long firstTimestamp = video.timestamp;
        sim.at(FIRST_CAPTURE + 20 * MS, () -> rx.senderReport(VideoHarness.ntp(FIRST_CAPTURE + 7_000 * MS),
                firstTimestamp, sim.now()));
        List<H264Sender.AccessUnit> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean idr = i % 30 == 0;
            H264Sender.AccessUnit au = video.accessUnit(i, idr);
            sent.add(au);
            long capture = FIRST_CAPTURE + i * 40 * MS;
            for (int k = 0; k < au.packets().size(); k++) {
                if (i == 10 && k == 1) {
                    continue; // a middle FU-A fragment, never retransmitted
                }
                byte[] bytes = au.packets().get(k);
                sim.at(capture + 20 * MS, () -> rx.rtp(bytes, 0, bytes.length, sim.now()));
            }
        }
        sim.runUntil(FIRST_CAPTURE + 60 * 40 * MS + 500 * MS, POLL, rx::poll);

        List<H264Sender.AccessUnit> expected = new ArrayList<>(sent.subList(0, 10));
        expected.addAll(sent.subList(30, 60));
        assertThat(out.frames).extracting(Recorded.Out::data)
                .containsExactlyElementsOf(expected.stream().map(H264Sender.AccessUnit::annexB).toList());
        assertThat(out.frames).extracting(Recorded.Out::keyframe)
                .containsExactlyElementsOf(expected.stream().map(H264Sender.AccessUnit::idr).toList());
        assertThat(rx.stats().framesDropped()).isEqualTo(20);
        assertThat(out.frames.get(10).ptsMicros() - out.frames.get(0).ptsMicros()).isEqualTo(30 * 40_000L);
        assertThat(rx.stats().ptsClamped()).isZero();
        assertThat(out.nackedSeqs()).hasSize(2); // the lost fragment, NACKed twice within the jitter delay
        assertThat(out.keyframeRequests).hasSize(2); // the start, the loss
    }

    /** Access units of an IDR (SPS + PPS in a STAP-A, the slice in FU-A fragments) or one P slice. */
    private static final class H264Sender {
        record AccessUnit(boolean idr, byte[] annexB, List<byte[]> packets) {
        }

        final long ssrc;
        long timestamp;
        private int seq;

        H264Sender(long ssrc, int seq, long timestamp) {
            this.ssrc = ssrc;
            this.seq = seq & 0xFFFF;
            this.timestamp = timestamp & 0xFFFF_FFFFL;
        }

        AccessUnit accessUnit(int index, boolean idr) {
            ByteArrayOutputStream annexB = new ByteArrayOutputStream();
            List<byte[]> packets = new ArrayList<>();
            if (idr) {
                byte[] sps = nal(0x67, 12, index);
                byte[] pps = nal(0x68, 4, index);
                byte[] slice = nal(0x65, 3000, index);
                ByteArrayOutputStream stap = new ByteArrayOutputStream();
                stap.write(0x78); // STAP-A, NRI 3
                for (byte[] n : List.of(sps, pps)) {
                    stap.write(n.length >>> 8);
                    stap.write(n.length);
                    stap.writeBytes(n);
                }
                packets.add(packet(stap.toByteArray(), false));
                fragment(slice, packets);
                for (byte[] n : List.of(sps, pps, slice)) {
                    annexB.writeBytes(new byte[] {0, 0, 0, 1});
                    annexB.writeBytes(n);
                }
            } else if (index % 2 == 0) {
                byte[] slice = nal(0x41, 2500, index);
                fragment(slice, packets);
                annexB.writeBytes(new byte[] {0, 0, 0, 1});
                annexB.writeBytes(slice);
            } else {
                byte[] slice = nal(0x41, 700, index);
                packets.add(packet(slice, true));
                annexB.writeBytes(new byte[] {0, 0, 0, 1});
                annexB.writeBytes(slice);
            }
            timestamp = (timestamp + 3600) & 0xFFFF_FFFFL;
            return new AccessUnit(idr, annexB.toByteArray(), packets);
        }

        /** FU-A fragments of at most 1000 bytes; the last one ends the access unit. */
        private void fragment(byte[] nal, List<byte[]> packets) {
            int header = nal[0] & 0xFF;
            for (int at = 1; at < nal.length; at += 1000) {
                int n = Math.min(1000, nal.length - at);
                boolean start = at == 1;
                boolean end = at + n == nal.length;
                byte[] payload = new byte[2 + n];
                payload[0] = (byte) ((header & 0xE0) | 28);
                payload[1] = (byte) ((start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1F));
                System.arraycopy(nal, at, payload, 2, n);
                packets.add(packet(payload, end));
            }
        }

        private byte[] packet(byte[] payload, boolean marker) {
            byte[] p = SyntheticRtp.rtp(102, seq, timestamp, ssrc, marker, payload, 0);
            seq = (seq + 1) & 0xFFFF;
            return p;
        }

        private static byte[] nal(int header, int size, int index) {
            byte[] b = new byte[size];
            b[0] = (byte) header;
            for (int i = 1; i < size; i++) {
                b[i] = (byte) (index * 13 + i * 3 + 1);
            }
            return b;
        }
    }
}
