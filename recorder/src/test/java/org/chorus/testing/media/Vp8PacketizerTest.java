package org.chorus.testing.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.chorus.media.rtp.Vp8Payload;
import org.junit.jupiter.api.Test;

class Vp8PacketizerTest {

    private final SplittableRandom random = new SplittableRandom(1);

    @Test
    void aFrameBecomesPacketsWithDescriptorPictureIdAndMarkerThatReassembleToIt() {
        RtpStream stream = new RtpStream(0x1234_5678L, 100, 90_000, random);
        Vp8Packetizer packetizer = new Vp8Packetizer(stream, random);
        byte[] frame = new byte[5000];
        new SplittableRandom(3).nextBytes(frame);
        frame[0] = 0x10; // a keyframe's first byte has bit 0 clear
        List<byte[]> packets = new ArrayList<>();
        packetizer.packetize(2_000_000, frame, (buf, len) -> packets.add(Arrays.copyOf(buf, len)));
        packetizer.packetize(2_033_333, new byte[] {1, 2, 3}, (buf, len) -> packets.add(Arrays.copyOf(buf, len)));

        assertThat(packets).hasSize(6);
        ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
        int firstSeq = Rtp.sequenceNumber(packets.get(0), 0);
        int firstPictureId = -1;
        for (int i = 0; i < 5; i++) {
            byte[] p = packets.get(i);
            int payload = Rtp.payloadOffset(p, 0, p.length);
            int payloadLength = p.length - payload;
            assertThat(payloadLength).isLessThanOrEqualTo(Vp8Packetizer.MAX_PAYLOAD);
            assertThat(Rtp.payloadType(p, 0)).isEqualTo(100);
            assertThat(Integer.toUnsignedLong(Rtp.ssrc(p, 0))).isEqualTo(0x1234_5678L);
            assertThat(Rtp.sequenceNumber(p, 0)).isEqualTo((firstSeq + i) & 0xFFFF);
            assertThat(Rtp.timestamp(p, 0)).isEqualTo(stream.timestamp(2_000_000));
            assertThat(Rtp.marker(p, 0)).as("marker on the last packet only").isEqualTo(i == 4);
            assertThat(Vp8Payload.isValid(p, payload, payloadLength)).isTrue();
            assertThat(Vp8Payload.isStartOfFrame(p, payload, payloadLength)).isEqualTo(i == 0);
            assertThat(Vp8Payload.partitionId(p, payload, payloadLength)).isZero();
            assertThat(Vp8Payload.pictureIdBits(p, payload, payloadLength)).isEqualTo(15);
            int pictureId = Vp8Payload.pictureId(p, payload, payloadLength);
            if (firstPictureId < 0) {
                firstPictureId = pictureId;
            }
            assertThat(pictureId).isEqualTo(firstPictureId);
            int d = Vp8Payload.descriptorLength(p, payload, payloadLength);
            reassembled.write(p, payload + d, payloadLength - d);
        }
        assertThat(Vp8Payload.isKeyframe(packets.get(0), 12, packets.get(0).length - 12)).isTrue();
        assertThat(reassembled.toByteArray()).isEqualTo(frame);

        byte[] next = packets.get(5);
        assertThat(Vp8Payload.pictureId(next, 12, next.length - 12)).isEqualTo((firstPictureId + 1) & 0x7FFF);
        assertThat(Rtp.marker(next, 0)).isTrue();
        long ticks = (Rtp.timestamp(next, 0) - Rtp.timestamp(packets.get(0), 0)) & 0xFFFF_FFFFL;
        assertThat(ticks).as("90 kHz ticks between frames 33.3 ms apart").isEqualTo(3000);
    }

    @Test
    void senderReportsCarryTheRtpTimeOfTheirInstantAndTheCounts() {
        RtpStream stream = new RtpStream(7, 111, 48_000, random);
        byte[] buf = new byte[1500];
        stream.writeHeader(buf, 0, false, 100);
        stream.writeHeader(buf, 20_000, false, 50);
        byte[] sr = new byte[64];
        long ntp = RtpMediaSender.ntp(1_700_000_000_500_000_000L);
        int n = stream.writeSenderReport(sr, ntp, 1_500_000_000L);
        assertThat(Rtcp.isSr(sr, 0, n)).isTrue();
        assertThat(Rtcp.srNtpTimestamp(sr, 0)).isEqualTo(ntp);
        assertThat(Rtcp.ntpToEpochMillis(ntp)).isEqualTo(1_700_000_000_500L);
        assertThat((Rtcp.srRtpTimestamp(sr, 0) - stream.timestamp(0)) & 0xFFFF_FFFFL).isEqualTo(72_000);
        assertThat(Rtcp.srPacketCount(sr, 0)).isEqualTo(2);
        assertThat(Rtcp.srOctetCount(sr, 0)).isEqualTo(150);
    }
}
