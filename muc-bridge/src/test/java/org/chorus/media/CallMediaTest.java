package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.NegotiatedSession;
import org.chorus.jingle.ReceiverMapping;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.ice.IceSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.JID;

/** The call's media graph, keyed by participant: what each operation adds, and what it leaves alone. */
class CallMediaTest {
    private static final JID ALICE = new JID("alice@example.org/laptop");
    private static final JID BOB = new JID("bob@example.org/phone");
    private static final JID RECORDER = new JID("recorder@example.org/r1");
    private static MediaPlane plane;

    private final List<MediaLeg> legs = new ArrayList<>();
    private final NegotiatedSession negotiated = new NegotiatedSession(List.of(),
            new IceTransport("u", "p", null, true, List.of(), false), DtlsSetup.ACTIVE, List.of());
    private final ReceiverMapping mapping = new ReceiverMapping("f1", List.of(), Map.of(),
            new IceTransport("u", "p", null, true, List.of(), false), DtlsSetup.PASSIVE);
    private final CallMedia media = new CallMedia(plane);

    @BeforeAll
    static void openPlane() throws IOException {
        plane = MediaPlane.open(new MediaPlane.Settings(IceSettings.loopback(), 1_000_000, Duration.ofSeconds(30)));
    }

    @AfterAll
    static void closePlane() {
        plane.close();
    }

    @AfterEach
    void tearDown() {
        legs.forEach(MediaLeg::close);
    }

    @Test
    void aParticipantPublishesOnce() throws IOException {
        media.addPublisher(ALICE, leg(), negotiated);

        assertThatThrownBy(() -> media.addPublisher(ALICE, leg(), negotiated)).isInstanceOf(IllegalStateException.class);
        assertThat(media.publishes(ALICE)).isTrue();
        assertThat(media.publishes(BOB)).isFalse();
    }

    @Test
    void onlyAPublishersOwnLegRemovesIt() throws IOException {
        MediaLeg old = leg();
        MediaLeg current = leg();
        media.addPublisher(ALICE, current, negotiated);

        media.removePublisher(ALICE, old);
        assertThat(media.publishes(ALICE)).isTrue();

        media.removePublisher(ALICE, current);
        assertThat(media.publishes(ALICE)).isFalse();
        assertThat(media.isEmpty()).isTrue();
    }

    @Test
    void aReceiverSubscribesOnlyToAPublisherAndOnlyOnce() throws IOException {
        assertThat(media.subscribe(BOB, ALICE, leg(), mapping)).isFalse();
        assertThat(media.isEmpty()).isTrue();

        MediaLeg fromAlice = leg();
        media.addPublisher(ALICE, fromAlice, negotiated);
        MediaLeg toBob = leg();
        assertThat(media.subscribe(BOB, ALICE, toBob, mapping)).isTrue();
        assertThat(media.subscribe(BOB, ALICE, leg(), mapping)).isFalse();

        media.unsubscribe(BOB, ALICE, leg());
        media.removePublisher(ALICE, fromAlice);
        assertThat(media.isEmpty()).as("Bob's subscription stays until it is removed with its own leg").isFalse();
        media.unsubscribe(BOB, ALICE, toBob);
        assertThat(media.isEmpty()).isTrue();
    }

    @Test
    void removingAParticipantTakesItsStreamsBothWaysAndItsRecorderRole() throws IOException {
        media.addPublisher(ALICE, leg(), negotiated);
        media.addPublisher(BOB, leg(), negotiated);
        media.subscribe(BOB, ALICE, leg(), mapping);
        media.subscribe(ALICE, BOB, leg(), mapping);
        assertThat(media.addRecorder(RECORDER)).isTrue();
        assertThat(media.addRecorder(RECORDER)).isFalse();
        media.subscribe(RECORDER, ALICE, leg(), mapping);

        media.removeParticipant(ALICE);
        media.removeParticipant(RECORDER);
        assertThat(media.isRecorder(RECORDER)).isFalse();
        assertThat(media.publishes(ALICE)).isFalse();
        assertThat(media.isEmpty()).isFalse();

        media.removeParticipant(BOB);
        assertThat(media.isEmpty()).as("nothing of Alice, Bob or the recorder is left").isTrue();
    }

    private MediaLeg leg() throws IOException {
        MediaLeg leg = new MediaLeg(plane, plane.openPort(), "test", MediaLeg.Start.offering(DtlsRole.SERVER), Runnable::run, new MediaLeg.Listener() {
            @Override
            public void secure(MediaLeg l) {}

            @Override
            public void failed(MediaLeg l, MediaLeg.Failure failure, String detail) {}
        });
        legs.add(leg);
        return leg;
    }
}
