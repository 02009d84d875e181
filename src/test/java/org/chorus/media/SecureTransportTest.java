package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.chorus.media.SecureTransport.FailureReason;
import org.chorus.media.SecureTransport.State;
import org.chorus.media.dtls.DtlsCertificate;
import org.chorus.media.dtls.DtlsFingerprint;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.dtls.DtlsWorkers;
import org.chorus.media.srtp.SrtpProfile;
import org.chorus.media.srtp.SrtpSession;
import org.chorus.media.srtp.SrtpStartup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two secure transports over loopback UDP: DTLS handshake, then SRTP and SRTCP both ways. */
class SecureTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
    private static final int CLIENT_SSRC = 0x11111111;
    private static final int SERVER_SSRC = 0x22222222;

    private final List<Peer> peers = new ArrayList<>();
    private final List<UdpDatagramPath> paths = new ArrayList<>();

    private static DtlsWorkers workers;

    @BeforeAll
    static void srtpStartup() {
        SrtpStartup.initialize();
        workers = new DtlsWorkers("secure-transport-test", 4);
    }

    @AfterAll
    static void closeWorkers() {
        workers.close();
    }

    @AfterEach
    void tearDown() {
        peers.forEach(peer -> peer.transport.close());
        paths.forEach(UdpDatagramPath::close);
    }

    // --- handshake and media --------------------------------------------------------------------------

    @Test
    void handshakeThenRtpAndRtcpBothWaysArriveDecryptedAndIdentical() {
        Peer[] call = call(SrtpProfile.DEFAULT_PREFERENCE, SrtpProfile.DEFAULT_PREFERENCE);
        Peer client = call[0];
        Peer server = call[1];

        awaitSecure(client, server);
        assertThat(client.transport.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
        assertThat(server.transport.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);

        exchangeMediaAndCheck(client, server, 20, 5);
        assertThat(client.states).containsExactly(State.HANDSHAKING, State.SECURE);
        assertThat(server.states).containsExactly(State.HANDSHAKING, State.SECURE);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void everyProfileCarriesMedia(SrtpProfile profile) {
        // The client offers everything; the server's preference forces the profile.
        Peer[] call = call(SrtpProfile.DEFAULT_PREFERENCE, List.of(profile));
        Peer client = call[0];
        Peer server = call[1];

        awaitSecure(client, server);
        assertThat(client.transport.profile()).isEqualTo(profile);
        assertThat(server.transport.profile()).isEqualTo(profile);
        exchangeMediaAndCheck(client, server, 10, 3);
    }

    @Test
    void theServerChoosesByItsOwnPreferenceAmongWhatTheClientOffers() {
        Peer[] call = call(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_256_GCM),
                SrtpProfile.DEFAULT_PREFERENCE);
        awaitSecure(call[0], call[1]);

        assertThat(call[0].transport.profile()).isEqualTo(SrtpProfile.AEAD_AES_256_GCM);
    }

    @Test
    void noCommonProfileIsAProtocolError() {
        Peer[] call = call(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80), List.of(SrtpProfile.AEAD_AES_128_GCM));

        awaitFailed(call[1], FailureReason.PROTOCOL_ERROR);
        awaitFailed(call[0], FailureReason.PROTOCOL_ERROR);
    }

    // --- fingerprints ---------------------------------------------------------------------------------

    @Test
    void aWrongClientFingerprintFailsTheServerWithFingerprintMismatchAndNoMediaFlows() {
        UdpDatagramPath[] link = link();
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.SERVER.localFingerprint(), null);
        Peer server = new Peer("server", link[1], DtlsRole.SERVER, TestCertificates.SERVER,
                SrtpProfile.DEFAULT_PREFERENCE, wrong(TestCertificates.CLIENT), null);
        client.start();
        server.start();

        awaitFailed(server, FailureReason.FINGERPRINT_MISMATCH);
        awaitFailed(client, FailureReason.PROTOCOL_ERROR); // the server's bad_certificate alert
        assertNeverSecure(client, server);
        assertNoMediaEitherWay(client, server);
    }

    @Test
    void aWrongServerFingerprintFailsTheClientWithFingerprintMismatchAndNoMediaFlows() {
        UdpDatagramPath[] link = link();
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT,
                SrtpProfile.DEFAULT_PREFERENCE, wrong(TestCertificates.SERVER), null);
        Peer server = new Peer("server", link[1], DtlsRole.SERVER, TestCertificates.SERVER,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.CLIENT.localFingerprint(), null);
        client.start();
        server.start();

        awaitFailed(client, FailureReason.FINGERPRINT_MISMATCH);
        awaitFailed(server, FailureReason.PROTOCOL_ERROR);
        assertNeverSecure(client, server);
        assertNoMediaEitherWay(client, server);
    }

    @Test
    void theFingerprintMayBeSignalledAfterStartBothSides() {
        UdpDatagramPath[] link = link();
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT,
                SrtpProfile.DEFAULT_PREFERENCE, null, null);
        Peer server = new Peer("server", link[1], DtlsRole.SERVER, TestCertificates.SERVER,
                SrtpProfile.DEFAULT_PREFERENCE, null, null);
        server.start();
        client.start();

        // The client gets the server's certificate first and waits for its fingerprint.
        waitUntil(client.transport::isWaitingForRemoteFingerprint);
        assertThat(client.transport.state()).isEqualTo(State.HANDSHAKING);
        client.transport.setRemoteFingerprint(TestCertificates.SERVER.localFingerprint());

        waitUntil(server.transport::isWaitingForRemoteFingerprint);
        server.transport.setRemoteFingerprint(
                new DtlsFingerprint("SHA-256", TestCertificates.CLIENT.fingerprint().toLowerCase()));

        awaitSecure(client, server);
        exchangeMediaAndCheck(client, server, 3, 1);
    }

    @Test
    void aFingerprintThatNeverComesEndsInHandshakeTimeout() {
        UdpDatagramPath[] link = link();
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.SERVER.localFingerprint(), Duration.ofSeconds(5));
        Peer server = new Peer("server", link[1], DtlsRole.SERVER, TestCertificates.SERVER,
                SrtpProfile.DEFAULT_PREFERENCE, null, Duration.ofMillis(500));
        server.start();
        client.start();

        awaitFailed(server, FailureReason.HANDSHAKE_TIMEOUT);
        awaitFailed(client, FailureReason.PROTOCOL_ERROR);
    }

    // --- early packets, retransmissions, buffers ------------------------------------------------------

    @Test
    void srtpSentTheMomentThePeerIsSecureIsReplayedNotLost() {
        UdpDatagramPath[] link = link();
        // Hold the server's DTLS flights back at the client, so that the server is SECURE (and sends)
        // well before the client has its keys.
        link[0].delayIncoming(data -> (data[0] & 0xFF) >= 20 && (data[0] & 0xFF) <= 63, 150);
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.SERVER.localFingerprint(), null);
        List<Packet> sentAtSecure = new CopyOnWriteArrayList<>();
        Peer server = new Peer("server", link[1], DtlsRole.SERVER, TestCertificates.SERVER,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.CLIENT.localFingerprint(), null);
        server.onSecure = peer -> {
            for (int i = 0; i < 5; i++) {
                Packet packet = peer.nextRtp(200);
                sentAtSecure.add(packet);
                assertThat(peer.transport.sendRtp(packet.buffer(), 0, packet.length())).isTrue();
            }
            Packet report = peer.nextRtcp();
            sentAtSecure.add(report);
            assertThat(peer.transport.sendRtcp(report.buffer(), 0, report.length())).isTrue();
        };
        client.start();
        server.start();

        awaitSecure(client, server);
        waitUntil(() -> client.rtp.size() == 5 && client.rtcp.size() == 1);
        assertThat(client.rtp).containsExactlyElementsOf(sentAtSecure.subList(0, 5).stream().map(Packet::plain).toList());
        assertThat(client.rtcp).containsExactly(sentAtSecure.get(5).plain());
        SecureTransport.Stats stats = client.transport.stats();
        assertThat(stats.earlyBuffered()).isEqualTo(6);
        assertThat(stats.earlyReplayed()).isEqualTo(6);
        assertThat(stats.unprotectFailures()).isZero();
    }

    @Test
    void aRetransmissionIsProtectedAgainAndTheReceiverDropsTheReplay() {
        Peer[] call = call(SrtpProfile.DEFAULT_PREFERENCE, SrtpProfile.DEFAULT_PREFERENCE);
        Peer client = call[0];
        Peer server = call[1];
        awaitSecure(client, server);

        Packet original = client.nextRtp(100);
        Packet retransmission = original.copy();
        assertThat(client.transport.sendRtp(original.buffer(), 0, original.length())).isTrue();
        assertThat(client.transport.sendRtp(retransmission.buffer(), 0, retransmission.length())).isTrue();

        waitUntil(() -> server.transport.stats().unprotectFailures() == 1);
        assertThat(server.rtp).containsExactly(original.plain());
    }

    @Test
    void aPacketWithoutSpareCapacityIsRefusedNotCrashed() {
        Peer[] call = call(SrtpProfile.DEFAULT_PREFERENCE, SrtpProfile.DEFAULT_PREFERENCE);
        awaitSecure(call[0], call[1]);
        SecureTransport client = call[0].transport;

        byte[] tight = new byte[12 + 100 + SrtpSession.MAX_OVERHEAD - 1];
        tight[0] = (byte) 0x80;
        tight[1] = 111;
        assertThatThrownBy(() -> client.sendRtp(tight, 0, 12 + 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.sendRtcp(tight, 0, tight.length)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.sendRtp(tight, 10, 12 + 100)).isInstanceOf(IllegalArgumentException.class);
        assertThat(client.state()).isEqualTo(State.SECURE);

        byte[] roomy = new byte[12 + 100 + SrtpSession.MAX_OVERHEAD];
        System.arraycopy(tight, 0, roomy, 0, 12 + 100);
        assertThat(client.sendRtp(roomy, 0, 12 + 100)).isTrue();
    }

    @Test
    void sendingBeforeSecureDropsThePacketButStillChecksTheBuffer() {
        UdpDatagramPath[] link = link();
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.SERVER.localFingerprint(), null);
        Packet packet = client.nextRtp(50);

        assertThat(client.transport.sendRtp(packet.buffer(), 0, packet.length())).isFalse();
        assertThatThrownBy(() -> client.transport.sendRtp(new byte[20], 0, 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(link[0].sentDatagrams()).isZero();
    }

    @Test
    void stunAndForeignDatagramsAreIgnoredAndForgedSrtpIsDropped() {
        Peer[] call = call(SrtpProfile.DEFAULT_PREFERENCE, SrtpProfile.DEFAULT_PREFERENCE);
        Peer client = call[0];
        Peer server = call[1];
        awaitSecure(client, server);

        UdpDatagramPath raw = client.path;
        byte[] stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        byte[] channelData = {0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4};
        byte[] forgedRtp = client.nextRtp(40).buffer();
        byte[] forgedRtcp = client.nextRtcp().buffer();
        raw.send(stun, 0, stun.length);
        raw.send(channelData, 0, channelData.length);
        raw.send(forgedRtp, 0, 12 + 40 + 16);
        raw.send(forgedRtcp, 0, 20 + 20);
        raw.send(new byte[0], 0, 0);

        waitUntil(() -> server.transport.stats().unprotectFailures() == 2);
        assertThat(server.rtp).isEmpty();
        assertThat(server.rtcp).isEmpty();
        assertThat(server.transport.state()).isEqualTo(State.SECURE);
        exchangeMediaAndCheck(client, server, 2, 1);
    }

    // --- endings --------------------------------------------------------------------------------------

    @Test
    void handshakeTimeoutWhenNobodyAnswersTheClient() {
        UdpDatagramPath[] link = link(); // nothing listens on link[1]
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.SERVER.localFingerprint(), SHORT_TIMEOUT);
        long start = System.nanoTime();
        client.start();

        awaitFailed(client, FailureReason.HANDSHAKE_TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(link[1].receivedDatagrams()).isPositive(); // the ClientHello went out
        assertThat(client.states).containsExactly(State.HANDSHAKING, State.FAILED);
    }

    @Test
    void handshakeTimeoutWhenNoClientHelloComes() {
        UdpDatagramPath[] link = link();
        Peer server = new Peer("server", link[1], DtlsRole.SERVER, TestCertificates.SERVER,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.CLIENT.localFingerprint(), SHORT_TIMEOUT);
        server.start();

        awaitFailed(server, FailureReason.HANDSHAKE_TIMEOUT);
    }

    @Test
    void closeSendsCloseNotifyAndThePeerSeesClosedByPeer() {
        Peer[] call = call(SrtpProfile.DEFAULT_PREFERENCE, SrtpProfile.DEFAULT_PREFERENCE);
        Peer client = call[0];
        Peer server = call[1];
        awaitSecure(client, server);

        client.transport.close();

        assertThat(client.transport.state()).isEqualTo(State.CLOSED);
        assertThat(client.states).containsExactly(State.HANDSHAKING, State.SECURE, State.CLOSED);
        awaitFailed(server, FailureReason.CLOSED_BY_PEER);
        Packet packet = client.nextRtp(10);
        assertThat(client.transport.sendRtp(packet.buffer(), 0, packet.length())).isFalse();
        client.transport.close(); // idempotent
        assertThat(client.states).hasSize(3);
    }

    @Test
    void closingDuringTheHandshakeStopsIt() {
        UdpDatagramPath[] link = link();
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT,
                SrtpProfile.DEFAULT_PREFERENCE, TestCertificates.SERVER.localFingerprint(), null);
        client.start();
        client.transport.close();

        assertThat(client.transport.state()).isEqualTo(State.CLOSED);
        assertThatThrownBy(client.transport::start).isInstanceOf(IllegalStateException.class);
        assertThat(client.states).containsExactly(State.HANDSHAKING, State.CLOSED);
    }

    @Test
    void theStateMachineAllowsOnlyTheDocumentedChanges() {
        assertThat(State.NEW.canMoveTo(State.HANDSHAKING)).isTrue();
        assertThat(State.NEW.canMoveTo(State.CLOSED)).isTrue();
        assertThat(State.NEW.canMoveTo(State.SECURE)).isFalse();
        assertThat(State.HANDSHAKING.canMoveTo(State.SECURE)).isTrue();
        assertThat(State.HANDSHAKING.canMoveTo(State.FAILED)).isTrue();
        assertThat(State.SECURE.canMoveTo(State.HANDSHAKING)).isFalse();
        assertThat(State.SECURE.canMoveTo(State.FAILED)).isTrue();
        for (State next : State.values()) {
            assertThat(State.CLOSED.canMoveTo(next)).isFalse();
            assertThat(State.FAILED.canMoveTo(next)).isFalse();
        }
    }

    // --- helpers --------------------------------------------------------------------------------------

    private UdpDatagramPath[] link() {
        UdpDatagramPath[] link = UdpDatagramPath.pair();
        paths.add(link[0]);
        paths.add(link[1]);
        return link;
    }

    /** A client and a server that know each other's fingerprints, both started. */
    private Peer[] call(List<SrtpProfile> clientPreference, List<SrtpProfile> serverPreference) {
        UdpDatagramPath[] link = link();
        Peer client = new Peer("client", link[0], DtlsRole.CLIENT, TestCertificates.CLIENT, clientPreference,
                TestCertificates.SERVER.localFingerprint(), null);
        Peer server = new Peer("server", link[1], DtlsRole.SERVER, TestCertificates.SERVER, serverPreference,
                TestCertificates.CLIENT.localFingerprint(), null);
        server.start();
        client.start();
        return new Peer[] {client, server};
    }

    /** The certificate's fingerprint with its last hex digit changed. */
    private static DtlsFingerprint wrong(DtlsCertificate certificate) {
        String right = certificate.fingerprint();
        char last = right.charAt(right.length() - 1);
        return new DtlsFingerprint("sha-256", right.substring(0, right.length() - 1) + (last == '0' ? '1' : '0'));
    }

    /** Awaitility with a fast poll: the default 100 ms delay and interval would dominate these tests. */
    private static void waitUntil(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).until(condition);
    }

    private static void awaitSecure(Peer... sides) {
        for (Peer side : sides) {
            waitUntil(() -> side.transport.state() == State.SECURE);
        }
    }

    private static void awaitFailed(Peer side, FailureReason reason) {
        waitUntil(() -> side.transport.state() == State.FAILED);
        assertThat(side.transport.failureReason()).isEqualTo(reason);
        waitUntil(() -> side.reason != null);
        assertThat(side.reason).isEqualTo(reason);
    }

    private static void assertNeverSecure(Peer... sides) {
        for (Peer side : sides) {
            assertThat(side.states).doesNotContain(State.SECURE);
        }
    }

    private static void assertNoMediaEitherWay(Peer client, Peer server) {
        Packet fromClient = client.nextRtp(30);
        Packet fromServer = server.nextRtp(30);
        assertThat(client.transport.sendRtp(fromClient.buffer(), 0, fromClient.length())).isFalse();
        assertThat(server.transport.sendRtp(fromServer.buffer(), 0, fromServer.length())).isFalse();
        assertThat(client.rtp).isEmpty();
        assertThat(server.rtp).isEmpty();
        assertThat(client.transport.stats().rtpSent()).isZero();
        assertThat(server.transport.stats().rtpSent()).isZero();
    }

    private static void exchangeMediaAndCheck(Peer client, Peer server, int rtpCount, int rtcpCount) {
        List<String> fromClient = new ArrayList<>();
        List<String> fromServer = new ArrayList<>();
        int clientRtpBefore = server.rtp.size();
        int serverRtpBefore = client.rtp.size();
        int clientRtcpBefore = server.rtcp.size();
        int serverRtcpBefore = client.rtcp.size();
        long serverFailuresBefore = server.transport.stats().unprotectFailures();
        long clientFailuresBefore = client.transport.stats().unprotectFailures();
        for (int i = 0; i < rtpCount; i++) {
            fromClient.add(sendRtp(client, 40 + 37 * i));
            fromServer.add(sendRtp(server, 900 + i));
        }
        List<String> rtcpFromClient = new ArrayList<>();
        List<String> rtcpFromServer = new ArrayList<>();
        for (int i = 0; i < rtcpCount; i++) {
            rtcpFromClient.add(sendRtcp(client));
            rtcpFromServer.add(sendRtcp(server));
        }
        waitUntil(() -> server.rtp.size() == clientRtpBefore + rtpCount
                && client.rtp.size() == serverRtpBefore + rtpCount
                && server.rtcp.size() == clientRtcpBefore + rtcpCount
                && client.rtcp.size() == serverRtcpBefore + rtcpCount);
        assertThat(server.rtp.subList(clientRtpBefore, server.rtp.size())).containsExactlyInAnyOrderElementsOf(fromClient);
        assertThat(client.rtp.subList(serverRtpBefore, client.rtp.size())).containsExactlyInAnyOrderElementsOf(fromServer);
        assertThat(server.rtcp.subList(clientRtcpBefore, server.rtcp.size()))
                .containsExactlyInAnyOrderElementsOf(rtcpFromClient);
        assertThat(client.rtcp.subList(serverRtcpBefore, client.rtcp.size()))
                .containsExactlyInAnyOrderElementsOf(rtcpFromServer);
        assertThat(server.transport.stats().unprotectFailures()).isEqualTo(serverFailuresBefore);
        assertThat(client.transport.stats().unprotectFailures()).isEqualTo(clientFailuresBefore);
    }

    private static String sendRtp(Peer from, int payloadLength) {
        Packet packet = from.nextRtp(payloadLength);
        assertThat(from.transport.sendRtp(packet.buffer(), 0, packet.length())).isTrue();
        assertThat(packet.buffer()).as("encrypted in place").isNotEqualTo(packet.copy().buffer());
        return packet.plain();
    }

    private static String sendRtcp(Peer from) {
        Packet packet = from.nextRtcp();
        assertThat(from.transport.sendRtcp(packet.buffer(), 0, packet.length())).isTrue();
        return packet.plain();
    }

    /** A packet in a buffer with {@link SrtpSession#MAX_OVERHEAD} spare bytes, and its plaintext as hex. */
    record Packet(byte[] buffer, int length, String plain) {
        Packet copy() {
            return new Packet(HexFormat.of().parseHex(plain + "00".repeat(buffer.length - length)), length, plain);
        }
    }

    /** One end of a call: its path, its transport, and what it received. */
    final class Peer {
        final String name;
        final UdpDatagramPath path;
        final SecureTransport transport;
        final int ssrc;
        final byte senderId;
        final List<String> rtp = new CopyOnWriteArrayList<>();
        final List<String> rtcp = new CopyOnWriteArrayList<>();
        final List<State> states = new CopyOnWriteArrayList<>();
        volatile FailureReason reason;
        volatile Consumer<Peer> onSecure = peer -> { };
        private int sequence = 1000;
        private int rtcpSequence;

        Peer(String name, UdpDatagramPath path, DtlsRole role, DtlsCertificate certificate,
                List<SrtpProfile> preference, DtlsFingerprint expected, Duration timeout) {
            this.name = name;
            this.path = path;
            this.ssrc = role == DtlsRole.CLIENT ? CLIENT_SSRC : SERVER_SSRC;
            this.senderId = (byte) (role == DtlsRole.CLIENT ? 'C' : 'S');
            this.transport = timeout == null
                    ? new SecureTransport(path, workers, certificate, role, preference, expected)
                    : new SecureTransport(path, workers, certificate, role, preference, expected, timeout);
            transport.setMediaListener(new SecureTransport.MediaListener() {
                @Override
                public void onRtp(byte[] buffer, int offset, int length) {
                    rtp.add(HexFormat.of().formatHex(buffer, offset, offset + length));
                }

                @Override
                public void onRtcp(byte[] buffer, int offset, int length) {
                    rtcp.add(HexFormat.of().formatHex(buffer, offset, offset + length));
                }
            });
            transport.setStateListener((previous, current, failure) -> {
                states.add(current);
                if (current == State.FAILED) {
                    reason = failure;
                }
                if (current == State.SECURE) {
                    onSecure.accept(this);
                }
            });
            peers.add(this);
        }

        void start() {
            transport.start();
        }

        /** RTP v2, PT 111, this peer's SSRC, the next sequence number; payload: sender id, sequence, filler. */
        synchronized Packet nextRtp(int payloadLength) {
            int seq = sequence++;
            int length = 12 + payloadLength;
            byte[] buffer = new byte[length + SrtpSession.MAX_OVERHEAD];
            buffer[0] = (byte) 0x80;
            buffer[1] = 111;
            buffer[2] = (byte) (seq >> 8);
            buffer[3] = (byte) seq;
            writeInt(buffer, 4, seq * 960);
            writeInt(buffer, 8, ssrc);
            for (int i = 12; i < length; i++) {
                buffer[i] = (byte) (i * 7 + seq);
            }
            if (payloadLength >= 5) {
                buffer[12] = senderId;
                writeInt(buffer, 13, seq);
            }
            return new Packet(buffer, length, HexFormat.of().formatHex(buffer, 0, length));
        }

        /** An RTCP APP packet ("TEST") carrying the sender id and a sequence number. */
        synchronized Packet nextRtcp() {
            int length = 20;
            byte[] buffer = new byte[length + SrtpSession.MAX_OVERHEAD];
            buffer[0] = (byte) 0x80;
            buffer[1] = (byte) 204;
            buffer[3] = 4;
            writeInt(buffer, 4, ssrc);
            buffer[8] = 'T';
            buffer[9] = 'E';
            buffer[10] = 'S';
            buffer[11] = 'T';
            writeInt(buffer, 12, senderId);
            writeInt(buffer, 16, rtcpSequence++);
            return new Packet(buffer, length, HexFormat.of().formatHex(buffer, 0, length));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static void writeInt(byte[] buffer, int at, int value) {
        buffer[at] = (byte) (value >> 24);
        buffer[at + 1] = (byte) (value >> 16);
        buffer[at + 2] = (byte) (value >> 8);
        buffer[at + 3] = (byte) value;
    }
}
