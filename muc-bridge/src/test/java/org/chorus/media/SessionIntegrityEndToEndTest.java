package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chorus.jingle.JingleCandidate;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.Fingerprint;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.JingleMessages;
import org.chorus.jingle.client.ClientDescriptions;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceException;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.jingle.client.SendingSession;
import org.chorus.jingle.client.SessionState;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions belong to one member and one conference, and a participant is one member in one room
 * (PROTOCOL.md §5): a sid cannot be taken over, and calling again replaces everything of the old
 * call, never leaving a stream or a participant behind.
 */
@ExtendWith(ProsodyExtension.class)
class SessionIntegrityEndToEndTest {
    @RegisterExtension
    final CallFixture calls;

    SessionIntegrityEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @Test
    void aMemberCannotTakeOverTheSidOfAStreamSentToItAndABanStopsEveryPacket() throws Exception {
        calls.gateway();
        TestRoom room = calls.room("hijack", "alice", "mallory");
        MediaParticipant alice = room.member(0);
        MediaParticipant mallory = room.member(1);
        alice.join(room.conference);
        mallory.join(room.conference);
        await().atMost(Duration.ofSeconds(20)).until(() -> mallory.packetsFrom(alice.name) > 20);
        ReceivingSession fromAlice = mallory.openSessionsByPublisher().get(alice.name);

        // mallory calls again with the sid of the session the conference opened to it
        IQ answer = mallory.xmpp.sendIqAndWait(sessionInitiate(mallory, room, fromAlice.sid()));
        assertThat(answer.getType()).isEqualTo(IQ.Type.error);
        assertThat(answer.getError().getCondition()).isEqualTo(StanzaError.Condition.conflict);

        // like a client written to keep listening, mallory ignores being told that its sessions ended
        ignoreSessionTerminates(mallory);
        room.ownerView.banUser(mallory.xmpp.bareJid(), "out");
        Thread.sleep(2000);
        // count what reaches mallory for 2 s: decrypted RTP on the sessions its client still runs, and
        // any RTP datagram arriving at the ports of those it closed (the gateway's DTLS close ends them)
        List<ReceivingSession> all = List.copyOf(mallory.sessions.values());
        long decryptedBefore = totalReceived(mallory);
        List<DatagramSocket> closedPorts = new ArrayList<>();
        try {
            for (ReceivingSession s : all) {
                if (s.state() == SessionState.ENDED) {
                    closedPorts.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", s.localPort())));
                }
            }
            int datagrams = 0;
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                for (DatagramSocket socket : closedPorts) {
                    datagrams += rtpDatagrams(socket);
                }
                Thread.sleep(20);
            }
            long decrypted = totalReceived(mallory) - decryptedBefore;
            assertThat(decrypted + datagrams).as("RTP packets reaching the banned member 2 s after the ban (%d decrypted, "
                    + "%d at closed ports)", decrypted, datagrams).isZero();
        } finally {
            closedPorts.forEach(DatagramSocket::close);
        }
    }

    @Test
    void callingAgainEndsEveryStreamOfTheOldCallAndOffersTheNewOnesOnce() throws Exception {
        calls.gateway();
        TestRoom room = calls.room("again", "alice", "bob", "carol");
        room.everyMemberCalls();
        MediaParticipant alice = room.member(0);
        MediaParticipant bob = room.member(1);
        MediaParticipant carol = room.member(2);
        for (MediaParticipant p : room.members) {
            await().atMost(Duration.ofSeconds(20)).until(() -> p.openSessionsByPublisher().size() == 2);
        }
        String oldBobToAlice = alice.openSessionsByPublisher().get(bob.name).sid();
        String oldAliceToBob = bob.openSessionsByPublisher().get(alice.name).sid();
        SendingSession oldCall = bob.sending();

        bob.stopSending();
        bob.join(room.conference);

        await().atMost(Duration.ofSeconds(10)).until(() -> oldCall.endReason().isPresent());
        assertThat(oldCall.endReason()).contains("expired");
        for (MediaParticipant p : List.of(alice, carol)) {
            await(p.name + " has bob's new stream, and only that").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(openSessionsFrom(p, bob.name)).hasSize(1);
                assertThat(openSessionsFrom(p, bob.name).get(0).sid()).isNotEqualTo(oldBobToAlice);
            });
        }
        assertThat(alice.endedReasons.get(oldBobToAlice)).isEqualTo("expired");
        await("bob has one stream of each other member").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(openSessionsFrom(bob, alice.name)).hasSize(1);
            assertThat(openSessionsFrom(bob, carol.name)).hasSize(1);
        });
        assertThat(bob.endedReasons.get(oldAliceToBob)).isEqualTo("expired");
        String newBobToAlice = openSessionsFrom(alice, bob.name).get(0).sid();
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.bySid.get(newBobToAlice).packets.get() > 20);
    }

    @Test
    void aMemberInTwoRoomsIsTwoParticipantsAndLeavingOneCallEndsIt() throws Exception {
        calls.gateway();
        TestRoom first = calls.room("first", "xavier", "yvonne");
        MediaParticipant xavier = first.member(0);
        MediaParticipant yvonne = first.member(1);
        TestRoom second = calls.room("second");
        second.ownerView.grantMembership(xavier.xmpp.bareJid());
        xavier.xmpp.joinRoom("second", "xavier");
        xavier.join(first.conference);
        yvonne.join(first.conference);
        await().atMost(Duration.ofSeconds(20)).until(() -> yvonne.packetsFrom(xavier.name) > 20);
        SendingSession inFirst = xavier.sending();

        SendingSession inSecond = xavier.client.join(second.conference, LocalStreams.audioAndVideo().withoutRtx());
        assertThat(inSecond.awaitSecure(Duration.ofSeconds(20))).isTrue();

        // the call in the first room is untouched
        assertThat(inFirst.endReason()).isEmpty();
        long before = yvonne.packetsFrom(xavier.name);
        await().atMost(Duration.ofSeconds(5)).until(() -> yvonne.packetsFrom(xavier.name) > before + 20);
        // and it ends when both leave it, whatever xavier does elsewhere
        inFirst.terminate();
        yvonne.sending().terminate();
        await("the first room's call ends").atMost(Duration.ofSeconds(10)).until(() -> first.find("ended").isPresent());
        assertThat(inSecond.endReason()).isEmpty();
        inSecond.terminate();
        await("the second room's call ends").atMost(Duration.ofSeconds(10)).until(() -> second.find("ended").isPresent());
    }

    @Test
    void aCallFromAMemberInAnotherCallCountsAgainstTheFullRoom() throws Exception {
        calls.gateway(Map.of("chorus.calls.max-participants", 1));
        TestRoom first = calls.room("busy", "xavier");
        MediaParticipant xavier = first.member(0);
        TestRoom full = calls.room("full", "zoe");
        full.ownerView.grantMembership(xavier.xmpp.bareJid());
        xavier.xmpp.joinRoom("full", "xavier");
        xavier.join(first.conference);
        full.member(0).join(full.conference);

        assertThatThrownBy(() -> xavier.client.join(full.conference, LocalStreams.audioOnly()))
                .isInstanceOfSatisfying(ConferenceException.class,
                        e -> assertThat(e.condition()).contains(StanzaError.Condition.resource_constraint));
    }

    @Test
    void aFloodOfTrickledCandidatesIsRefusedAndTheSessionGoesOn() throws Exception {
        calls.gateway();
        TestRoom room = calls.room("trickle", "alice");
        MediaParticipant alice = room.member(0);
        SendingSession call = alice.join(room.conference);
        List<IQ> answers = new ArrayList<>();
        for (int batch = 0; batch < 5; batch++) {
            List<JingleCandidate> some = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int n = batch * 30 + i;
                some.add(JingleCandidate.udpHost("f" + n, 1, 2130706431L - n, "127.0.0.1", 40000 + n, 0, "c" + n));
            }
            answers.add(alice.xmpp.sendIqAndWait(JingleMessages.transportInfo(alice.xmpp.jid(), room.conference,
                    call.sid(), "audio", new IceTransport(null, null, null, false, some, false))));
        }

        // 4 x 30 fit in the 128 a session may have; the fifth batch does not
        for (IQ answer : answers.subList(0, 4)) {
            assertThat(answer.getType()).isEqualTo(IQ.Type.result);
        }
        IQ fifth = answers.get(4);
        assertThat(fifth.getType()).isEqualTo(IQ.Type.error);
        assertThat(fifth.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
        assertThat(fifth.getError().getDescriptiveText()).contains("128 candidates per session");
        assertThat(call.endReason()).isEmpty();
    }

    // --- helpers ---

    private static List<ReceivingSession> openSessionsFrom(MediaParticipant p, String publisher) {
        return p.sessions.values().stream()
                .filter(s -> MediaParticipant.publisherOf(s).equals(publisher) && !p.endedReasons.containsKey(s.sid()))
                .toList();
    }

    /** A well-formed call to the conference from {@code member}, with a sid of the caller's choosing. */
    private JingleIQ sessionInitiate(MediaParticipant member, TestRoom room, String sid) {
        ClientMedia media = calls.media();
        IceTransport transport = new IceTransport("hijk", "0123456789abcdefghijklmn",
                new Fingerprint(media.certificate().hashFunction(), media.certificate().fingerprint(), DtlsSetup.ACTPASS),
                true, List.of(), false);
        return JingleMessages.sessionInitiate(member.xmpp.jid(), room.conference, sid,
                ClientDescriptions.joinOffer(LocalStreams.audioAndVideo().withoutRtx(), transport));
    }

    /** Reads every datagram waiting on the socket; returns how many were RTP or RTCP (not STUN or DTLS). */
    private static int rtpDatagrams(DatagramSocket socket) throws Exception {
        socket.setSoTimeout(1);
        byte[] buf = new byte[2048];
        int rtp = 0;
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return rtp;
            }
            int first = buf[0] & 0xff;
            if (p.getLength() >= 12 && first >= 128 && first <= 191) {
                rtp++;
            }
        }
    }

    private static long totalReceived(MediaParticipant p) {
        return p.bySid.values().stream().mapToLong(r -> r.packets.get()).sum();
    }

    /** Answers every session-terminate to {@code p} with a result, and keeps the session running. */
    private static void ignoreSessionTerminates(MediaParticipant p) {
        XMPPConnection c = p.xmpp.connection();
        IQRequestHandler[] client = new IQRequestHandler[1];
        client[0] = c.registerIQRequestHandler(new AbstractIqRequestHandler(JingleIQ.ELEMENT, JingleIQ.NAMESPACE,
                IQ.Type.set, IQRequestHandler.Mode.sync) {
            @Override
            public IQ handleIQRequest(IQ request) {
                if (request instanceof JingleIQ j && j.getAction() == JingleAction.SESSION_TERMINATE) {
                    return IQ.createResultIQ(request);
                }
                return client[0].handleIQRequest(request);
            }
        });
    }
}
