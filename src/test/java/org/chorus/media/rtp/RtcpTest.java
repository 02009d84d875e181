package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chorus.media.rtp.RtpPacketBuilder.bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.chorus.media.rtp.Rtcp.ReportBlock;
import org.junit.jupiter.api.Test;

class RtcpTest {

    private static final int SENDER = 0x01020304;
    private static final int MEDIA = 0xA1B2C3D4;

    @Test
    void pliIsTwelveBytesLaidOutAsInRfc4585() {
        byte[] buf = new byte[16];
        int length = Rtcp.writePli(buf, 2, SENDER, MEDIA);

        assertThat(length).isEqualTo(12);
        // V=2 P=0 FMT=1 | PT=206 | length=2 | sender SSRC | media source SSRC
        assertThat(Arrays.copyOfRange(buf, 2, 14)).isEqualTo(bytes(
                0x81, 0xCE, 0x00, 0x02,
                0x01, 0x02, 0x03, 0x04,
                0xA1, 0xB2, 0xC3, 0xD4));
        assertThat(Rtcp.isPli(buf, 2, 12)).isTrue();
        assertThat(Rtcp.isFir(buf, 2, 12)).isFalse();
        assertThat(Rtcp.senderSsrc(buf, 2)).isEqualTo(SENDER);
        assertThat(Rtcp.mediaSsrc(buf, 2)).isEqualTo(MEDIA);
        assertThat(Rtp.isRtcp(buf, 2, 12)).isTrue();
    }

    @Test
    void firIsTwentyBytesLaidOutAsInRfc5104() {
        byte[] buf = new byte[20];
        int length = Rtcp.writeFir(buf, 0, SENDER, MEDIA, 7);

        assertThat(length).isEqualTo(20);
        // V=2 P=0 FMT=4 | PT=206 | length=4 | sender SSRC | media source SSRC = 0 | FCI: SSRC, seq nr, reserved
        assertThat(buf).isEqualTo(bytes(
                0x84, 0xCE, 0x00, 0x04,
                0x01, 0x02, 0x03, 0x04,
                0x00, 0x00, 0x00, 0x00,
                0xA1, 0xB2, 0xC3, 0xD4,
                0x07, 0x00, 0x00, 0x00));
        assertThat(Rtcp.isFir(buf, 0, 20)).isTrue();
        assertThat(Rtcp.isPli(buf, 0, 20)).isFalse();
        assertThat(Rtcp.firEntryCount(buf, 0, 20)).isEqualTo(1);
        assertThat(Rtcp.firSsrc(buf, 0, 0)).isEqualTo(MEDIA);
        assertThat(Rtcp.firSequenceNumber(buf, 0, 0)).isEqualTo(7);
    }

    @Test
    void nackPacksFollowingLossesIntoTheBitmask() {
        int[] lost = {100, 102, 116};
        byte[] buf = new byte[Rtcp.nackLength(lost, lost.length)];
        int length = Rtcp.writeNack(buf, 0, SENDER, MEDIA, lost, lost.length);

        assertThat(length).isEqualTo(16);
        assertThat(buf).isEqualTo(bytes(
                0x81, 0xCD, 0x00, 0x03,
                0x01, 0x02, 0x03, 0x04,
                0xA1, 0xB2, 0xC3, 0xD4,
                0x00, 0x64, 0x80, 0x02));
        assertThat(Rtcp.isNack(buf, 0, length)).isTrue();
        assertThat(Rtcp.nackLost(buf, 0, length)).containsExactly(100, 102, 116);
    }

    @Test
    void nackRoundTripsAcrossTheWrap() {
        int[] lost = {65534, 65535, 0, 1, 20, 40, 41, 56, 57};
        byte[] buf = new byte[64];
        int length = Rtcp.writeNack(buf, 0, SENDER, MEDIA, lost, lost.length);

        assertThat(length).isEqualTo(12 + 4 * 4);
        assertThat(length).isEqualTo(Rtcp.nackLength(lost, lost.length));
        assertThat(Rtcp.nackLostCount(buf, 0, length)).isEqualTo(lost.length);
        assertThat(Rtcp.nackLost(buf, 0, length)).containsExactly(lost);
        assertThat(Rtcp.isValidCompound(buf, 0, length)).isTrue();
    }

    @Test
    void nackRoundTripsRandomLossPatterns() {
        SplittableRandom random = new SplittableRandom(3);
        byte[] buf = new byte[4096];
        for (int round = 0; round < 500; round++) {
            int seq = random.nextInt(65536);
            int[] lost = new int[1 + random.nextInt(60)];
            for (int i = 0; i < lost.length; i++) {
                seq = (seq + 1 + random.nextInt(random.nextBoolean() ? 3 : 40)) & 0xFFFF;
                lost[i] = seq;
            }
            int length = Rtcp.writeNack(buf, 0, SENDER, MEDIA, lost, lost.length);
            assertThat(Rtcp.nackLost(buf, 0, length)).containsExactly(lost);
        }
    }

    @Test
    void nackToleratesUnorderedAndRepeatedInput() {
        int[] lost = {50, 50, 10, 11, 49};
        byte[] buf = new byte[64];
        int length = Rtcp.writeNack(buf, 0, SENDER, MEDIA, lost, lost.length);
        assertThat(Rtcp.nackLost(buf, 0, length)).containsExactlyInAnyOrder(50, 10, 11, 49);
    }

    @Test
    void paddingIsNotReadAsFeedbackEntries() {
        byte[] buf = new byte[20];
        Rtcp.writeNack(buf, 0, SENDER, MEDIA, new int[] {500}, 1);
        buf[0] |= 0x20; // P: one more word, whose last byte counts 4 padding bytes
        Bytes.put16(buf, 2, 4);
        buf[19] = 4;

        assertThat(Rtcp.packetLength(buf, 0, 20)).isEqualTo(20);
        assertThat(Rtcp.contentLength(buf, 0, 20)).isEqualTo(16);
        assertThat(Rtcp.nackLost(buf, 0, 20)).containsExactly(500);

        buf[19] = 0; // a padding count of zero is malformed
        assertThat(Rtcp.contentLength(buf, 0, 20)).isEqualTo(-1);
        assertThat(Rtcp.isNack(buf, 0, 20)).isFalse();
        assertThat(Rtcp.isValidCompound(buf, 0, 20)).isTrue();
    }

    @Test
    void anEmptyNackIsRefused() {
        assertThatThrownBy(() -> Rtcp.writeNack(new byte[16], 0, SENDER, MEDIA, new int[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readNackStopsAtTheOutputSize() {
        int[] lost = {1, 2, 3, 4, 5};
        byte[] buf = new byte[64];
        int length = Rtcp.writeNack(buf, 0, SENDER, MEDIA, lost, lost.length);
        int[] out = new int[3];
        assertThat(Rtcp.readNack(buf, 0, length, out)).isEqualTo(3);
        assertThat(out).containsExactly(1, 2, 3);
    }

    @Test
    void rembEncodesOnePointFiveMegabits() {
        byte[] buf = new byte[24];
        int length = Rtcp.writeRemb(buf, 0, SENDER, 1_500_000, MEDIA);

        assertThat(length).isEqualTo(24);
        // FMT=15 PT=206 length=5 | sender | media=0 | 'REMB' | num=1, exp=3, mantissa=187500 | SSRC
        assertThat(buf).isEqualTo(bytes(
                0x8F, 0xCE, 0x00, 0x05,
                0x01, 0x02, 0x03, 0x04,
                0x00, 0x00, 0x00, 0x00,
                'R', 'E', 'M', 'B',
                0x01, 0x0E, 0xDC, 0x6C,
                0xA1, 0xB2, 0xC3, 0xD4));
        assertThat(Rtcp.isRemb(buf, 0, length)).isTrue();
        assertThat(Rtcp.rembBitrate(buf, 0)).isEqualTo(1_500_000);
        assertThat(Rtcp.rembSsrcCount(buf, 0, length)).isEqualTo(1);
        assertThat(Rtcp.rembSsrc(buf, 0, 0)).isEqualTo(MEDIA);
    }

    @Test
    void aRembListsAtMost255SsrcsTheFirstOnes() {
        int[] ssrcs = new int[300];
        for (int i = 0; i < ssrcs.length; i++) {
            ssrcs[i] = 1000 + i;
        }
        byte[] buf = new byte[PacketBuffer.MAX_PACKET_SIZE];
        int length = Rtcp.writeRemb(buf, 0, SENDER, 2_500_000, ssrcs);

        assertThat(length).isEqualTo(Rtcp.rembLength(Rtcp.MAX_REMB_SSRCS)).isEqualTo(1040);
        assertThat(Rtcp.isValidCompound(buf, 0, length)).isTrue();
        assertThat(Rtcp.rembSsrcCount(buf, 0, length)).isEqualTo(255);
        assertThat(Rtcp.rembSsrc(buf, 0, 0)).isEqualTo(1000);
        assertThat(Rtcp.rembSsrc(buf, 0, 254)).isEqualTo(1254);
        assertThat(Rtcp.rembBitrate(buf, 0)).isEqualTo(2_500_000);
    }

    @Test
    void rembRoundsDownToWhatEighteenBitsCarry() {
        byte[] buf = new byte[32];
        for (long bitrate : new long[] {0, 1, 262_143, 262_144, 300_001, 2_500_000, 123_456_789, 40_000_000_000L}) {
            Rtcp.writeRemb(buf, 0, SENDER, bitrate, 1, 2);
            long decoded = Rtcp.rembBitrate(buf, 0);
            assertThat(decoded).isLessThanOrEqualTo(bitrate);
            assertThat(bitrate - decoded).isLessThanOrEqualTo(bitrate >>> 17);
        }
        buf[17] = (byte) 0xFF;
        buf[18] = (byte) 0xFF;
        buf[19] = (byte) 0xFF;
        assertThat(Rtcp.rembBitrate(buf, 0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void srRoundTrips() {
        ReportBlock a = new ReportBlock(0x11111111, 25, -3, 0x0001_FFFFL, 120, 0xDEADBEEFL, 65536);
        ReportBlock b = new ReportBlock(0x22222222, 255, 0x7FFFFF, 0xFFFF_FFFFL, 0, 0, 0);
        long ntp = Rtcp.ntpTimestamp(1_700_000_000_123L);
        byte[] buf = new byte[Rtcp.srLength(2)];
        int length = Rtcp.writeSr(buf, 0, SENDER, ntp, 0xFFFF_0000L, 1234, 567_890, a, b);

        assertThat(length).isEqualTo(28 + 48);
        assertThat(buf[0] & 0xFF).isEqualTo(0x82);
        assertThat(Rtcp.packetType(buf, 0)).isEqualTo(Rtcp.SR);
        assertThat(Rtcp.isSr(buf, 0, length)).isTrue();
        assertThat(Rtcp.senderSsrc(buf, 0)).isEqualTo(SENDER);
        assertThat(Rtcp.srNtpTimestamp(buf, 0)).isEqualTo(ntp);
        assertThat(Rtcp.ntpToEpochMillis(ntp)).isEqualTo(1_700_000_000_123L);
        assertThat(Rtcp.srRtpTimestamp(buf, 0)).isEqualTo(0xFFFF_0000L);
        assertThat(Rtcp.srPacketCount(buf, 0)).isEqualTo(1234);
        assertThat(Rtcp.srOctetCount(buf, 0)).isEqualTo(567_890);
        assertThat(Rtcp.reportBlockCount(buf, 0, length)).isEqualTo(2);
        assertThat(ReportBlock.read(buf, Rtcp.reportBlockOffset(buf, 0, 0))).isEqualTo(a);
        assertThat(ReportBlock.read(buf, Rtcp.reportBlockOffset(buf, 0, 1))).isEqualTo(b);
        assertThat(Rtcp.cumulativeLost(buf, Rtcp.reportBlockOffset(buf, 0, 0))).isEqualTo(-3);
    }

    @Test
    void rrRoundTrips() {
        ReportBlock block = new ReportBlock(MEDIA, 64, 1000, 70_000, 33, 0x12345678L, 0x00010000L);
        byte[] buf = new byte[32];
        int length = Rtcp.writeRr(buf, 0, SENDER, block);

        assertThat(length).isEqualTo(32);
        assertThat(Arrays.copyOfRange(buf, 0, 8)).isEqualTo(bytes(0x81, 0xC9, 0x00, 0x07, 1, 2, 3, 4));
        assertThat(Rtcp.isRr(buf, 0, length)).isTrue();
        int at = Rtcp.reportBlockOffset(buf, 0, 0);
        assertThat(Rtcp.blockSsrc(buf, at)).isEqualTo(MEDIA);
        assertThat(Rtcp.fractionLost(buf, at)).isEqualTo(64);
        assertThat(Rtcp.cumulativeLost(buf, at)).isEqualTo(1000);
        assertThat(Rtcp.extendedHighestSeq(buf, at)).isEqualTo(70_000);
        assertThat(Rtcp.jitter(buf, at)).isEqualTo(33);
        assertThat(Rtcp.lastSr(buf, at)).isEqualTo(0x12345678L);
        assertThat(Rtcp.delaySinceLastSr(buf, at)).isEqualTo(0x10000L);

        byte[] empty = new byte[8];
        assertThat(Rtcp.writeRr(empty, 0, SENDER)).isEqualTo(8);
        assertThat(Rtcp.reportBlockCount(empty, 0, 8)).isZero();
    }

    @Test
    void reportBlocksAreBoundedByThePacketLength() {
        byte[] buf = new byte[32];
        Rtcp.writeRr(buf, 0, SENDER, new ReportBlock(1, 0, 0, 0, 0, 0, 0));
        buf[0] = (byte) 0x85; // claims 5 blocks in a packet holding 1
        assertThat(Rtcp.reportBlockCount(buf, 0, 32)).isEqualTo(1);
    }

    @Test
    void ntpMiddleBitsAreWhatLsrCarries() {
        assertThat(Rtcp.ntpMiddle32(0x1122_3344_5566_7788L)).isEqualTo(0x3344_5566L);
    }

    @Test
    void walksACompoundPacketAndSkipsWhatItDoesNotParse() {
        byte[] buf = new byte[512];
        int p = 0;
        p += Rtcp.writeRr(buf, p, SENDER, new ReportBlock(MEDIA, 0, 0, 10, 0, 0, 0));
        p += sdes(buf, p, SENDER, "participant@example.org");
        p += Rtcp.writePli(buf, p, SENDER, MEDIA);
        p += Rtcp.writeFir(buf, p, SENDER, MEDIA, 3);
        p += Rtcp.writeNack(buf, p, SENDER, MEDIA, new int[] {5, 6}, 2);
        p += Rtcp.writeRemb(buf, p, SENDER, 800_000, MEDIA, 0x5555);
        p += transportCc(buf, p, SENDER, MEDIA);
        p += Rtcp.writeBye(buf, p, SENDER, 0x7777);
        int length = p;

        assertThat(Rtcp.isValidCompound(buf, 0, length)).isTrue();
        List<String> seen = new ArrayList<>();
        int visited = Rtcp.forEach(buf, 0, length, (b, off, len, type, count) -> {
            String name = switch (type) {
                case Rtcp.RR -> "RR";
                case Rtcp.SDES -> "SDES";
                case Rtcp.BYE -> "BYE:" + Rtcp.byeSsrcCount(b, off, len);
                default -> Rtcp.isPli(b, off, len) ? "PLI"
                        : Rtcp.isFir(b, off, len) ? "FIR"
                        : Rtcp.isNack(b, off, len) ? "NACK"
                        : Rtcp.isRemb(b, off, len) ? "REMB"
                        : Rtcp.isTransportCc(b, off, len) ? "TCC" : "?";
            };
            seen.add(name);
            return true;
        });

        assertThat(visited).isEqualTo(8);
        assertThat(seen).containsExactly("RR", "SDES", "PLI", "FIR", "NACK", "REMB", "TCC", "BYE:2");

        List<String> manual = new ArrayList<>();
        for (int off = 0, n; (n = Rtcp.packetLength(buf, off, length - off)) > 0; off += n) {
            manual.add(Integer.toString(Rtcp.packetType(buf, off)));
        }
        assertThat(manual).containsExactly("201", "202", "206", "206", "205", "206", "205", "203");
    }

    @Test
    void rewritesMediaSsrcsInFeedbackButNotSenders() {
        int receiverFacing = 0x0000BEEF;
        int publisher = 0x12345678;
        byte[] buf = new byte[512];
        int p = 0;
        p += Rtcp.writeRr(buf, p, SENDER, new ReportBlock(receiverFacing, 0, 0, 10, 0, 0, 0),
                new ReportBlock(0x999, 0, 0, 10, 0, 0, 0));
        int pli = p;
        p += Rtcp.writePli(buf, p, SENDER, receiverFacing);
        int fir = p;
        p += Rtcp.writeFir(buf, p, SENDER, receiverFacing, 1);
        int nack = p;
        p += Rtcp.writeNack(buf, p, SENDER, receiverFacing, new int[] {1}, 1);
        int remb = p;
        p += Rtcp.writeRemb(buf, p, SENDER, 1_000_000, 0x999, receiverFacing);
        int bye = p;
        p += Rtcp.writeBye(buf, p, receiverFacing);

        int changed = Rtcp.rewriteMediaSsrcs(buf, 0, p, ssrc -> ssrc == receiverFacing ? publisher : ssrc);

        assertThat(changed).isEqualTo(5);
        assertThat(Rtcp.blockSsrc(buf, Rtcp.reportBlockOffset(buf, 0, 0))).isEqualTo(publisher);
        assertThat(Rtcp.blockSsrc(buf, Rtcp.reportBlockOffset(buf, 0, 1))).isEqualTo(0x999);
        assertThat(Rtcp.mediaSsrc(buf, pli)).isEqualTo(publisher);
        assertThat(Rtcp.senderSsrc(buf, pli)).isEqualTo(SENDER);
        assertThat(Rtcp.firSsrc(buf, fir, 0)).isEqualTo(publisher);
        assertThat(Rtcp.mediaSsrc(buf, fir)).isZero();
        assertThat(Rtcp.mediaSsrc(buf, nack)).isEqualTo(publisher);
        assertThat(Rtcp.rembSsrc(buf, remb, 0)).isEqualTo(0x999);
        assertThat(Rtcp.rembSsrc(buf, remb, 1)).isEqualTo(publisher);
        assertThat(Rtcp.byeSsrc(buf, bye, 0)).isEqualTo(receiverFacing);
        assertThat(Rtcp.isValidCompound(buf, 0, p)).isTrue();
    }

    @Test
    void refusesTooManyEntriesForTheCountField() {
        assertThatThrownBy(() -> Rtcp.writeBye(new byte[256], 0, new int[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsBrokenCompounds() {
        byte[] buf = new byte[40];
        int length = Rtcp.writePli(buf, 0, SENDER, MEDIA);
        length += Rtcp.writePli(buf, length, SENDER, MEDIA);

        assertThat(Rtcp.isValidCompound(buf, 0, length)).isTrue();
        assertThat(Rtcp.isValidCompound(buf, 0, length - 1)).isFalse();
        assertThat(Rtcp.isValidCompound(buf, 0, length + 2)).isFalse();
        assertThat(Rtcp.isValidCompound(buf, 0, 0)).isFalse();
        buf[12] = 0x41; // version 1
        assertThat(Rtcp.isValidCompound(buf, 0, length)).isFalse();
        assertThat(Rtcp.forEach(buf, 0, length, (b, o, l, t, c) -> true)).isEqualTo(1);
    }

    @Test
    void garbageNeverThrows() {
        SplittableRandom random = new SplittableRandom(11);
        int[] out = new int[64];
        for (int i = 0; i < 200_000; i++) {
            byte[] g = new byte[random.nextInt(64)];
            for (int j = 0; j < g.length; j++) {
                g[j] = (byte) random.nextInt(256);
            }
            if (g.length > 2) {
                g[0] = (byte) (0x80 | (g[0] & 0x3F));
                g[1] = (byte) (200 + random.nextInt(8));
                if (g.length > 3 && random.nextBoolean()) {
                    g[2] = 0;
                    g[3] = (byte) random.nextInt(16);
                }
            }
            int len = g.length;
            Rtcp.isValidCompound(g, 0, len);
            Rtcp.forEach(g, 0, len, (b, off, l, type, count) -> {
                Rtcp.isPli(b, off, l);
                Rtcp.isFir(b, off, l);
                Rtcp.firEntryCount(b, off, l);
                Rtcp.nackLostCount(b, off, l);
                Rtcp.readNack(b, off, l, out);
                Rtcp.isRemb(b, off, l);
                Rtcp.rembSsrcCount(b, off, l);
                Rtcp.reportBlockCount(b, off, l);
                Rtcp.byeSsrcCount(b, off, l);
                Rtcp.isTransportCc(b, off, l);
                return true;
            });
            Rtcp.rewriteMediaSsrcs(g, 0, len, ssrc -> ssrc + 1);
            Rtcp.nackLostCount(g, 0, len);
            Rtcp.isSr(g, 0, len);
            Rtcp.reportBlockCount(g, 0, len);
            Rtcp.packetLength(g, 0, len + 8);
            Rtcp.isValidCompound(g, 3, len);
        }
    }

    /** An SDES packet with one CNAME chunk. */
    private static int sdes(byte[] buf, int off, int ssrc, String cname) {
        byte[] text = cname.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int chunk = 4 + 2 + text.length + 1;
        int padded = (chunk + 3) & ~3;
        int length = 4 + padded;
        Arrays.fill(buf, off, off + length, (byte) 0);
        buf[off] = (byte) 0x81;
        buf[off + 1] = (byte) Rtcp.SDES;
        Bytes.put16(buf, off + 2, length / 4 - 1);
        Bytes.put32(buf, off + 4, ssrc);
        buf[off + 8] = 1;
        buf[off + 9] = (byte) text.length;
        System.arraycopy(text, 0, buf, off + 10, text.length);
        return length;
    }

    /** A minimal transport-cc feedback (the FCI is not interpreted). */
    private static int transportCc(byte[] buf, int off, int sender, int media) {
        buf[off] = (byte) 0x8F;
        buf[off + 1] = (byte) Rtcp.RTPFB;
        Bytes.put16(buf, off + 2, 4);
        Bytes.put32(buf, off + 4, sender);
        Bytes.put32(buf, off + 8, media);
        Bytes.put32(buf, off + 12, 0x00010002);
        Bytes.put32(buf, off + 16, 0x0000_0001);
        return 20;
    }
}
