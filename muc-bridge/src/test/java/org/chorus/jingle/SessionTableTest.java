package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.chorus.media.MediaLeg;
import org.chorus.media.MediaPlane;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.ice.IceSettings;
import org.chorus.muc.Room;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.ScriptedSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.JID;

/** The session table keeps its indexes in step: a session is in all of them or in none. */
class SessionTableTest {
    private static final JID ALICE = new JID("alice@example.org/laptop");
    private static final JID BOB = new JID("bob@example.org/phone");
    private static MediaPlane plane;

    private final ScriptedSink sink = new ScriptedSink();
    private final MucFixture muc = new MucFixture(sink);
    private final List<MediaLeg> legs = new ArrayList<>();
    private final SessionTable table = new SessionTable();
    private Room team;
    private Room other;
    private NegotiatedSession negotiated;

    @BeforeAll
    static void openPlane() throws IOException {
        plane = MediaPlane.open(new MediaPlane.Settings(IceSettings.loopback(), 1_000_000, Duration.ofSeconds(30)));
    }

    @AfterAll
    static void closePlane() {
        plane.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        team = muc.joined(new JID("team@" + MucFixture.MUC), List.of("muc_membersonly", "muc_nonanonymous"));
        other = muc.joined(new JID("other@" + MucFixture.MUC), List.of("muc_membersonly", "muc_nonanonymous"));
        negotiated = ((NegotiationResult.Success<NegotiatedSession>) Negotiation.withDefaults()
                .answer(JingleFixtures.session(JingleFixtures.CHROMIUM_OFFER))).result();
    }

    @AfterEach
    void tearDown() {
        legs.forEach(MediaLeg::close);
        muc.close();
    }

    @Test
    void aTakenKeyCannotBeAddedAgainAndTheFirstSessionStays() throws Exception {
        PublishingSession first = sending(team, ALICE, "s1");
        assertThat(table.add(first)).isTrue();
        ForwardingSession sameSid = forwarding(team, ALICE, "s1", sending(team, BOB, "b1"));

        assertThat(table.add(sameSid)).isFalse();
        assertThat(table.get(first.key())).containsSame(first);
        assertThat(table.byLeg(sameSid.leg())).isEmpty();
        assertThat(table.ofPeer(team, ALICE)).containsExactly(first);
    }

    @Test
    void theSameSidWithAnotherConferenceIsAnotherSession() throws Exception {
        PublishingSession inTeam = sending(team, ALICE, "s1");
        PublishingSession inOther = sending(other, ALICE, "s1");

        assertThat(table.add(inTeam)).isTrue();
        assertThat(table.add(inOther)).isTrue();
        assertThat(table.sender(new ParticipantKey(team, ALICE))).containsSame(inTeam);
        assertThat(table.sender(new ParticipantKey(other, ALICE))).containsSame(inOther);
        assertThat(table.callsOf(ALICE.asBareJID())).isEqualTo(2);
        assertThat(table.senders(team)).containsExactly(inTeam);
    }

    @Test
    void aParticipantHasOneSendingSessionPerRoom() throws Exception {
        assertThat(table.add(sending(team, ALICE, "s1"))).isTrue();
        assertThat(table.add(sending(team, ALICE, "s2"))).isFalse();
    }

    @Test
    void removalRemovesOnlyTheSessionGivenFromEveryIndex() throws Exception {
        PublishingSession alice = sending(team, ALICE, "a1");
        PublishingSession bob = sending(team, BOB, "b1");
        ForwardingSession aliceToBob = forwarding(team, BOB, "call:1", alice);
        ForwardingSession bobToAlice = forwarding(team, ALICE, "call:2", bob);
        for (GatewaySession s : List.of(alice, bob, aliceToBob, bobToAlice)) {
            assertThat(table.add(s)).isTrue();
        }
        assertThat(table.carrying(alice)).containsExactly(aliceToBob);
        assertThat(table.ofPeer(team, ALICE)).containsExactlyInAnyOrder(alice, bobToAlice);
        assertThat(table.sessionsOf(ALICE)).isEqualTo(2);

        // a look-alike (same key, another object) removes nothing
        assertThat(table.remove(sending(team, ALICE, "a1"))).isFalse();
        assertThat(table.size()).isEqualTo(4);

        assertThat(table.remove(aliceToBob)).isTrue();
        assertThat(table.carrying(alice)).isEmpty();
        assertThat(table.ofPeer(team, BOB)).containsExactly(bob);
        assertThat(table.byLeg(aliceToBob.leg())).isEmpty();

        assertThat(table.remove(alice)).isTrue();
        assertThat(table.sender(new ParticipantKey(team, ALICE))).isEmpty();
        assertThat(table.ofPeer(team, ALICE)).containsExactly(bobToAlice);
        assertThat(table.remove(alice)).isFalse();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void forwardingSessionsOfARemovedSenderStayFindableUntilTheyAreRemovedToo() throws Exception {
        PublishingSession alice = sending(team, ALICE, "a1");
        ForwardingSession toBob = forwarding(team, BOB, "call:1", alice);
        table.add(alice);
        table.add(toBob);

        table.remove(alice);

        assertThat(table.carrying(alice)).containsExactly(toBob);
        table.remove(toBob);
        assertThat(table.carrying(alice)).isEmpty();
        assertThat(table.size()).isZero();
    }

    private PublishingSession sending(Room room, JID peer, String sid) throws IOException {
        MediaLeg leg = leg();
        return new PublishingSession(new SessionKey(peer, room.conferenceJid(), sid), room, leg, negotiated, peer.getNode());
    }

    private ForwardingSession forwarding(Room room, JID receiver, String sid, PublishingSession source) throws IOException {
        return new ForwardingSession(new SessionKey(receiver, room.conferenceJid(), sid), room, leg(), source, null);
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
