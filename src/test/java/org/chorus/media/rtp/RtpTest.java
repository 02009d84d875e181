package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.media.rtp.RtpPacketBuilder.rtp;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RtpTest {

    @Test
    void readsTheFixedHeader() {
        byte[] p = rtp().payloadType(111).marker(true).seq(0xFFFE).timestamp(0xFFFF_FFF0L).ssrc(0xCAFEBABE)
                .payload(9, 8, 7).build();

        assertThat(Rtp.isValidRtp(p, 0, p.length)).isTrue();
        assertThat(Rtp.version(p, 0)).isEqualTo(2);
        assertThat(Rtp.hasPadding(p, 0)).isFalse();
        assertThat(Rtp.hasExtension(p, 0)).isFalse();
        assertThat(Rtp.csrcCount(p, 0)).isZero();
        assertThat(Rtp.marker(p, 0)).isTrue();
        assertThat(Rtp.payloadType(p, 0)).isEqualTo(111);
        assertThat(Rtp.sequenceNumber(p, 0)).isEqualTo(0xFFFE);
        assertThat(Rtp.timestamp(p, 0)).isEqualTo(0xFFFF_FFF0L);
        assertThat(Rtp.ssrc(p, 0)).isEqualTo(0xCAFEBABE);
        assertThat(Rtp.headerLength(p, 0, p.length)).isEqualTo(12);
        assertThat(Rtp.payloadOffset(p, 0, p.length)).isEqualTo(12);
        assertThat(Rtp.payloadLength(p, 0, p.length)).isEqualTo(3);
    }

    @Test
    void settersChangeOnlyTheirField() {
        byte[] p = rtp().payloadType(96).marker(true).seq(1).timestamp(2).ssrc(3).build();
        byte[] before = p.clone();

        Rtp.setPayloadType(p, 0, 100);
        assertThat(Rtp.payloadType(p, 0)).isEqualTo(100);
        assertThat(Rtp.marker(p, 0)).isTrue();
        Rtp.setMarker(p, 0, false);
        assertThat(Rtp.marker(p, 0)).isFalse();
        assertThat(Rtp.payloadType(p, 0)).isEqualTo(100);
        Rtp.setSequenceNumber(p, 0, 0xABCD);
        Rtp.setTimestamp(p, 0, 0x89ABCDEFL);
        Rtp.setSsrc(p, 0, 0xF00DF00D);

        assertThat(Rtp.sequenceNumber(p, 0)).isEqualTo(0xABCD);
        assertThat(Rtp.timestamp(p, 0)).isEqualTo(0x89ABCDEFL);
        assertThat(Rtp.ssrc(p, 0)).isEqualTo(0xF00DF00D);
        assertThat(p[0]).isEqualTo(before[0]);
        assertThat(java.util.Arrays.copyOfRange(p, 12, p.length))
                .isEqualTo(java.util.Arrays.copyOfRange(before, 12, before.length));
    }

    @Test
    void worksAtAnOffset() {
        byte[] a = rtp().seq(77).ssrc(5).payload(1, 2).buildAt(30, 10);

        assertThat(Rtp.isValidRtp(a, 30, 14)).isTrue();
        assertThat(Rtp.sequenceNumber(a, 30)).isEqualTo(77);
        assertThat(Rtp.payloadOffset(a, 30, 14)).isEqualTo(42);
        assertThat(Rtp.payloadLength(a, 30, 14)).isEqualTo(2);
    }

    @Test
    void countsCsrcsAndTheExtensionBlockInTheHeader() {
        byte[] p = rtp().csrc(0x01020304).csrc(0x05060708).oneByteExtensions().ext(1, 0xAA, 0xBB)
                .payload(1, 2, 3, 4, 5).build();

        assertThat(Rtp.csrcCount(p, 0)).isEqualTo(2);
        assertThat(Rtp.csrc(p, 0, 0)).isEqualTo(0x01020304);
        assertThat(Rtp.csrc(p, 0, 1)).isEqualTo(0x05060708);
        assertThat(Rtp.hasExtension(p, 0)).isTrue();
        assertThat(Rtp.extensionBlockOffset(p, 0, p.length)).isEqualTo(20);
        assertThat(Rtp.headerLength(p, 0, p.length)).isEqualTo(12 + 8 + 4 + 4);
        assertThat(Rtp.payloadLength(p, 0, p.length)).isEqualTo(5);
    }

    @Test
    void excludesPaddingFromThePayload() {
        byte[] p = rtp().payload(1, 2, 3).padding(5).build();

        assertThat(Rtp.hasPadding(p, 0)).isTrue();
        assertThat(Rtp.paddingLength(p, 0, p.length)).isEqualTo(5);
        assertThat(Rtp.payloadLength(p, 0, p.length)).isEqualTo(3);
        assertThat(Rtp.isValidRtp(p, 0, p.length)).isTrue();
    }

    @Test
    void aPaddingOnlyPacketHasAnEmptyPayload() {
        byte[] p = rtp().payload().padding(4).build();
        assertThat(Rtp.payloadLength(p, 0, p.length)).isZero();
        assertThat(Rtp.isValidRtp(p, 0, p.length)).isTrue();
    }

    @Test
    void rejectsPaddingThatDoesNotFit() {
        byte[] p = rtp().payload(1, 2, 3).padding(2).build();
        p[p.length - 1] = 50;
        assertThat(Rtp.paddingLength(p, 0, p.length)).isEqualTo(-1);
        assertThat(Rtp.isValidRtp(p, 0, p.length)).isFalse();
        p[p.length - 1] = 0;
        assertThat(Rtp.isValidRtp(p, 0, p.length)).isFalse();
    }

    @Test
    void rejectsTruncatedHeaders() {
        byte[] p = rtp().csrc(1).csrc(2).oneByteExtensions().ext(1, 5).payload().build();
        for (int len = 0; len < p.length; len++) {
            assertThat(Rtp.isValidRtp(p, 0, len)).as("length %d", len).isFalse();
            assertThat(Rtp.headerLength(p, 0, len)).isEqualTo(-1);
        }
        assertThat(Rtp.isValidRtp(p, 0, p.length)).isTrue();
    }

    @Test
    void rejectsOtherVersions() {
        byte[] p = rtp().build();
        p[0] = (byte) (p[0] & 0x3F | 0x40);
        assertThat(Rtp.isValidRtp(p, 0, p.length)).isFalse();
    }

    @Test
    void tellsRtcpFromRtpByTheSecondByte() {
        for (int second = 0; second < 256; second++) {
            byte[] p = rtp().build();
            p[1] = (byte) second;
            boolean rtcp = second >= 192 && second <= 223;
            assertThat(Rtp.isRtcp(p, 0, p.length)).as("second byte %d", second).isEqualTo(rtcp);
            assertThat(Rtp.isValidRtp(p, 0, p.length)).isEqualTo(!rtcp);
        }
        byte[] pli = new byte[12];
        Rtcp.writePli(pli, 0, 1, 2);
        assertThat(Rtp.isRtcp(pli, 0, 12)).isTrue();
        assertThat(Rtp.isRtcp(pli, 0, 3)).isFalse();
    }

    @Test
    void garbageNeverThrows() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            byte[] g = new byte[random.nextInt(40)];
            for (int j = 0; j < g.length; j++) {
                g[j] = (byte) random.nextInt(256);
            }
            if (g.length > 0 && random.nextBoolean()) {
                g[0] = (byte) (0x80 | (g[0] & 0x3F));
            }
            int off = g.length == 0 ? 0 : random.nextInt(g.length);
            int len = g.length - off;
            Rtp.isValidRtp(g, off, len);
            Rtp.isRtcp(g, off, len);
            Rtp.headerLength(g, off, len);
            Rtp.payloadOffset(g, off, len);
            Rtp.payloadLength(g, off, len);
            Rtp.paddingLength(g, off, len);
            Rtp.extensionBlockOffset(g, off, len);
            Rtp.isValidRtp(g, off, len + 5);
            Rtp.isValidRtp(g, -1, len);
        }
        assertThat(Rtp.isValidRtp(null, 0, 0)).isFalse();
    }
}
