package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.Fingerprint;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.media.MediaLeg.Failure;
import org.chorus.media.MediaLeg.Start;
import org.chorus.media.MediaLeg.State;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.rtp.Rtp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two legs on loopback ports of a client's {@link LegResources}, one offering and one answering. */
class MediaLegTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ClientMedia media;
    private final List<MediaLeg> legs = new ArrayList<>();

    @BeforeAll
    static void openMedia() throws Exception {
        media = ClientMedia.loopback();
    }

    @AfterAll
    static void closeMedia() {
        media.close();
    }

    @AfterEach
    void closeLegs() {
        legs.forEach(MediaLeg::close);
    }

    @Test
    void anOffererAndAnAnswererBecomeSecureAndCarryRtp() throws Exception {
        Events offererEvents = new Events();
        Events answererEvents = new Events();
        MediaLeg offerer = leg("offerer", Start.offering(DtlsRole.SERVER), offererEvents);
        MediaLeg answerer = leg("answerer", Start.answering(DtlsRole.CLIENT), answererEvents);
        connect(offerer, answerer, DtlsSetup.ACTIVE);

        await().atMost(WAIT).until(() -> offererEvents.secure.isDone() && answererEvents.secure.isDone());
        assertThat(offerer.state()).isEqualTo(State.SECURE);
        assertThat(answerer.state()).isEqualTo(State.SECURE);
        assertThat(offerer.role()).isEqualTo(DtlsRole.SERVER);
        assertThat(answerer.role()).isEqualTo(DtlsRole.CLIENT);

        byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] packet = rtp(payload);
        assertThat(offerer.sendRtp(packet, 0, Rtp.FIXED_HEADER_LENGTH + payload.length)).isTrue();
        await().atMost(WAIT).until(() -> !answererEvents.rtp.isEmpty());
        byte[] received = answererEvents.rtp.get(0);
        assertThat(Arrays.copyOfRange(received, Rtp.FIXED_HEADER_LENGTH, received.length)).isEqualTo(payload);
        assertThat(offerer.stats().rtpSent()).isEqualTo(1);
        assertThat(answerer.stats().rtpReceived()).isEqualTo(1);
    }

    @Test
    void anAnswerThatTakesTheOtherRoleMakesTheOffererTheDtlsClient() throws Exception {
        Events offererEvents = new Events();
        Events answererEvents = new Events();
        MediaLeg offerer = leg("offerer", Start.offering(DtlsRole.SERVER), offererEvents);
        MediaLeg answerer = leg("answerer", Start.answering(DtlsRole.SERVER), answererEvents);
        offerer.useRole(DtlsRole.CLIENT);
        connect(offerer, answerer, DtlsSetup.PASSIVE);

        await().atMost(WAIT).until(() -> offererEvents.secure.isDone() && answererEvents.secure.isDone());
        assertThat(offerer.role()).isEqualTo(DtlsRole.CLIENT);
        assertThatThrownBy(() -> offerer.useRole(DtlsRole.SERVER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCertificateThatDoesNotMatchTheFingerprintIsASecurityError() throws Exception {
        Events offererEvents = new Events();
        Events answererEvents = new Events();
        MediaLeg offerer = leg("offerer", Start.offering(DtlsRole.SERVER), offererEvents);
        MediaLeg answerer = leg("answerer", Start.answering(DtlsRole.CLIENT), answererEvents);
        IceTransport offer = offerer.localTransport().forOffer();
        Fingerprint real = offer.fingerprint();
        char flipped = real.value().charAt(0) == 'A' ? 'B' : 'A';
        IceTransport forged = new IceTransport(offer.ufrag(), offer.pwd(),
                new Fingerprint(real.hash(), flipped + real.value().substring(1), real.setup()), true,
                offer.candidates(), offer.gatheringComplete());
        answerer.remote(forged);
        offerer.remote(answerer.localTransport().forAnswer(DtlsSetup.ACTIVE));
        offerer.start();
        answerer.start();

        Failure failure = answererEvents.failed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(failure).isEqualTo(Failure.SECURITY);
        assertThat(failure.jingleReason).isEqualTo("security-error");
        assertThat(answerer.state()).isEqualTo(State.FAILED);
        assertThat(answererEvents.secure).isNotDone();
    }

    @Test
    void aPeerThatClosesDtlsIsReportedAsClosedAndTheClosedLegGivesItsPortBack() throws Exception {
        Events offererEvents = new Events();
        Events answererEvents = new Events();
        MediaLeg offerer = leg("offerer", Start.offering(DtlsRole.SERVER), offererEvents);
        MediaLeg answerer = leg("answerer", Start.answering(DtlsRole.CLIENT), answererEvents);
        connect(offerer, answerer, DtlsSetup.ACTIVE);
        await().atMost(WAIT).until(() -> offererEvents.secure.isDone() && answererEvents.secure.isDone());
        int portsBefore = media.openPortCount();

        offerer.close();

        assertThat(offerer.state()).isEqualTo(State.CLOSED);
        assertThat(offerer.port().isClosed()).isTrue();
        assertThat(media.openPortCount()).isEqualTo(portsBefore - 1);
        Failure failure = answererEvents.failed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(failure).isEqualTo(Failure.CLOSED);
        assertThat(failure.jingleReason).isEqualTo("gone");
        assertThat(offererEvents.failed).isNotDone();
    }

    @Test
    void theStatesMoveOnlyForward() {
        assertThat(State.NEW.canMoveTo(State.CONNECTING)).isTrue();
        assertThat(State.NEW.canMoveTo(State.SECURE)).isFalse();
        assertThat(State.CONNECTING.canMoveTo(State.SECURE)).isTrue();
        assertThat(State.SECURE.canMoveTo(State.CONNECTING)).isFalse();
        assertThat(State.SECURE.canMoveTo(State.FAILED)).isTrue();
        assertThat(State.FAILED.canMoveTo(State.SECURE)).isFalse();
        assertThat(State.FAILED.canMoveTo(State.CLOSED)).isTrue();
        for (State next : State.values()) {
            assertThat(State.CLOSED.canMoveTo(next)).isFalse();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private MediaLeg leg(String name, Start start, Events events) throws Exception {
        MediaLeg leg = new MediaLeg(media, media.openPort(), name, start, Runnable::run, events);
        leg.setSink(events);
        legs.add(leg);
        return leg;
    }

    private static void connect(MediaLeg offerer, MediaLeg answerer, DtlsSetup answerSetup) {
        answerer.remote(offerer.localTransport().forOffer());
        offerer.remote(answerer.localTransport().forAnswer(answerSetup));
        offerer.start();
        answerer.start();
    }

    private static byte[] rtp(byte[] payload) {
        byte[] packet = new byte[Rtp.FIXED_HEADER_LENGTH + payload.length + 64]; // room for the SRTP tag
        packet[0] = (byte) 0x80;
        packet[1] = 111;
        Rtp.setSequenceNumber(packet, 0, 1);
        Rtp.setTimestamp(packet, 0, 960);
        Rtp.setSsrc(packet, 0, 0x1234);
        System.arraycopy(payload, 0, packet, Rtp.FIXED_HEADER_LENGTH, payload.length);
        return packet;
    }

    private static final class Events implements MediaLeg.Listener, MediaLeg.PacketSink {
        final CompletableFuture<Void> secure = new CompletableFuture<>();
        final CompletableFuture<Failure> failed = new CompletableFuture<>();
        final List<byte[]> rtp = new CopyOnWriteArrayList<>();

        @Override
        public void secure(MediaLeg leg) {
            secure.complete(null);
        }

        @Override
        public void failed(MediaLeg leg, Failure failure, String detail) {
            failed.complete(failure);
        }

        @Override
        public void rtp(byte[] buffer, int offset, int length) {
            rtp.add(Arrays.copyOfRange(buffer, offset, offset + length));
        }

        @Override
        public void rtcp(byte[] buffer, int offset, int length) {
        }
    }
}
