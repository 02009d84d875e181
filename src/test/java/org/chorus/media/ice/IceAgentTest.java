package org.chorus.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.media.ice.VirtualIceNet.config;
import static org.chorus.media.ice.VirtualIceNet.ms;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.chorus.media.ice.IceSession.FailureCause;
import org.chorus.media.ice.IceSession.State;
import org.chorus.media.ice.VirtualIceNet.Datagram;
import org.chorus.media.ice.VirtualIceNet.Node;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.IceControlAttribute;
import org.ice4j.message.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Two agents on an in-memory network with a virtual clock: checks, nomination, roles, consent. */
class IceAgentTest {

    static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 40001);
    static final InetSocketAddress B = new InetSocketAddress("127.0.0.2", 40002);
    static final InetSocketAddress NOWHERE = new InetSocketAddress("127.0.0.9", 40009);

    private final VirtualIceNet net = new VirtualIceNet();

    @Test
    void controllingAndControlledConnectOnTheRightPair() {
        Node a = net.add(A, config(true, "aaaa", A));
        Node b = net.add(B, config(false, "bbbb", B));
        VirtualIceNet.introduce(a, b, true, true);
        net.startAll();
        net.runFor(ms(500));

        assertThat(a.agent.state()).isEqualTo(State.CONNECTED);
        assertThat(b.agent.state()).isEqualTo(State.CONNECTED);
        assertThat(a.agent.selectedRemote()).isEqualTo(B);
        assertThat(b.agent.selectedRemote()).isEqualTo(A);
        assertThat(a.changes).containsExactly("NEW->CHECKING", "CHECKING->CONNECTED");
        assertThat(b.changes).containsExactly("NEW->CHECKING", "CHECKING->CONNECTED");
        assertThat(a.agent.failureCause()).isEmpty();
        assertThat(a.agent.knowsRemote(B)).isTrue();
        assertThat(a.agent.knowsRemote(NOWHERE)).isFalse();
        // only the controlling side nominates
        List<Datagram> nominations = net.sent.stream()
                .filter(d -> d.decode().getAttribute(Attribute.USE_CANDIDATE) != null).toList();
        assertThat(nominations).isNotEmpty().allMatch(d -> d.from().equals(A));
    }

    @Test
    void checksAreRetransmittedAt100To1600MsThenThePairAndTheAgentFail() {
        IceAgent.Config base = config(true, "aaaa", A);
        Node a = net.add(A, withTimers(base, Duration.ofSeconds(60)));
        a.agent.setRemoteCredentials("zzzz", "zzzz-password");
        a.agent.addRemoteCandidate(NOWHERE, IceAgent.HOST_PRIORITY);
        long start = net.now;
        net.startAll();
        net.runFor(ms(7899));
        assertThat(a.agent.state()).isEqualTo(State.CHECKING);

        List<Datagram> checks = net.sentBy(A);
        assertThat(checks).extracting(d -> (d.atNanos() - start) / 1_000_000)
                .containsExactly(0L, 100L, 300L, 700L, 1500L, 3100L, 4700L, 6300L);
        assertThat(checks.stream().map(d -> java.util.Arrays.toString(d.decode().getTransactionID())).distinct())
                .hasSize(1);

        net.runFor(ms(1));
        assertThat(a.agent.state()).isEqualTo(State.FAILED);
        assertThat(a.agent.failureCause()).contains(FailureCause.CHECKS_FAILED);
        net.runFor(ms(60_000));
        assertThat(net.sentBy(A)).hasSize(8);
    }

    @Test
    void theAgentFailsOnlyWhenEveryPairFailed() {
        Node a = net.add(A, withTimers(config(true, "aaaa", A), Duration.ofSeconds(60)));
        a.agent.setRemoteCredentials("zzzz", "zzzz-password");
        a.agent.addRemoteCandidate(NOWHERE, IceAgent.HOST_PRIORITY);
        a.agent.addRemoteCandidate(new InetSocketAddress("127.0.0.8", 40008), IceAgent.HOST_PRIORITY - 1);
        net.startAll();
        net.runFor(ms(7910));
        assertThat(a.agent.state()).isEqualTo(State.CHECKING); // the second pair started 20 ms later
        net.runFor(ms(20));
        assertThat(a.agent.failureCause()).contains(FailureCause.CHECKS_FAILED);
        assertThat(net.sentBy(A)).hasSize(16);
    }

    @Test
    void withoutConnectingWithinTheConnectTimeoutTheAgentFails() {
        Node a = net.add(A, withTimers(config(true, "aaaa", A), Duration.ofSeconds(2)));
        a.agent.setRemoteCredentials("zzzz", "zzzz-password");
        a.agent.addRemoteCandidate(NOWHERE, IceAgent.HOST_PRIORITY);
        net.startAll();
        net.runFor(ms(1999));
        assertThat(a.agent.state()).isEqualTo(State.CHECKING);
        net.runFor(ms(1));
        assertThat(a.agent.state()).isEqualTo(State.FAILED);
        assertThat(a.agent.failureCause()).contains(FailureCause.CONNECT_TIMEOUT);
        int sent = net.sentBy(A).size();
        net.runFor(ms(30_000));
        assertThat(net.sentBy(A)).hasSize(sent);
        assertThat(a.agent.tick(net.now)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void withoutRemoteCredentialsNothingIsSentAndTheConnectTimeoutEndsIt() {
        Node a = net.add(A, withTimers(config(true, "aaaa", A), Duration.ofSeconds(2)));
        a.agent.addRemoteCandidate(NOWHERE, IceAgent.HOST_PRIORITY);
        net.startAll();
        net.runFor(ms(3000));
        assertThat(net.sent).isEmpty();
        assertThat(a.agent.failureCause()).contains(FailureCause.CONNECT_TIMEOUT);
    }

    @Test
    void aNewAgentTicksNothing() {
        Node a = net.add(A, config(true, "aaaa", A));
        a.agent.setRemoteCredentials("zzzz", "zzzz-password");
        a.agent.addRemoteCandidate(NOWHERE, IceAgent.HOST_PRIORITY);
        assertThat(a.agent.tick(net.now)).isEqualTo(Long.MAX_VALUE);
        assertThat(net.sent).isEmpty();
        assertThat(a.agent.state()).isEqualTo(State.NEW);
    }

    @Test
    void checksArePacedEvery20Ms() {
        Node a = net.add(A, config(true, "aaaa", A));
        a.agent.setRemoteCredentials("zzzz", "zzzz-password");
        for (int i = 0; i < 5; i++) {
            a.agent.addRemoteCandidate(new InetSocketAddress("127.0.1." + i, 41000), IceAgent.HOST_PRIORITY - i);
        }
        long start = net.now;
        net.startAll();
        net.runFor(ms(99));
        assertThat(net.sentBy(A)).extracting(d -> (d.atNanos() - start) / 1_000_000, d -> d.to().getHostString())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0L, "127.0.1.0"),
                        org.assertj.core.groups.Tuple.tuple(20L, "127.0.1.1"),
                        org.assertj.core.groups.Tuple.tuple(40L, "127.0.1.2"),
                        org.assertj.core.groups.Tuple.tuple(60L, "127.0.1.3"),
                        org.assertj.core.groups.Tuple.tuple(80L, "127.0.1.4"));
    }

    @ParameterizedTest(name = "A controlling={0}, B controlling={1}")
    @CsvSource({"true,true", "false,false"})
    void aRoleConflictIsSettledAndBothConnect(boolean aControlling, boolean bControlling) {
        Node a = net.add(A, config(aControlling, "aaaa", A));
        Node b = net.add(B, config(bControlling, "bbbb", B));
        VirtualIceNet.introduce(a, b, true, true);
        net.startAll();
        net.runFor(ms(1000));

        assertThat(a.agent.state()).isEqualTo(State.CONNECTED);
        assertThat(b.agent.state()).isEqualTo(State.CONNECTED);
        assertThat(a.agent.isControlling()).isNotEqualTo(b.agent.isControlling());
        assertThat(a.agent.selectedRemote()).isEqualTo(B);
        assertThat(b.agent.selectedRemote()).isEqualTo(A);
        assertThat(net.sent.stream().map(Datagram::decode).filter(m -> StunTestMessages.errorCode(m) == 487))
                .isNotEmpty();
    }

    @ParameterizedTest(name = "controlling={0}, theirs={1}: 487={2}")
    @CsvSource({
            "true, 0, true", // both controlling, ours larger: 487
            "true, -1, false", // both controlling, theirs larger (unsigned max): we switch to controlled
            "false, -1, true", // both controlled, ours smaller: 487
            "false, 0, false"}) // both controlled, ours larger: we switch to controlling
    void aConflictingRequestIsAnswered487OrSwitchesTheRole(boolean controlling, long theirs, boolean expect487) {
        Node a = net.add(A, config(controlling, "aaaa", A));
        byte[] request = StunTestMessages.request("aaaa:pppp", a.config.localPassword(), controlling, theirs, false);
        net.inject(a, request, B);

        Message answer = net.sentBy(A).get(0).decode();
        if (expect487) {
            assertThat(StunTestMessages.errorCode(answer)).isEqualTo(487);
            assertThat(a.agent.isControlling()).isEqualTo(controlling);
            assertThat(a.agent.knowsRemote(B)).isFalse();
        } else {
            assertThat(answer.getMessageType()).isEqualTo(Message.BINDING_SUCCESS_RESPONSE);
            assertThat(a.agent.isControlling()).isEqualTo(!controlling);
            assertThat(a.agent.knowsRemote(B)).isTrue();
        }
    }

    @Test
    void a487AnswerSwitchesTheRoleAndChecksThePairAgain() {
        Node a = net.add(A, config(true, "aaaa", A));
        a.agent.setRemoteCredentials("pppp", "pppp-password");
        a.agent.addRemoteCandidate(B, IceAgent.HOST_PRIORITY);
        net.startAll();
        net.runFor(ms(1));
        Datagram check = net.sentBy(A).get(0);
        assertThat(check.decode().getAttribute(Attribute.ICE_CONTROLLING)).isNotNull();

        byte[] conflict = StunTestMessages.error(check.bytes(), (char) 487, "pppp-password");
        net.inject(a, conflict, B);
        net.runFor(ms(30));

        assertThat(a.agent.isControlling()).isFalse();
        Datagram again = net.sentBy(A).get(1);
        assertThat(again.decode().getAttribute(Attribute.ICE_CONTROLLED)).isNotNull();
        assertThat(again.decode().getTransactionID()).isNotEqualTo(check.decode().getTransactionID());
        assertThat(a.agent.state()).isEqualTo(State.CHECKING);
    }

    @Test
    void theControlledSideSelectsOnlyOnUseCandidateAfterItsCheckSucceeded() {
        Node b = net.add(B, config(false, "bbbb", B));
        b.agent.setRemoteCredentials("pppp", "pppp-password");
        b.agent.addRemoteCandidate(A, IceAgent.HOST_PRIORITY);
        net.startAll();
        net.runFor(ms(1));
        Datagram check = net.sentBy(B).get(0);
        assertThat(check.decode().getAttribute(Attribute.USE_CANDIDATE)).isNull();
        byte[] ok = StunTestMessages.success(check.bytes(), B, "pppp-password");
        net.inject(b, ok, A);
        net.runFor(ms(1000));
        assertThat(b.agent.state()).isEqualTo(State.CHECKING);

        byte[] plain = StunTestMessages.request("bbbb:pppp", "bbbb-password-0123456789", true, 7, false);
        net.inject(b, plain, A);
        assertThat(b.agent.state()).isEqualTo(State.CHECKING);

        byte[] nominate = StunTestMessages.request("bbbb:pppp", "bbbb-password-0123456789", true, 7, true);
        net.inject(b, nominate, A);
        assertThat(b.agent.state()).isEqualTo(State.CONNECTED);
        assertThat(b.agent.selectedRemote()).isEqualTo(A);
    }

    @Test
    void theControlledSideSelectsWhenItsCheckSucceedsAfterUseCandidate() {
        Node b = net.add(B, config(false, "bbbb", B));
        b.agent.setRemoteCredentials("pppp", "pppp-password");
        net.startAll();
        byte[] nominate = StunTestMessages.request("bbbb:pppp", "bbbb-password-0123456789", true, 7, true);
        net.inject(b, nominate, A); // learnt as peer-reflexive
        assertThat(b.agent.state()).isEqualTo(State.CHECKING);
        Datagram triggered = net.sentBy(B).stream().filter(d -> d.decode().getMessageType() == Message.BINDING_REQUEST)
                .findFirst().orElseThrow();
        assertThat(triggered.to()).isEqualTo(A);

        byte[] ok = StunTestMessages.success(triggered.bytes(), B, "pppp-password");
        net.inject(b, ok, A);
        assertThat(b.agent.state()).isEqualTo(State.CONNECTED);
        assertThat(b.agent.selectedRemote()).isEqualTo(A);
    }

    @ParameterizedTest(name = "candidates to A={0}, to B={1}")
    @CsvSource({"true,false", "false,true"})
    void aPeerWithoutSignalledCandidatesIsLearntAsPeerReflexive(boolean toA, boolean toB) {
        Node a = net.add(A, config(true, "aaaa", A));
        Node b = net.add(B, config(false, "bbbb", B));
        VirtualIceNet.introduce(a, b, toA, toB);
        net.startAll();
        net.runFor(ms(1000));

        assertThat(a.agent.state()).isEqualTo(State.CONNECTED);
        assertThat(b.agent.state()).isEqualTo(State.CONNECTED);
        assertThat(a.agent.selectedRemote()).isEqualTo(B);
        assertThat(b.agent.selectedRemote()).isEqualTo(A);
        assertThat(a.agent.knowsRemote(B)).isTrue();
        assertThat(b.agent.knowsRemote(A)).isTrue();
    }

    @Test
    void consentLostDisconnectsThenComesBackThenExpires() {
        Node a = net.add(A, config(true, "aaaa", A));
        Node b = net.add(B, config(false, "bbbb", B));
        VirtualIceNet.introduce(a, b, true, true);
        net.startAll();
        net.runFor(ms(20_000));
        assertThat(a.agent.state()).isEqualTo(State.CONNECTED);
        long connectedAt = net.now;
        List<Datagram> consentChecks = net.sentBy(A).stream()
                .filter(d -> d.atNanos() > VirtualIceNet.START + 1_000_000_000L)
                .filter(d -> d.decode().getMessageType() == Message.BINDING_REQUEST).toList();
        assertThat(consentChecks).hasSizeBetween(3, 5); // every 5 s ± 20 %
        assertThat(consentChecks.stream().map(d -> java.util.Arrays.toString(d.decode().getTransactionID()))
                .collect(Collectors.toSet())).hasSameSizeAs(consentChecks);

        net.drop = d -> d.from().equals(B); // B's answers (and checks) are lost
        long lastAnswer = net.sentBy(B).stream()
                .filter(d -> d.decode().getMessageType() == Message.BINDING_SUCCESS_RESPONSE)
                .mapToLong(Datagram::atNanos).max().orElseThrow();
        net.runFor(Duration.ofNanos(lastAnswer + 10_000_000_000L - 1 - net.now));
        assertThat(a.agent.state()).isEqualTo(State.CONNECTED);
        net.runFor(Duration.ofNanos(1));
        assertThat(a.agent.state()).isEqualTo(State.DISCONNECTED);
        assertThat(a.agent.selectedRemote()).isEqualTo(B);

        net.drop = d -> false;
        net.runFor(ms(6_100));
        assertThat(a.agent.state()).isEqualTo(State.CONNECTED);

        net.drop = d -> d.from().equals(B);
        net.runFor(ms(24_000));
        assertThat(a.agent.state()).isEqualTo(State.DISCONNECTED);
        net.runFor(ms(12_000));
        assertThat(a.agent.state()).isEqualTo(State.FAILED);
        assertThat(a.agent.failureCause()).contains(FailureCause.CONSENT_EXPIRED);
        assertThat(a.changes).containsExactly("NEW->CHECKING", "CHECKING->CONNECTED", "CONNECTED->DISCONNECTED",
                "DISCONNECTED->CONNECTED", "CONNECTED->DISCONNECTED", "DISCONNECTED->FAILED");
        assertThat(a.agent.selectedRemote()).isNull();

        int sent = net.sentBy(A).size();
        net.drop = d -> false;
        net.runFor(ms(60_000)); // B keeps checking consent; A answers nothing any more
        assertThat(net.sentBy(A)).hasSize(sent);
        assertThat(connectedAt).isPositive();
    }

    @Test
    void aClosedAgentSendsNothingAndAnswersNothing() {
        Node a = net.add(A, config(true, "aaaa", A));
        Node b = net.add(B, config(false, "bbbb", B));
        VirtualIceNet.introduce(a, b, true, true);
        net.startAll();
        net.runFor(ms(1_000));
        a.agent.close();
        assertThat(a.agent.state()).isEqualTo(State.CLOSED);
        assertThat(a.agent.selectedRemote()).isNull();
        int sent = net.sentBy(A).size();
        net.runFor(ms(60_000));
        assertThat(net.sentBy(A)).hasSize(sent);
        assertThat(b.agent.failureCause()).contains(FailureCause.CONSENT_EXPIRED);
        assertThat(a.changes).endsWith("CONNECTED->CLOSED");
    }

    @Test
    void badRequestsAreAnswered401Or400AndTeachNothing() {
        Node a = net.add(A, config(false, "aaaa", A));
        String password = a.config.localPassword();
        byte[] wrongPassword = StunTestMessages.request("aaaa:pppp", "not-the-password", true, 1, true);
        byte[] wrongUfrag = StunTestMessages.request("aaab:pppp", password, true, 1, true);
        byte[] prefixUfrag = StunTestMessages.request("aaa:pppp", password, true, 1, true);
        byte[] noIntegrity = StunTestMessages.request("aaaa:pppp", null, true, 1, true);
        byte[] noUsername = StunTestMessages.request(null, password, true, 1, true);
        for (byte[] bad : List.of(wrongPassword, wrongUfrag, prefixUfrag, noIntegrity, noUsername)) {
            net.inject(a, bad, B);
        }
        assertThat(net.sentBy(A)).extracting(d -> StunTestMessages.errorCode(d.decode()))
                .containsExactly(401, 401, 401, 400, 400);
        assertThat(net.sentBy(A)).allMatch(d -> d.decode().getAttribute(Attribute.MESSAGE_INTEGRITY) == null);
        assertThat(a.agent.knowsRemote(B)).isFalse();
        assertThat(a.agent.pairCount()).isZero();
    }

    @Test
    void aValidRequestIsAnsweredBeforeStartWithTheMappedAddressAndIntegrity() {
        Node a = net.add(A, config(false, "aaaa", A));
        String password = a.config.localPassword();
        byte[] request = StunTestMessages.request("aaaa:pppp", password, true, 1, false);
        net.inject(a, request, B);

        Datagram answer = net.sentBy(A).get(0);
        Message response = answer.decode(); // decoding also checks the FINGERPRINT
        assertThat(response.getMessageType()).isEqualTo(Message.BINDING_SUCCESS_RESPONSE);
        assertThat(response.getTransactionID()).isEqualTo(StunCodec.decode(request).getTransactionID());
        assertThat(new StunCodec().integrityMatches(response, answer.bytes(), password)).isTrue();
        assertThat(new StunCodec().integrityMatches(response, answer.bytes(), "other")).isFalse();
        assertThat(((org.ice4j.attribute.XorMappedAddressAttribute) response.getAttribute(Attribute.XOR_MAPPED_ADDRESS))
                .getAddress(response.getTransactionID())).isEqualTo(B);
        assertThat(a.agent.state()).isEqualTo(State.NEW);
        assertThat(a.agent.knowsRemote(B)).isTrue(); // learnt, checked once started

        a.agent.setRemoteCredentials("pppp", "pppp-password");
        a.agent.start(net.now);
        Datagram check = net.sentBy(A).get(1);
        assertThat(check.to()).isEqualTo(B);
        assertThat(check.decode().getAttribute(Attribute.ICE_CONTROLLED)).isInstanceOf(IceControlAttribute.class);
    }

    @Test
    void aResponseWithBadIntegrityIsIgnoredAndTheCheckGoesOn() {
        Node a = net.add(A, config(true, "aaaa", A));
        a.agent.setRemoteCredentials("pppp", "pppp-password");
        a.agent.addRemoteCandidate(B, IceAgent.HOST_PRIORITY);
        net.startAll();
        net.runFor(ms(1));
        Datagram check = net.sentBy(A).get(0);
        byte[] forged = StunTestMessages.success(check.bytes(), A, "wrong-password");
        net.inject(a, forged, B);
        net.runFor(ms(150));
        assertThat(a.agent.state()).isEqualTo(State.CHECKING);
        assertThat(net.sentBy(A)).hasSize(2); // the retransmission at 100 ms

        byte[] fromElsewhere = StunTestMessages.success(check.bytes(), A, "pppp-password");
        net.inject(a, fromElsewhere, NOWHERE);
        assertThat(a.agent.knowsRemote(B)).isFalse(); // not symmetric: the pair failed
    }

    @Test
    void remoteCandidatesAreCapped() {
        Node a = net.add(A, config(true, "aaaa", A));
        for (int i = 0; i < 100; i++) {
            a.agent.addRemoteCandidate(new InetSocketAddress("127.0.2." + i, 42000), IceAgent.HOST_PRIORITY);
        }
        a.agent.addRemoteCandidate(new InetSocketAddress("::1", 42000), IceAgent.HOST_PRIORITY); // no IPv6 base
        assertThat(a.agent.pairCount()).isEqualTo(IceAgent.MAX_REMOTE_CANDIDATES);
        byte[] request = StunTestMessages.request("aaaa:pppp", a.config.localPassword(), false, 1, false);
        net.inject(a, request, B);
        assertThat(net.sentBy(A)).hasSize(1); // still answered
        assertThat(a.agent.knowsRemote(B)).isFalse(); // but not learnt
        assertThat(a.agent.pairCount()).isEqualTo(IceAgent.MAX_REMOTE_CANDIDATES);
    }

    @Test
    void garbageNeverThrows() {
        Node a = net.add(A, config(true, "aaaa", A));
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        byte[] valid = StunTestMessages.request("aaaa:pppp", a.config.localPassword(), false, 1, true);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(bytes.length + 1);
            a.agent.receiveStun(bytes, 0, length, B, net.now);
        }
        assertThat(a.agent.state()).isEqualTo(State.NEW);
    }

    @Test
    void aConfigNeedsPositiveTimers() {
        IceAgent.Config c = config(true, "aaaa", A);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withTimers(c, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IceAgent.Config(true, "u", "p", List.of(A),
                        Duration.ofSeconds(1), Duration.ofSeconds(-1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consentInterval");
    }

    static IceAgent.Config withTimers(IceAgent.Config c, Duration connectTimeout) {
        return new IceAgent.Config(c.controlling(), c.localUfrag(), c.localPassword(), c.localAddresses(),
                connectTimeout, c.consentInterval(), c.consentDisconnectedAfter(), c.consentTimeout());
    }
}
