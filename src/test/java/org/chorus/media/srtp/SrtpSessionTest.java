package org.chorus.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SRTP and SRTCP in place, without DTLS: two sessions with mirrored keys. */
class SrtpSessionTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SSRC = 0x0A0B0C0D;

    @BeforeAll
    static void srtpStartup() {
        SrtpStartup.initialize();
    }

    static SrtpKeys randomKeys(SrtpProfile profile) {
        byte[][] parts = {new byte[profile.keyLength()], new byte[profile.saltLength()],
            new byte[profile.keyLength()], new byte[profile.saltLength()]};
        for (byte[] part : parts) {
            RANDOM.nextBytes(part);
        }
        return new SrtpKeys(profile, parts[0], parts[1], parts[2], parts[3]);
    }

    /** An RTP packet at {@code offset} in a buffer with {@code spare} bytes after it, filled with 0x5A. */
    static byte[] rtp(int offset, int ssrc, int seq, int payloadLength, int spare) {
        byte[] buffer = new byte[offset + 12 + payloadLength + spare];
        Arrays.fill(buffer, (byte) 0x5A);
        buffer[offset] = (byte) 0x80;
        buffer[offset + 1] = 96;
        buffer[offset + 2] = (byte) (seq >> 8);
        buffer[offset + 3] = (byte) seq;
        putInt(buffer, offset + 4, seq * 3000);
        putInt(buffer, offset + 8, ssrc);
        for (int i = 0; i < payloadLength; i++) {
            buffer[offset + 12 + i] = (byte) (i + seq);
        }
        return buffer;
    }

    /** An RTCP receiver report with one report block (32 bytes) and {@code spare} bytes after it. */
    static byte[] rtcp(int ssrc, int spare) {
        byte[] buffer = new byte[32 + spare];
        Arrays.fill(buffer, (byte) 0x5A);
        buffer[0] = (byte) 0x81;
        buffer[1] = (byte) 201;
        buffer[3] = 7;
        putInt(buffer, 4, ssrc);
        for (int i = 8; i < 32; i++) {
            buffer[i] = (byte) i;
        }
        return buffer;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripGrowsByTheTagAndNeverWritesPastIt(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.reversed())) {
            int length = 12 + 160;
            byte[] buffer = rtp(0, SSRC, 1, 160, SrtpSession.MAX_OVERHEAD);
            byte[] plain = Arrays.copyOf(buffer, length);

            int protectedLength = sender.protectRtp(buffer, 0, length);

            assertThat(protectedLength).isEqualTo(length + profile.rtpOverhead());
            assertThat(Arrays.copyOfRange(buffer, 12, length)).isNotEqualTo(Arrays.copyOfRange(plain, 12, length));
            assertThat(Arrays.copyOfRange(buffer, protectedLength, buffer.length)).containsOnly((byte) 0x5A);

            assertThat(receiver.unprotectRtp(buffer, 0, protectedLength)).isEqualTo(length);
            assertThat(Arrays.copyOf(buffer, length)).isEqualTo(plain);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripGrowsByIndexAndTagAndNeverWritesPastThem(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.reversed())) {
            for (int i = 0; i < 3; i++) {
                byte[] buffer = rtcp(SSRC, SrtpSession.MAX_OVERHEAD);
                byte[] plain = Arrays.copyOf(buffer, 32);

                int protectedLength = sender.protectRtcp(buffer, 0, 32);

                assertThat(protectedLength).isEqualTo(32 + profile.rtcpOverhead());
                assertThat(protectedLength - 32).isLessThanOrEqualTo(SrtpSession.MAX_GROWTH);
                assertThat(Arrays.copyOfRange(buffer, protectedLength, buffer.length)).containsOnly((byte) 0x5A);
                assertThat(receiver.unprotectRtcp(buffer, 0, protectedLength)).isEqualTo(32);
                assertThat(Arrays.copyOf(buffer, 32)).isEqualTo(plain);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void packetsAtAnOffsetWithCsrcsAndAHeaderExtensionRoundTrip(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.reversed())) {
            int offset = 7;
            byte[] buffer = rtp(offset, SSRC, 9, 60, SrtpSession.MAX_OVERHEAD + 3);
            // two CSRCs and a one-byte-header extension of one word, inside the "payload" area
            buffer[offset] = (byte) 0x92;
            buffer[offset + 20] = (byte) 0xBE;
            buffer[offset + 21] = (byte) 0xDE;
            buffer[offset + 22] = 0;
            buffer[offset + 23] = 1;
            int length = 12 + 60;
            byte[] plain = Arrays.copyOfRange(buffer, offset, offset + length);

            int protectedLength = sender.protectRtp(buffer, offset, length);
            assertThat(protectedLength).isEqualTo(length + profile.rtpOverhead());
            assertThat(Arrays.copyOfRange(buffer, offset, offset + 28)).isEqualTo(Arrays.copyOf(plain, 28));

            assertThat(receiver.unprotectRtp(buffer, offset, protectedLength)).isEqualTo(length);
            assertThat(Arrays.copyOfRange(buffer, offset, offset + length)).isEqualTo(plain);
            assertThat(buffer[offset - 1]).isEqualTo((byte) 0x5A);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aRetransmissionIsProtectedAgainAndTheReceiverRefusesTheReplay(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.reversed())) {
            int length = 12 + 50;
            byte[] first = rtp(0, SSRC, 100, 50, SrtpSession.MAX_OVERHEAD);
            byte[] later = rtp(0, SSRC, 101, 50, SrtpSession.MAX_OVERHEAD);
            byte[] again = rtp(0, SSRC, 100, 50, SrtpSession.MAX_OVERHEAD);

            int n1 = sender.protectRtp(first, 0, length);
            int n2 = sender.protectRtp(later, 0, length);
            int n3 = sender.protectRtp(again, 0, length);

            assertThat(n3).isEqualTo(n1).isPositive();
            assertThat(again).isEqualTo(first); // same key, same index: the same SRTP packet
            assertThat(receiver.unprotectRtp(first, 0, n1)).isEqualTo(length);
            assertThat(receiver.unprotectRtp(later, 0, n2)).isEqualTo(length);
            assertThat(receiver.unprotectRtp(again, 0, n3)).isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tooLittleSpareCapacityIsRefusedBeforeAnyCryptography(SrtpProfile profile) {
        try (SrtpSession sender = new SrtpSession(randomKeys(profile))) {
            for (int spare : new int[] {0, 1, 10, 16, 20, SrtpSession.MAX_OVERHEAD - 1}) {
                byte[] packet = rtp(0, SSRC, 1, 100, spare);
                byte[] before = packet.clone();
                assertThatThrownBy(() -> sender.protectRtp(packet, 0, 112))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(String.valueOf(SrtpSession.MAX_OVERHEAD));
                assertThat(packet).isEqualTo(before);

                byte[] report = rtcp(SSRC, spare);
                byte[] reportBefore = report.clone();
                assertThatThrownBy(() -> sender.protectRtcp(report, 0, 32)).isInstanceOf(IllegalArgumentException.class);
                assertThat(report).isEqualTo(reportBefore);
            }
            byte[] exact = rtp(0, SSRC, 2, 100, SrtpSession.MAX_OVERHEAD);
            assertThat(sender.protectRtp(exact, 0, 112)).isEqualTo(112 + profile.rtpOverhead());
        }
    }

    @Test
    void aPacketOutsideItsBufferIsRefused() {
        try (SrtpSession session = new SrtpSession(randomKeys(SrtpProfile.AEAD_AES_128_GCM))) {
            byte[] buffer = new byte[200];
            assertThatThrownBy(() -> session.protectRtp(buffer, 150, 100)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> session.protectRtp(buffer, -1, 10)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> session.unprotectRtp(buffer, 190, 20)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> session.unprotectRtcp(null, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedOrForeignPacketsAreRefused(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile);
        try (SrtpSession sender = new SrtpSession(keys);
                SrtpSession receiver = new SrtpSession(keys.reversed());
                SrtpSession stranger = new SrtpSession(randomKeys(profile).reversed())) {
            byte[] packet = rtp(0, SSRC, 1, 80, SrtpSession.MAX_OVERHEAD);
            int n = sender.protectRtp(packet, 0, 92);
            byte[] tampered = packet.clone();
            tampered[40] ^= 1;
            byte[] badTag = packet.clone();
            badTag[n - 1] ^= 1;

            assertThat(stranger.unprotectRtp(packet.clone(), 0, n)).isEqualTo(-1);
            assertThat(receiver.unprotectRtp(tampered, 0, n)).isEqualTo(-1);
            assertThat(receiver.unprotectRtp(badTag, 0, n)).isEqualTo(-1);
            assertThat(receiver.unprotectRtp(packet, 0, n)).isEqualTo(92); // still fine after the failures

            byte[] report = rtcp(SSRC, SrtpSession.MAX_OVERHEAD);
            int m = sender.protectRtcp(report, 0, 32);
            byte[] tamperedReport = report.clone();
            tamperedReport[12] ^= 1;
            assertThat(receiver.unprotectRtcp(tamperedReport, 0, m)).isEqualTo(-1);
            assertThat(receiver.unprotectRtcp(report, 0, m)).isEqualTo(32);
        }
    }

    @Test
    void malformedPacketsAreRefusedNotThrown() {
        SrtpKeys keys = randomKeys(SrtpProfile.AEAD_AES_128_GCM);
        try (SrtpSession session = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.reversed())) {
            byte[] shortRtp = new byte[11 + SrtpSession.MAX_OVERHEAD];
            shortRtp[0] = (byte) 0x80;
            assertThat(session.protectRtp(shortRtp, 0, 11)).isEqualTo(-1);

            byte[] version1 = rtp(0, SSRC, 1, 20, SrtpSession.MAX_OVERHEAD);
            version1[0] = 0x40;
            assertThat(session.protectRtp(version1, 0, 32)).isEqualTo(-1);

            byte[] extensionTooLong = rtp(0, SSRC, 1, 20, SrtpSession.MAX_OVERHEAD);
            extensionTooLong[0] = (byte) 0x90;
            extensionTooLong[14] = 0x7F; // 32 K words of extension in a 32-byte packet
            assertThat(session.protectRtp(extensionTooLong, 0, 32)).isEqualTo(-1);
            assertThat(receiver.unprotectRtp(extensionTooLong, 0, 32)).isEqualTo(-1);

            byte[] tooManyCsrcs = rtp(0, SSRC, 1, 20, SrtpSession.MAX_OVERHEAD);
            tooManyCsrcs[0] = (byte) 0x8F;
            assertThat(session.protectRtp(tooManyCsrcs, 0, 32)).isEqualTo(-1);

            byte[] shortRtcp = rtcp(SSRC, SrtpSession.MAX_OVERHEAD);
            assertThat(session.protectRtcp(shortRtcp, 0, 7)).isEqualTo(-1);
            assertThat(receiver.unprotectRtcp(shortRtcp, 0, 12)).isEqualTo(-1);
        }
    }

    @Test
    void aClosedSessionRefusesEverything() {
        SrtpKeys keys = randomKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        SrtpSession sender = new SrtpSession(keys);
        SrtpSession receiver = new SrtpSession(keys.reversed());
        byte[] packet = rtp(0, SSRC, 1, 20, SrtpSession.MAX_OVERHEAD);
        int n = sender.protectRtp(packet, 0, 32);

        sender.close();
        receiver.close();
        receiver.close();

        assertThat(sender.isClosed()).isTrue();
        assertThat(sender.protectRtp(rtp(0, SSRC, 2, 20, SrtpSession.MAX_OVERHEAD), 0, 32)).isEqualTo(-1);
        assertThat(sender.protectRtp(rtp(0, SSRC + 1, 2, 20, SrtpSession.MAX_OVERHEAD), 0, 32)).isEqualTo(-1);
        assertThat(receiver.unprotectRtp(packet, 0, n)).isEqualTo(-1);
    }

    @Test
    void sprayedSsrcsDoNotStopALegitimateStream() {
        SrtpKeys keys = randomKeys(SrtpProfile.AEAD_AES_128_GCM);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.reversed())) {
            for (int i = 0; i < 2 * SrtpSession.MAX_RECEIVE_SSRCS; i++) {
                byte[] forged = rtp(0, 1000 + i, i, 40, 16);
                assertThat(receiver.unprotectRtp(forged, 0, 12 + 40 + 16)).isEqualTo(-1);
            }
            byte[] packet = rtp(0, SSRC, 1, 40, SrtpSession.MAX_OVERHEAD);
            int n = sender.protectRtp(packet, 0, 52);
            assertThat(receiver.unprotectRtp(packet, 0, n)).isEqualTo(52);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void manyThreadsMaySendAtOnceOnSharedAndOwnSsrcs(SrtpProfile profile) throws Exception {
        SrtpKeys keys = randomKeys(profile);
        int threads = 4;
        int perThread = 300;
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.reversed())) {
            AtomicInteger sharedSequence = new AtomicInteger(1);
            Map<Integer, byte[]> shared = new ConcurrentHashMap<>();
            Map<Integer, List<byte[]>> own = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            List<Throwable> errors = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int ssrc = 0x1000 + t;
                Thread worker = new Thread(() -> {
                    try {
                        go.await();
                        List<byte[]> mine = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            int seq = sharedSequence.getAndIncrement();
                            byte[] a = rtp(0, SSRC, seq, 100, SrtpSession.MAX_OVERHEAD);
                            int n = sender.protectRtp(a, 0, 112);
                            shared.put(seq, Arrays.copyOf(a, n));
                            byte[] b = rtp(0, ssrc, i + 1, 100, SrtpSession.MAX_OVERHEAD);
                            mine.add(Arrays.copyOf(b, sender.protectRtp(b, 0, 112)));
                            byte[] c = rtcp(ssrc, SrtpSession.MAX_OVERHEAD);
                            mine.add(Arrays.copyOf(c, sender.protectRtcp(c, 0, 32)));
                        }
                        own.put(ssrc, mine);
                    } catch (Throwable e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                });
                workers.add(worker);
                worker.start();
            }
            go.countDown();
            for (Thread worker : workers) {
                worker.join(10_000);
            }
            assertThat(errors).isEmpty();

            assertThat(shared).hasSize(threads * perThread);
            for (int seq = 1; seq <= threads * perThread; seq++) {
                byte[] packet = Arrays.copyOf(shared.get(seq), 112 + SrtpSession.MAX_OVERHEAD);
                assertThat(receiver.unprotectRtp(packet, 0, shared.get(seq).length)).as("seq %d", seq).isEqualTo(112);
                assertThat(Arrays.copyOf(packet, 112)).isEqualTo(Arrays.copyOf(rtp(0, SSRC, seq, 100, 0), 112));
            }
            for (Map.Entry<Integer, List<byte[]>> entry : own.entrySet()) {
                List<byte[]> packets = entry.getValue();
                for (int i = 0; i < packets.size(); i += 2) {
                    byte[] media = packets.get(i).clone();
                    byte[] report = packets.get(i + 1).clone();
                    assertThat(receiver.unprotectRtp(media, 0, media.length)).isEqualTo(112);
                    assertThat(receiver.unprotectRtcp(report, 0, report.length)).isEqualTo(32);
                }
            }
        }
    }

    private static void putInt(byte[] buffer, int at, int value) {
        buffer[at] = (byte) (value >> 24);
        buffer[at + 1] = (byte) (value >> 16);
        buffer[at + 2] = (byte) (value >> 8);
        buffer[at + 3] = (byte) value;
    }
}
