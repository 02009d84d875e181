package org.chorus.media.ice;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.chorus.media.ice.IceSession.FailureCause;
import org.chorus.media.ice.IceSession.State;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two and three shared ports on 127.0.0.1, with sessions that exchange credentials and candidates
 * the way the Jingle layer does.
 */
class IceSessionTest {

    private static final Duration CONNECT = Duration.ofSeconds(10);

    private static SharedUdpPort portA;
    private static SharedUdpPort portB;
    private static SharedUdpPort portC;

    private final List<IceSession> sessions = new ArrayList<>();

    @BeforeAll
    static void openPorts() throws IOException {
        IceSettings settings = IceSettings.loopback();
        portA = SharedUdpPort.open(settings);
        portB = SharedUdpPort.open(settings);
        portC = SharedUdpPort.open(settings);
    }

    @AfterAll
    static void closePorts() {
        for (SharedUdpPort p : new SharedUdpPort[] {portA, portB, portC}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @AfterEach
    void closeSessions() {
        sessions.forEach(IceSession::close);
    }

    @Test
    void offerAndAnswerWithCandidatesConnectAndCarryDatagramsBothWays() throws Exception {
        IceSession offerer = session(portA, true, "offerer");
        IceSession answerer = session(portB, false, "answerer");

        assertThat(offerer.localCandidates()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(Candidate.Type.HOST);
            assertThat(c.protocol()).isEqualTo("udp");
            assertThat(c.component()).isEqualTo(1);
            assertThat(c.ip()).isEqualTo("127.0.0.1");
            assertThat(c.port()).isEqualTo(portA.port());
            assertThat(c.priority()).isPositive();
            assertThat(c.foundation()).isNotBlank();
            assertThat(c.id()).isNotBlank();
            assertThat(c.relAddr()).isNull();
        });
        assertThat(offerer.localUfrag()).isNotBlank().isNotEqualTo(answerer.localUfrag());
        assertThat(offerer.localPassword()).hasSizeGreaterThanOrEqualTo(22);

        // session-initiate: the answerer learns the offerer's transport, and starts.
        assertThat(answerer.setRemoteCredentials(offerer.localUfrag(), offerer.localPassword())).isTrue();
        offerer.localCandidates().forEach(c -> assertThat(answerer.addRemoteCandidate(c)).isTrue());
        answerer.start();
        // session-accept: the offerer learns the answerer's transport, and starts.
        assertThat(offerer.setRemoteCredentials(answerer.localUfrag(), answerer.localPassword())).isTrue();
        answerer.localCandidates().forEach(c -> assertThat(offerer.addRemoteCandidate(c)).isTrue());
        offerer.start();

        awaitState(State.CONNECTED, offerer, answerer);
        assertThat(offerer.isControlling()).isTrue();
        assertThat(answerer.isControlling()).isFalse();
        assertThat(offerer.selectedRemoteAddress()).contains(portB.localAddress());
        assertThat(answerer.selectedRemoteAddress()).contains(portA.localAddress());
        assertExchange(offerer, answerer, "one");
    }

    @Test
    void candidatesTrickledAfterStartJoinTheRunningChecks() throws Exception {
        IceSession offerer = session(portA, true, "trickle-offerer");
        IceSession answerer = session(portB, false, "trickle-answerer");

        // Neither side sends candidates in its offer or answer; both start with empty check lists.
        answerer.setRemoteCredentials(offerer.localUfrag(), offerer.localPassword());
        answerer.start();
        offerer.setRemoteCredentials(answerer.localUfrag(), answerer.localPassword());
        offerer.start();
        assertThat(offerer.state()).isEqualTo(State.CHECKING);

        // transport-info, one candidate each, then gathering-complete: only the answerer gets
        // any, so only a candidate added to its running check list can start things. The
        // offerer learns the answerer as peer-reflexive and nominates.
        for (Candidate c : offerer.localCandidates()) {
            assertThat(answerer.addRemoteCandidate(c)).isTrue();
        }
        answerer.remoteGatheringComplete();
        offerer.remoteGatheringComplete();

        awaitState(State.CONNECTED, offerer, answerer);
        assertThat(answerer.isRemoteGatheringComplete()).isTrue();
        assertThat(offerer.selectedRemoteAddress()).contains(portB.localAddress());
        assertExchange(offerer, answerer, "trickled");
    }

    @Test
    void answererGivenNoCandidatesLearnsTheOffererAsPeerReflexive() throws Exception {
        IceSession offerer = session(portA, true, "prflx-offerer");
        IceSession answerer = session(portB, false, "prflx-answerer");

        // The offer carries credentials but no candidates, and none ever follow.
        answerer.setRemoteCredentials(offerer.localUfrag(), offerer.localPassword());
        answerer.start();
        offerer.setRemoteCredentials(answerer.localUfrag(), answerer.localPassword());
        answerer.localCandidates().forEach(offerer::addRemoteCandidate);
        offerer.start();

        awaitState(State.CONNECTED, offerer, answerer);
        assertThat(answerer.selectedRemoteAddress()).contains(portA.localAddress());
        assertExchange(offerer, answerer, "prflx");
    }

    @Test
    void sessionsSharingPortsReceiveOnlyTheirOwnDatagrams() throws Exception {
        // Every port carries two sessions at once, each with another peer: A1-B1, A2-C1, B2-C2.
        IceSession a1 = session(portA, true, "a1");
        IceSession b1 = session(portB, false, "b1");
        IceSession a2 = session(portA, false, "a2");
        IceSession c1 = session(portC, true, "c1");
        IceSession b2 = session(portB, true, "b2");
        IceSession c2 = session(portC, false, "c2");
        connect(a1, b1);
        connect(c1, a2);
        connect(b2, c2);
        awaitState(State.CONNECTED, a1, b1, a2, c1, b2, c2);
        assertThat(portA.sessionCount()).isGreaterThanOrEqualTo(2);

        IceSession[][] pairs = {{a1, b1}, {a2, c1}, {b2, c2}};
        List<BlockingQueue<String>> inboxes = new ArrayList<>();
        for (IceSession[] pair : pairs) {
            for (IceSession s : pair) {
                inboxes.add(inbox(s));
            }
        }
        for (int round = 0; round < 5; round++) {
            for (IceSession[] pair : pairs) {
                send(pair[0], pair[0].name() + ">" + pair[1].name() + "#" + round);
                send(pair[1], pair[1].name() + ">" + pair[0].name() + "#" + round);
            }
        }
        int i = 0;
        for (IceSession[] pair : pairs) {
            for (int side = 0; side < 2; side++) {
                IceSession me = pair[side];
                IceSession peer = pair[1 - side];
                BlockingQueue<String> inbox = inboxes.get(i++);
                for (int round = 0; round < 5; round++) {
                    assertThat(inbox.poll(5, TimeUnit.SECONDS))
                            .as("datagram %d at %s", round, me.name())
                            .isEqualTo(peer.name() + ">" + me.name() + "#" + round);
                }
            }
        }
        Thread.sleep(100);
        assertThat(inboxes).allSatisfy(q -> assertThat(q).isEmpty());
    }

    @Test
    void unusableCandidatesAreIgnored() throws Exception {
        IceSession s = session(portA, false, "filter");
        Candidate tcpActive = new Candidate("1", 1, "tcp", 1518280447L, "127.0.0.1", 9, Candidate.Type.HOST,
                0, "x", 1, null, 0);
        Candidate rtcp = new Candidate("1", 2, "udp", 2122260222L, "127.0.0.1", 40000, Candidate.Type.HOST,
                0, null, 0, null, 0);
        Candidate mdns = Candidate.udp("2", 2122260223L, "4f1c2a7e-9d0b-4c55-8f39-1d0f7c1e6a2b.local", 40001,
                Candidate.Type.HOST);
        Candidate ipv6 = Candidate.udp("3", 2122260223L, "::1", 40002, Candidate.Type.HOST);
        Candidate wildcard = Candidate.udp("4", 2122260223L, "0.0.0.0", 40003, Candidate.Type.HOST);
        Candidate noPort = Candidate.udp("5", 2122260223L, "127.0.0.1", 0, Candidate.Type.HOST);
        Candidate badIpv4 = Candidate.udp("6", 2122260223L, "999.1.1.1", 40004, Candidate.Type.HOST);
        // No id, generation or network, no priority and no foundation: still usable.
        Candidate bare = new Candidate(null, 1, "UDP", 0, "127.0.0.1", 40005, Candidate.Type.HOST,
                0, null, 0, null, 0);
        Candidate srflx = new Candidate("7", 1, "udp", 1686052607L, "127.0.0.1", 40006, Candidate.Type.SRFLX,
                0, "y", 1, "127.0.0.1", 40005);

        assertThat(s.addRemoteCandidate(tcpActive)).isFalse();
        assertThat(s.addRemoteCandidate(rtcp)).isFalse();
        assertThat(s.addRemoteCandidate(mdns)).isFalse();
        assertThat(s.addRemoteCandidate(ipv6)).isFalse();
        assertThat(s.addRemoteCandidate(wildcard)).isFalse();
        assertThat(s.addRemoteCandidate(noPort)).isFalse();
        assertThat(s.addRemoteCandidate(badIpv4)).isFalse();
        assertThat(s.addRemoteCandidate(bare)).isTrue();
        assertThat(s.addRemoteCandidate(bare)).as("duplicate").isFalse();
        assertThat(s.addRemoteCandidate(srflx)).isTrue();
        s.start();
        assertThat(s.addRemoteCandidate(tcpActive)).as("after start").isFalse();
        assertThat(s.setRemoteCredentials("peer", "peerpasswordpeerpassword")).isTrue();
        assertThat(s.setRemoteCredentials("other", "otherpasswordotherpassword")).as("ICE restart").isFalse();
        assertThat(s.state()).isEqualTo(State.CHECKING);

        assertThat(CandidateCheck.rejectReason(Candidate.udp("1", 1, "127.0.0.1", 5000, Candidate.Type.HOST),
                false, false)).contains("loopback");
        assertThat(CandidateCheck.rejectReason(Candidate.udp("1", 1, "192.0.2.7", 5000, Candidate.Type.HOST),
                false, false)).isNull();
        assertThat(CandidateCheck.rejectReason(Candidate.udp("1", 1, "2001:db8::7", 5000, Candidate.Type.HOST),
                false, true)).isNull();
        assertThat(CandidateCheck.literal("example.org")).isNull();
        assertThat(CandidateCheck.literal("1.2.3")).isNull();
        assertThat(CandidateCheck.literal("[2001:db8::1]")).isEqualTo(InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void notConnectingWithinTheTimeoutFails() throws Exception {
        List<State> seen = new CopyOnWriteArrayList<>();
        IceSession s = track(IceSession.builder(portA).controlling(true).name("timeout")
                .connectTimeout(Duration.ofMillis(500))
                .listener((session, from, to) -> seen.add(to))
                .build());
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setRemoteCredentials("silentufrag", "silentpasswordsilentpassword");
            s.addRemoteCandidate(Candidate.udp("1", 2122260223L, "127.0.0.1", silent.getLocalPort(),
                    Candidate.Type.HOST));
            s.start();
            awaitState(State.FAILED, s);
        }
        assertThat(s.failureCause()).contains(FailureCause.CONNECT_TIMEOUT);
        await().atMost(CONNECT).until(() -> seen.contains(State.FAILED));
        assertThat(seen).containsExactly(State.CHECKING, State.FAILED);
        assertThat(s.send(new byte[] {20, 1}, 0, 2)).isFalse();
        assertThat(s.addRemoteCandidate(Candidate.udp("2", 1, "127.0.0.1", 5000, Candidate.Type.HOST))).isFalse();
        s.close();
        assertThat(s.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void datagramsArrivingBeforeTheReceiverAreHeldForIt() throws Exception {
        IceSession offerer = session(portA, true, "early-offerer");
        IceSession answerer = session(portB, false, "early-answerer");
        connect(offerer, answerer);
        awaitState(State.CONNECTED, offerer, answerer);

        for (int i = 0; i < 3; i++) {
            send(offerer, "early" + i);
        }
        await().atMost(CONNECT).until(() -> answerer.heldDatagramCount() == 3);
        BlockingQueue<String> inbox = inbox(answerer);
        assertThat(List.of(inbox.take(), inbox.take(), inbox.take())).containsExactly("early0", "early1", "early2");
        assertThat(answerer.heldDatagramCount()).isZero();
    }

    @Test
    void closeStopsDeliveryAndSending() throws Exception {
        List<State> seen = new CopyOnWriteArrayList<>();
        IceSession offerer = session(portA, true, "close-offerer");
        IceSession answerer = track(IceSession.builder(portB).controlling(false).name("close-answerer")
                .listener((session, from, to) -> seen.add(to)).build());
        connect(offerer, answerer);
        awaitState(State.CONNECTED, offerer, answerer);
        BlockingQueue<String> inbox = inbox(answerer);
        send(offerer, "before");
        assertThat(inbox.poll(5, TimeUnit.SECONDS)).isEqualTo("before");

        int sessionsOnB = portB.sessionCount();
        answerer.close();
        answerer.close(); // idempotent
        assertThat(answerer.state()).isEqualTo(State.CLOSED);
        assertThat(portB.sessionCount()).isEqualTo(sessionsOnB - 1);
        assertThat(answerer.send("after".getBytes(UTF_8), 0, 5)).isFalse();
        for (int i = 0; i < 5; i++) {
            offerer.send(("after" + i).getBytes(UTF_8), 0, 6);
        }
        assertThat(inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();
        await().atMost(CONNECT).until(() -> seen.contains(State.CLOSED));
        assertThat(seen).containsExactly(State.CHECKING, State.CONNECTED, State.CLOSED);
    }

    @Test
    void lostConsentDisconnectsThenFails() throws Exception {
        List<State> seen = new CopyOnWriteArrayList<>();
        IceSession watcher = track(IceSession.builder(portA).controlling(true).name("consent-watcher")
                .consentTimeouts(Duration.ofMillis(2500), Duration.ofMillis(4000))
                .listener((session, from, to) -> seen.add(to)).build());
        IceSession vanishing = session(portB, false, "consent-vanishing");
        connect(watcher, vanishing);
        awaitState(State.CONNECTED, watcher, vanishing);

        vanishing.close(); // it no longer answers consent requests
        await().atMost(CONNECT).until(() -> watcher.state() == State.FAILED);
        assertThat(watcher.failureCause()).contains(FailureCause.CONSENT_EXPIRED);
        await().atMost(CONNECT).until(() -> seen.contains(State.FAILED));
        assertThat(seen).containsExactly(State.CHECKING, State.CONNECTED, State.DISCONNECTED, State.FAILED);
    }

    @Test
    void aSignalledAddressCannotDivertAnotherSessionsTraffic() throws Exception {
        IceSession peer = session(portB, true, "victim");
        IceSession gateway = session(portA, false, "victim-gw");
        connect(peer, gateway);
        awaitState(State.CONNECTED, peer, gateway);
        BlockingQueue<String> inbox = inbox(gateway);

        // Another session on the same port is told the connected peer's address as its candidate.
        IceSession intruder = track(IceSession.builder(portA).controlling(false).name("intruder-gw")
                .connectTimeout(Duration.ofSeconds(1)).build());
        intruder.setRemoteCredentials("intruder", "intruderpasswordintruderpassword");
        assertThat(intruder.addRemoteCandidate(peer.localCandidates().get(0))).isTrue();
        intruder.start();
        BlockingQueue<String> intruderInbox = inbox(intruder);

        send(peer, "still mine");
        assertThat(inbox.poll(5, TimeUnit.SECONDS)).isEqualTo("still mine");
        awaitState(State.FAILED, intruder);
        assertThat(intruderInbox).isEmpty();
        assertThat(gateway.state()).isEqualTo(State.CONNECTED);
    }

    @Test
    void closingThePortClosesItsSessions() throws Exception {
        SharedUdpPort port = SharedUdpPort.open(IceSettings.loopback());
        IceSession s = IceSession.create(port, true, "on-closing-port");
        assertThat(port.sessionCount()).isEqualTo(1);
        port.close();
        assertThat(s.state()).isEqualTo(State.CLOSED);
        assertThat(port.sessionCount()).isZero();
        assertThat(port.isClosed()).isTrue();
        assertThatThrownBy(() -> IceSession.create(port, true, "too-late"))
                .isInstanceOf(IllegalStateException.class);
        // The port number is free again at once.
        SharedUdpPort.open(IceSettings.loopback().toBuilder().port(port.port()).build()).close();
    }

    @Test
    void aPortAlreadyInUseIsRefused() {
        // Sockets with SO_REUSEPORT or SO_REUSEADDR on both sides would share it silently and split the traffic.
        assertThatThrownBy(() -> SharedUdpPort.open(IceSettings.loopback().toBuilder().port(portA.port()).build()))
                .isInstanceOf(BindException.class);
        assertThat(Set.of(portA.port(), portB.port(), portC.port())).hasSize(3);
    }

    @Test
    void aPortWithSeveralSocketsConnectsSessionsOnAnyOfThem() throws Exception {
        try (PortLoop loop = PortLoop.open(2);
                SharedUdpPort wide = SharedUdpPort.open(IceSettings.loopback().toBuilder().sockets(3).build(), loop)) {
            assertThat(wide.socketCount()).isEqualTo(3);
            assertThatThrownBy(() -> SharedUdpPort.open(IceSettings.loopback().toBuilder().port(wide.port()).build()))
                    .isInstanceOf(BindException.class);
            List<IceSession[]> pairs = new ArrayList<>();
            List<SharedUdpPort> narrowPorts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // One remote address belongs to one session of a port: each peer has a port of its own.
                SharedUdpPort narrow = SharedUdpPort.open(IceSettings.loopback(), loop);
                narrowPorts.add(narrow);
                IceSession offerer = session(wide, true, "wide-" + i);
                IceSession answerer = session(narrow, false, "narrow-" + i);
                connect(offerer, answerer);
                pairs.add(new IceSession[] {offerer, answerer});
            }
            for (IceSession[] p : pairs) {
                awaitState(State.CONNECTED, p[0], p[1]);
                assertExchange(p[0], p[1], p[0].name());
            }
            narrowPorts.forEach(SharedUdpPort::close);
        }
    }

    @Test
    void datagramsNoSessionOwnsAreDroppedAndCounted() throws Exception {
        try (SharedUdpPort port = SharedUdpPort.open(IceSettings.loopback());
                DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            IceSession s = IceSession.create(port, false, "counted");
            BlockingQueue<String> inbox = inbox(s);
            InetSocketAddress to = port.localAddress();
            byte[] dtls = {23, 'x'};
            byte[] junk = {(byte) 0x70, 1, 2};
            // A binding request header with a USERNAME cut short: STUN, but routed nowhere.
            byte[] brokenStun = {0, 1, 0, 8, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                    0, 6, 0, 40};
            stranger.send(new java.net.DatagramPacket(dtls, dtls.length, to));
            stranger.send(new java.net.DatagramPacket(junk, junk.length, to));
            stranger.send(new java.net.DatagramPacket(brokenStun, brokenStun.length, to));
            await().atMost(CONNECT).until(() -> port.counters().received() == 3);
            assertThat(port.counters()).isEqualTo(new SharedUdpPort.Counters(3, 2, 1));
            assertThat(inbox).isEmpty();
            assertThat(s.heldDatagramCount()).isZero();
        }
    }

    @Test
    void theLoopsThreadsDoNotGrowWithSessions() throws Exception {
        try (PortLoop loop = PortLoop.open(2);
                SharedUdpPort port = SharedUdpPort.open(IceSettings.loopback(), loop)) {
            long before = iceThreads();
            for (int i = 0; i < 50; i++) {
                IceSession s = session(port, i % 2 == 0, "many-" + i);
                s.setRemoteCredentials("peer" + i, "peerpasswordpeerpasswordpeer");
                s.start();
            }
            assertThat(loop.timedCount()).isEqualTo(50);
            assertThat(iceThreads()).isEqualTo(before);
            sessions.forEach(IceSession::close);
            assertThat(loop.timedCount()).isZero();
            assertThat(port.sessionCount()).isZero();
        }
    }

    // ---- helpers ----

    private static long iceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("chorus-ice-")).count();
    }

    private IceSession session(SharedUdpPort port, boolean controlling, String name) throws IOException {
        return track(IceSession.create(port, controlling, name));
    }

    private IceSession track(IceSession s) {
        sessions.add(s);
        return s;
    }

    /** Offer with candidates, answer with candidates, both started, as in a plain Jingle call. */
    private static void connect(IceSession offerer, IceSession answerer) {
        answerer.setRemoteCredentials(offerer.localUfrag(), offerer.localPassword());
        offerer.localCandidates().forEach(answerer::addRemoteCandidate);
        answerer.start();
        offerer.setRemoteCredentials(answerer.localUfrag(), answerer.localPassword());
        answerer.localCandidates().forEach(offerer::addRemoteCandidate);
        offerer.start();
    }

    private static void awaitState(State state, IceSession... sessions) {
        for (IceSession s : sessions) {
            await().atMost(CONNECT).pollInterval(Duration.ofMillis(10))
                    .until(() -> s.state() == state || (s.state().isTerminal() && state != s.state()));
            assertThat(s.state()).as("%s (failure: %s)", s.name(), s.failureCause()).isEqualTo(state);
        }
    }

    private static BlockingQueue<String> inbox(IceSession s) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        // Drops the marker byte that send() puts first.
        s.setReceiver((buffer, offset, length) -> q.add(new String(buffer, offset + 1, length - 1, UTF_8)));
        return q;
    }

    /** DTLS-looking payloads (first byte 23, application data), so nothing takes them for STUN. */
    private static void send(IceSession s, String text) {
        byte[] body = text.getBytes(UTF_8);
        byte[] datagram = new byte[body.length + 1];
        datagram[0] = 23;
        System.arraycopy(body, 0, datagram, 1, body.length);
        assertThat(s.send(datagram, 0, datagram.length)).as("send from %s", s.name()).isTrue();
    }

    private static void assertExchange(IceSession a, IceSession b, String tag) throws InterruptedException {
        BlockingQueue<String> toA = inbox(a);
        BlockingQueue<String> toB = inbox(b);
        for (int i = 0; i < 3; i++) {
            send(a, tag + " a>b " + i);
            send(b, tag + " b>a " + i);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(toB.poll(5, TimeUnit.SECONDS)).isEqualTo(tag + " a>b " + i);
            assertThat(toA.poll(5, TimeUnit.SECONDS)).isEqualTo(tag + " b>a " + i);
        }
    }
}
