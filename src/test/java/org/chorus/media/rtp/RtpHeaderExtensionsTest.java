package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.media.rtp.RtpHeaderExtensions.dataLength;
import static org.chorus.media.rtp.RtpHeaderExtensions.dataOffset;
import static org.chorus.media.rtp.RtpPacketBuilder.rtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RtpHeaderExtensionsTest {

    private static final int[] PAYLOAD = {0xDE, 0xAD, 0xBE, 0xEF, 0x01};

    /** Chromium's usual ids: 1 audio-level, 3 abs-send-time, 5 transport-cc, 4 mid. */
    private static byte[] oneBytePacket() {
        return rtp().seq(4242).oneByteExtensions()
                .ext(1, 0x80 | 42)
                .ext(3, 0x12, 0x34, 0x56)
                .ext(5, 0x01, 0x02)
                .ext(4, '0')
                .payload(PAYLOAD).build();
    }

    private static List<String> elements(byte[] p, int off, int len) {
        List<String> found = new ArrayList<>();
        RtpHeaderExtensions.forEach(p, off, len, (id, buf, dataOff, dataLen) -> {
            found.add(id + ":" + dataLen);
            return true;
        });
        return found;
    }

    private static byte[] payloadOf(byte[] p, int off, int len) {
        int at = Rtp.payloadOffset(p, off, len);
        return Arrays.copyOfRange(p, at, at + Rtp.payloadLength(p, off, len));
    }

    @Test
    void findsOneByteElements() {
        byte[] p = oneBytePacket();

        assertThat(RtpHeaderExtensions.format(p, 0, p.length)).isEqualTo(RtpHeaderExtensions.FORMAT_ONE_BYTE);
        assertThat(elements(p, 0, p.length)).containsExactly("1:1", "3:3", "5:2", "4:1");
        long found = RtpHeaderExtensions.find(p, 0, p.length, 3);
        assertThat(dataLength(found)).isEqualTo(3);
        assertThat(RtpHeaderExtensions.absSendTime(p, dataOffset(found))).isEqualTo(0x123456);
        assertThat(RtpHeaderExtensions.find(p, 0, p.length, 7)).isEqualTo(-1);
        assertThat(RtpHeaderExtensions.findTransportSequenceNumber(p, 0, p.length, 5)).isEqualTo(0x0102);
        assertThat(RtpHeaderExtensions.findAbsSendTime(p, 0, p.length, 3)).isEqualTo(0x123456);
        assertThat(RtpHeaderExtensions.findAudioLevel(p, 0, p.length, 1)).isEqualTo(0x80 | 42);
        long level = RtpHeaderExtensions.find(p, 0, p.length, 1);
        assertThat(RtpHeaderExtensions.voiceActivity(p, dataOffset(level))).isTrue();
        assertThat(RtpHeaderExtensions.audioLevel(p, dataOffset(level))).isEqualTo(42);
        long mid = RtpHeaderExtensions.find(p, 0, p.length, 4);
        assertThat(RtpHeaderExtensions.mid(p, dataOffset(mid), dataLength(mid))).isEqualTo("0");
        assertThat(RtpHeaderExtensions.midEquals(p, dataOffset(mid), dataLength(mid), new byte[] {'0'})).isTrue();
        assertThat(RtpHeaderExtensions.midEquals(p, dataOffset(mid), dataLength(mid), new byte[] {'1'})).isFalse();
    }

    @Test
    void findsTwoByteElementsIncludingEmptyAndLongOnes() {
        int[] longValue = new int[20];
        Arrays.fill(longValue, 7);
        byte[] p = rtp().twoByteExtensions().ext(1).ext(200, longValue).rawExt(0, 0).ext(5, 0xAB, 0xCD)
                .csrc(99).payload(PAYLOAD).build();

        assertThat(RtpHeaderExtensions.format(p, 0, p.length)).isEqualTo(RtpHeaderExtensions.FORMAT_TWO_BYTE);
        assertThat(elements(p, 0, p.length)).containsExactly("1:0", "200:20", "5:2");
        assertThat(RtpHeaderExtensions.findTransportSequenceNumber(p, 0, p.length, 5)).isEqualTo(0xABCD);
        assertThat(payloadOf(p, 0, p.length)).isEqualTo(RtpPacketBuilder.bytes(PAYLOAD));
    }

    @Test
    void recognisesTheTwoByteAppBitsProfiles() {
        byte[] p = rtp().extensionProfile(0x100F).ext(9, 1, 2).build();
        assertThat(RtpHeaderExtensions.format(p, 0, p.length)).isEqualTo(RtpHeaderExtensions.FORMAT_TWO_BYTE);
        assertThat(elements(p, 0, p.length)).containsExactly("9:2");
    }

    @Test
    void leavesUnknownProfilesAlone() {
        byte[] p = rtp().extensionProfile(0x1234).rawExt(0x11, 0x22, 0x33, 0x44).build();
        byte[] before = p.clone();
        assertThat(RtpHeaderExtensions.format(p, 0, p.length)).isEqualTo(RtpHeaderExtensions.FORMAT_OTHER);
        assertThat(elements(p, 0, p.length)).isEmpty();
        assertThat(RtpHeaderExtensions.rewriteIds(p, 0, p.length, new int[16])).isZero();
        assertThat(RtpHeaderExtensions.compact(p, 0, p.length)).isZero();
        assertThat(p).isEqualTo(before);
        assertThat(RtpHeaderExtensions.add(p, 0, p.length, 1, 1)).isEqualTo(-1);
    }

    @Test
    void skipsPaddingAndStopsAtTheReservedId() {
        byte[] p = rtp().oneByteExtensions().rawExt(0, 0).ext(2, 9).rawExt(0).ext(15, 1, 2).ext(3, 4).build();
        assertThat(elements(p, 0, p.length)).containsExactly("2:1");
        assertThat(RtpHeaderExtensions.find(p, 0, p.length, 3)).isEqualTo(-1);
    }

    @Test
    void stopsAtAnElementRunningPastTheBlock() {
        byte[] p = rtp().oneByteExtensions().ext(2, 9).rawExt(0x3F).payload(PAYLOAD).build();
        assertThat(elements(p, 0, p.length)).containsExactly("2:1");
    }

    @Test
    void rewritesIdsPerReceiver() {
        byte[] p = oneBytePacket();
        int[] mapping = new int[16];
        Arrays.fill(mapping, -1);
        mapping[1] = 10;
        mapping[3] = 2;
        mapping[5] = 3;
        // 4 (mid) is not negotiated by this receiver: dropped

        assertThat(RtpHeaderExtensions.rewriteIds(p, 0, p.length, mapping)).isEqualTo(1);

        assertThat(Rtp.isValidRtp(p, 0, p.length)).isTrue();
        assertThat(elements(p, 0, p.length)).containsExactly("10:1", "2:3", "3:2");
        assertThat(RtpHeaderExtensions.findAbsSendTime(p, 0, p.length, 2)).isEqualTo(0x123456);
        assertThat(RtpHeaderExtensions.findTransportSequenceNumber(p, 0, p.length, 3)).isEqualTo(0x0102);
        assertThat(payloadOf(p, 0, p.length)).isEqualTo(RtpPacketBuilder.bytes(PAYLOAD));
        assertThat(Rtp.sequenceNumber(p, 0)).isEqualTo(4242);
    }

    @Test
    void dropsIdsTheFormCannotCarryOrTheMappingLacks() {
        byte[] p = oneBytePacket();
        int[] mapping = {-1, 15, -1, 3};

        assertThat(RtpHeaderExtensions.rewriteIds(p, 0, p.length, mapping)).isEqualTo(3);
        assertThat(elements(p, 0, p.length)).containsExactly("3:3");
    }

    @Test
    void rewritesTwoByteIdsWithA256Table() {
        byte[] p = rtp().twoByteExtensions().ext(1, 5).ext(200, 1, 2, 3).payload(PAYLOAD).build();
        int[] mapping = new int[256];
        Arrays.fill(mapping, -1);
        mapping[200] = 17;
        mapping[1] = 250;
        RtpHeaderExtensions.rewriteIds(p, 0, p.length, mapping);
        assertThat(elements(p, 0, p.length)).containsExactly("250:1", "17:3");
    }

    @Test
    void droppingEverythingKeepsAValidPacketThatCompactsAway() {
        byte[] p = oneBytePacket();
        int[] none = new int[16];
        Arrays.fill(none, -1);
        assertThat(RtpHeaderExtensions.rewriteIds(p, 0, p.length, none)).isEqualTo(4);
        assertThat(Rtp.isValidRtp(p, 0, p.length)).isTrue();
        assertThat(elements(p, 0, p.length)).isEmpty();

        int removed = RtpHeaderExtensions.compact(p, 0, p.length);

        assertThat(removed).isEqualTo(4 + 12);
        int off = removed;
        int len = p.length - removed;
        assertThat(Rtp.isValidRtp(p, off, len)).isTrue();
        assertThat(Rtp.hasExtension(p, off)).isFalse();
        assertThat(Rtp.headerLength(p, off, len)).isEqualTo(12);
        assertThat(Rtp.sequenceNumber(p, off)).isEqualTo(4242);
        assertThat(payloadOf(p, off, len)).isEqualTo(RtpPacketBuilder.bytes(PAYLOAD));
    }

    @Test
    void dropThenCompactPacksTheRemainingElements() {
        byte[] p = rtp().csrc(0x0A0B0C0D).oneByteExtensions()
                .ext(1, 0x80 | 42).ext(2, 1, 2, 3, 4, 5, 6, 7, 8).ext(3, 0x12, 0x34, 0x56)
                .payload(PAYLOAD).padding(3).build();

        assertThat(RtpHeaderExtensions.drop(p, 0, p.length, 2)).isEqualTo(1);
        assertThat(elements(p, 0, p.length)).containsExactly("1:1", "3:3");
        int removed = RtpHeaderExtensions.compact(p, 0, p.length);

        assertThat(removed).isEqualTo(8);
        int off = removed;
        int len = p.length - removed;
        assertThat(Rtp.isValidRtp(p, off, len)).isTrue();
        assertThat(Rtp.csrc(p, off, 0)).isEqualTo(0x0A0B0C0D);
        assertThat(elements(p, off, len)).containsExactly("1:1", "3:3");
        assertThat(RtpHeaderExtensions.findAbsSendTime(p, off, len, 3)).isEqualTo(0x123456);
        assertThat(payloadOf(p, off, len)).isEqualTo(RtpPacketBuilder.bytes(PAYLOAD));
        assertThat(Rtp.paddingLength(p, off, len)).isEqualTo(3);
        assertThat(RtpHeaderExtensions.compact(p, off, len)).isZero();
    }

    @Test
    void addCreatesABlockInTheHeadroom() {
        byte[] p = rtp().csrc(7).seq(9).payload(PAYLOAD).buildAt(32, 0);
        int len = p.length - 32;

        int added = RtpHeaderExtensions.add(p, 32, len, 5, 2);

        assertThat(added).isEqualTo(8);
        int off = 32 - added;
        len += added;
        assertThat(Rtp.isValidRtp(p, off, len)).isTrue();
        assertThat(Rtp.csrc(p, off, 0)).isEqualTo(7);
        assertThat(Rtp.sequenceNumber(p, off)).isEqualTo(9);
        assertThat(RtpHeaderExtensions.format(p, off, len)).isEqualTo(RtpHeaderExtensions.FORMAT_ONE_BYTE);
        assertThat(RtpHeaderExtensions.replaceTransportSequenceNumber(p, off, len, 5, 0xBEEF)).isTrue();
        assertThat(RtpHeaderExtensions.findTransportSequenceNumber(p, off, len, 5)).isEqualTo(0xBEEF);
        assertThat(payloadOf(p, off, len)).isEqualTo(RtpPacketBuilder.bytes(PAYLOAD));
    }

    @Test
    void addCreatesATwoByteBlockForLargeIds() {
        byte[] p = rtp().payload(PAYLOAD).buildAt(16, 0);
        int added = RtpHeaderExtensions.add(p, 16, p.length - 16, 100, 3);
        int off = 16 - added;
        int len = p.length - off;
        assertThat(RtpHeaderExtensions.format(p, off, len)).isEqualTo(RtpHeaderExtensions.FORMAT_TWO_BYTE);
        assertThat(elements(p, off, len)).containsExactly("100:3");
    }

    @Test
    void addReusesTrailingPaddingThenGrowsTheBlock() {
        // one element of 2 bytes: 3 used, 1 byte of padding in the word
        byte[] p = rtp().oneByteExtensions().ext(5, 1, 2).payload(PAYLOAD).buildAt(64, 0);
        int off = 64;
        int len = p.length - 64;

        assertThat(RtpHeaderExtensions.add(p, off, len, 6, 0)).as("no empty elements in one-byte form").isEqualTo(-1);
        assertThat(RtpHeaderExtensions.drop(p, off, len, 99)).isZero();

        int added = RtpHeaderExtensions.add(p, off, len, 3, 3);
        assertThat(added).isEqualTo(4);
        off -= added;
        len += added;
        assertThat(elements(p, off, len)).containsExactly("5:2", "3:3");

        // the block is now 8 bytes: 3 + 4 used, 1 free; dropped space in front is not reused
        RtpHeaderExtensions.drop(p, off, len, 5);
        int grown = RtpHeaderExtensions.add(p, off, len, 1, 1);
        assertThat(grown).isEqualTo(4);
        off -= grown;
        len += grown;
        RtpHeaderExtensions.setAudioLevel(p, dataOffset(RtpHeaderExtensions.find(p, off, len, 1)), false, 127);
        assertThat(elements(p, off, len)).containsExactly("3:3", "1:1");
        assertThat(RtpHeaderExtensions.findAudioLevel(p, off, len, 1)).isEqualTo(127);
        assertThat(Rtp.isValidRtp(p, off, len)).isTrue();
        assertThat(payloadOf(p, off, len)).isEqualTo(RtpPacketBuilder.bytes(PAYLOAD));
    }

    @Test
    void addFitsIntoExistingPaddingWithoutMovingAnything() {
        byte[] p = rtp().oneByteExtensions().ext(5, 1, 2).rawExt(0, 0, 0, 0).payload(PAYLOAD).build();
        assertThat(RtpHeaderExtensions.add(p, 0, p.length, 1, 1)).isZero();
        assertThat(elements(p, 0, p.length)).containsExactly("5:2", "1:1");
    }

    @Test
    void addNeedsHeadroom() {
        byte[] p = rtp().payload(PAYLOAD).build();
        assertThat(RtpHeaderExtensions.add(p, 0, p.length, 1, 1)).isEqualTo(-1);
        assertThat(Rtp.hasExtension(p, 0)).isFalse();
    }

    @Test
    void setMidRewritesInPlaceOrReplaces() {
        byte[] p = oneBytePacket();
        byte[] array = new byte[p.length + 32];
        System.arraycopy(p, 0, array, 32, p.length);
        int off = 32;
        int len = p.length;

        assertThat(RtpHeaderExtensions.setMid(array, off, len, 4, "7".getBytes(StandardCharsets.US_ASCII))).isZero();
        long mid = RtpHeaderExtensions.find(array, off, len, 4);
        assertThat(RtpHeaderExtensions.mid(array, dataOffset(mid), dataLength(mid))).isEqualTo("7");

        int added = RtpHeaderExtensions.setMid(array, off, len, 4, "video-12".getBytes(StandardCharsets.US_ASCII));
        assertThat(added).isPositive();
        off -= added;
        len += added;
        mid = RtpHeaderExtensions.find(array, off, len, 4);
        assertThat(RtpHeaderExtensions.mid(array, dataOffset(mid), dataLength(mid))).isEqualTo("video-12");
        assertThat(elements(array, off, len)).containsExactly("1:1", "3:3", "5:2", "4:8");
        assertThat(payloadOf(array, off, len)).isEqualTo(RtpPacketBuilder.bytes(PAYLOAD));
    }

    @Test
    void writesValues() {
        byte[] p = oneBytePacket();
        int abs = dataOffset(RtpHeaderExtensions.find(p, 0, p.length, 3));
        RtpHeaderExtensions.setAbsSendTime(p, abs, 0xABCDEF);
        assertThat(RtpHeaderExtensions.absSendTime(p, abs)).isEqualTo(0xABCDEF);

        int level = dataOffset(RtpHeaderExtensions.find(p, 0, p.length, 1));
        RtpHeaderExtensions.setAudioLevel(p, level, false, 30);
        assertThat(RtpHeaderExtensions.voiceActivity(p, level)).isFalse();
        assertThat(RtpHeaderExtensions.audioLevel(p, level)).isEqualTo(30);

        int twcc = dataOffset(RtpHeaderExtensions.find(p, 0, p.length, 5));
        RtpHeaderExtensions.setTransportSequenceNumber(p, twcc, 65535);
        assertThat(RtpHeaderExtensions.transportSequenceNumber(p, twcc)).isEqualTo(65535);
        assertThat(elements(p, 0, p.length)).containsExactly("1:1", "3:3", "5:2", "4:1");
    }

    @Test
    void absSendTimeIsSixPointEighteenSecondsModulo64() {
        assertThat(RtpHeaderExtensions.toAbsSendTime(0)).isZero();
        assertThat(RtpHeaderExtensions.toAbsSendTime(1_000_000_000L)).isEqualTo(1 << 18);
        assertThat(RtpHeaderExtensions.toAbsSendTime(500_000_000L)).isEqualTo(1 << 17);
        assertThat(RtpHeaderExtensions.toAbsSendTime(64_000_000_000L)).isZero();
        assertThat(RtpHeaderExtensions.toAbsSendTime(65_250_000_000L)).isEqualTo((1 << 18) + (1 << 16));
        assertThat(RtpHeaderExtensions.toAbsSendTime(Long.MAX_VALUE)).isBetween(0, 0xFFFFFF);
    }

    @Test
    void garbageNeverThrows() {
        SplittableRandom random = new SplittableRandom(7);
        int[] mapping = new int[16];
        for (int i = 0; i < mapping.length; i++) {
            mapping[i] = i % 3 == 0 ? -1 : 15 - i;
        }
        for (int i = 0; i < 100_000; i++) {
            byte[] g = new byte[16 + random.nextInt(40)];
            for (int j = 0; j < g.length; j++) {
                g[j] = (byte) random.nextInt(256);
            }
            g[0] = (byte) (0x90 | (random.nextInt(4) == 0 ? g[0] & 0x0F : 0));
            if (random.nextBoolean()) {
                g[12] = (byte) 0xBE;
                g[13] = (byte) 0xDE;
            } else if (random.nextBoolean()) {
                g[12] = 0x10;
                g[13] = 0x00;
            }
            g[14] = 0;
            g[15] = (byte) random.nextInt(12);
            int len = g.length - random.nextInt(4);
            int headroom = random.nextInt(3) * 8;
            byte[] a = new byte[headroom + g.length];
            System.arraycopy(g, 0, a, headroom, g.length);
            RtpHeaderExtensions.forEach(a, headroom, len, (id, buf, o, l) -> true);
            RtpHeaderExtensions.find(a, headroom, len, random.nextInt(16));
            RtpHeaderExtensions.findTransportSequenceNumber(a, headroom, len, 5);
            boolean valid = Rtp.isValidRtp(a, headroom, len);
            RtpHeaderExtensions.rewriteIds(a, headroom, len, mapping);
            RtpHeaderExtensions.drop(a, headroom, len, random.nextInt(16));
            int added = RtpHeaderExtensions.add(a, headroom, len, 1 + random.nextInt(14), 1 + random.nextInt(4));
            int off = headroom;
            if (added > 0) {
                off -= added;
                len += added;
            }
            int removed = RtpHeaderExtensions.compact(a, off, len);
            if (removed > 0) {
                off += removed;
                len -= removed;
            }
            if (valid) {
                assertThat(Rtp.isValidRtp(a, off, len)).isTrue();
            }
        }
    }
}
