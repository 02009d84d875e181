package org.chorus.jingle.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.chorus.jingle.JingleMessages;
import org.chorus.jingle.SessionDescription;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jingle.ContentPacketExtension;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.jitsi.xmpp.extensions.jingle.SessionInfoType;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two {@link ConferenceClient}s on a real Prosody, with a {@link FakeConference} played by a third
 * account: alice joins and publishes, bob is called back with alice's media. Both clients share one
 * {@link ClientMedia}, as several clients of one test process would.
 */
@ExtendWith(ProsodyExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConferenceClientTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static ClientMedia media;

    private final ProsodyServer prosody;
    private XmppTestClient aliceXmpp;
    private XmppTestClient bobXmpp;
    private XmppTestClient conferenceXmpp;
    private FakeConference conference;
    private final Events alice = new Events();
    private final Events bob = new Events();
    private ConferenceClient aliceClient;
    private ConferenceClient bobClient;

    ConferenceClientTest(ProsodyServer prosody) {
        this.prosody = prosody;
    }

    @BeforeAll
    static void openMedia() throws Exception {
        media = ClientMedia.loopback();
    }

    @AfterAll
    static void closeMedia() {
        if (media != null) {
            media.close();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        aliceXmpp = XmppTestClient.connectNewUser(prosody, "alice");
        bobXmpp = XmppTestClient.connectNewUser(prosody, "bob");
        conferenceXmpp = XmppTestClient.connectNewUser(prosody, "conference");
        aliceClient = new ConferenceClient(aliceXmpp.connection(), media, alice);
        bobClient = new ConferenceClient(bobXmpp.connection(), media, bob);
        conference = new FakeConference(conferenceXmpp);
    }

    @AfterEach
    void disconnect() {
        for (AutoCloseable c : new AutoCloseable[] {aliceClient, bobClient, conference, aliceXmpp, bobXmpp, conferenceXmpp}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void joinIsAcceptedForwardingSessionCarriesMediaFeedbackAndReasons() throws Exception {
        LocalStreams streams = LocalStreams.audioAndVideo();
        long videoSsrc = streams.videoSsrc();

        // alice calls the conference, which accepts with setup='active': alice is the DTLS server
        SendingSession sending = aliceClient.join(conference.jid(), streams);
        assertThat(sending.answer()).isPresent();
        FakeConference.Leg aliceLeg = conference.calls.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(aliceLeg).isNotNull();
        assertThat(sending.awaitSecure(WAIT)).as("alice's sending session is secure").isTrue();
        assertThat(sending.state()).isEqualTo(SessionState.SECURE);
        assertThat(sending.dtlsRole()).contains(DtlsRole.SERVER);
        aliceLeg.secured.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(alice.secure.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isSameAs(sending);

        // the conference calls bob with alice's media, naming alice in COIN
        FakeConference.Leg bobLeg = conference.forward(aliceLeg, bobXmpp.jid(), aliceXmpp.jid().toString(), "alice");
        ReceivingSession receiving = bob.receiving.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(receiving).isNotNull();
        assertThat(receiving.sid()).isEqualTo(bobLeg.sid);
        assertThat((Object) receiving.conference()).isEqualTo(conference.jid());
        assertThat(receiving.publisher()).contains(aliceXmpp.bareJid());
        assertThat(receiving.publisherEntity()).contains("xmpp:" + aliceXmpp.bareJid());
        assertThat(receiving.nick()).contains("alice");
        assertThat(receiving.ssrcs()).contains(streams.audioSsrc(), videoSsrc, streams.videoRtxSsrc());
        assertThat(receiving.videoSsrc()).hasValue(videoSsrc);
        assertThat(receiving.awaitSecure(WAIT)).as("bob's forwarding session is secure").isTrue();
        assertThat(receiving.dtlsRole()).contains(DtlsRole.CLIENT);
        bobLeg.secured.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        SessionDescription answer = receiving.answer().orElseThrow();
        assertThat(answer.transport().fingerprint().setup()).hasToString("ACTIVE");
        assertThat(bobClient.receivingSessions()).containsExactly(receiving);

        // RTP from alice arrives decrypted at bob's receiving session
        byte[] payload = "a VP8 frame, more or less".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Received got = null;
        for (int seq = 1; seq <= 50 && got == null; seq++) {
            byte[] packet = rtp(96, seq, seq * 3000L, videoSsrc, payload);
            byte[] copy = packet.clone();
            assertThat(sending.sendRtp(packet, 0, packet.length)).isTrue();
            assertThat(packet).as("sendRtp leaves the caller's array alone").isEqualTo(copy);
            got = bob.rtp.poll(200, TimeUnit.MILLISECONDS);
        }
        assertThat(got).as("RTP reached bob").isNotNull();
        assertThat(got.session()).isSameAs(receiving);
        assertThat(Rtp.ssrc(got.packet(), 0) & 0xFFFF_FFFFL).isEqualTo(videoSsrc);
        assertThat(Rtp.payloadType(got.packet(), 0)).isEqualTo(96);
        byte[] gotPayload = Arrays.copyOfRange(got.packet(), Rtp.payloadOffset(got.packet(), 0, got.packet().length),
                got.packet().length);
        assertThat(gotPayload).isEqualTo(payload);

        // bob's PLI reaches the conference, which asks alice for a keyframe
        assertThat(receiving.requestKeyframe()).isTrue();
        FakeConference.ReceivedRtcp pli = conference.rtcpFromReceivers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(pli).isNotNull();
        assertThat(pli.sid()).isEqualTo(bobLeg.sid);
        assertThat(Rtcp.isPli(pli.packet(), 0, pli.packet().length)).isTrue();
        assertThat(Rtcp.mediaSsrc(pli.packet(), 0) & 0xFFFF_FFFFL).isEqualTo(videoSsrc);
        assertThat(Rtcp.senderSsrc(pli.packet(), 0)).isEqualTo(bobClient.rtcpSsrc());
        assertThat(alice.keyframeRequests.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(videoSsrc);

        // session-info is acknowledged
        IQ info = conferenceXmpp.sendIqAndWait(JingleMessages.sessionInfo(conference.jid(), bobXmpp.jid(), bobLeg.sid,
                SessionInfoType.active));
        assertThat(info.getType()).isEqualTo(IQ.Type.result);

        // the conference ends bob's session because alice is gone: bob hears <gone/>
        IQ ack = conference.terminate(bobLeg, Reason.GONE, null);
        assertThat(ack.getType()).isEqualTo(IQ.Type.result);
        assertThat(bob.receivingEnded.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("gone");
        assertThat(receiving.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("gone");
        assertThat(receiving.endedByPeer()).isTrue();
        assertThat(receiving.state()).isEqualTo(SessionState.ENDED);
        assertThat(bobClient.receivingSessions()).isEmpty();

        // alice leaves: the conference gets session-terminate with <success/>
        sending.terminate();
        FakeConference.Terminate terminate = conference.terminates.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(terminate).isNotNull();
        assertThat(terminate.sid()).isEqualTo(sending.sid());
        assertThat((Object) terminate.from()).isEqualTo(aliceXmpp.jid());
        assertThat(terminate.reason()).isEqualTo("success");
        assertThat(alice.sendingEnded.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("success");
        assertThat(sending.endedByPeer()).isFalse();
        assertThat(sending.sendRtp(payload, 0, payload.length)).isFalse();
        await().atMost(WAIT).until(() -> media.openPortCount() == 0);
    }

    @Test
    void theConferenceEndingTheSendingSessionReachesTheListener() throws Exception {
        SendingSession sending = aliceClient.join(conference.jid(), LocalStreams.audioOnly());
        FakeConference.Leg leg = conference.calls.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(sending.awaitSecure(WAIT)).isTrue();
        assertThat(sending.offer().contentNames()).containsExactly("audio");

        conference.terminate(leg, Reason.DECLINE, "kicked");

        assertThat(alice.sendingEnded.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("decline");
        assertThat(sending.endText()).contains("kicked");
        assertThat(sending.endedByPeer()).isTrue();
        assertThat(conference.terminates).isEmpty();
    }

    @Test
    void aPassiveAnswerWithTrickledCandidatesMakesUsTheDtlsClient() throws Exception {
        conference.answerSetup = org.chorus.jingle.DtlsSetup.PASSIVE;
        conference.trickle = true;

        SendingSession sending = aliceClient.join(conference.jid(), LocalStreams.audioAndVideo());
        assertThat(sending.answer().orElseThrow().transport().candidates()).isEmpty();
        assertThat(sending.awaitSecure(WAIT)).isTrue();
        assertThat(sending.dtlsRole()).contains(DtlsRole.CLIENT);
        await().atMost(WAIT).until(sending.leg::isRemoteGatheringComplete);

        // in place: the array needs room for the SRTP tag
        byte[] tight = rtp(111, 1, 960, sending.streams().audioSsrc(), new byte[20]);
        assertThatThrownBy(() -> sending.sendRtpInPlace(tight, 0, tight.length)).isInstanceOf(IllegalArgumentException.class);
        byte[] roomy = Arrays.copyOf(tight, tight.length + 64);
        assertThat(sending.sendRtpInPlace(roomy, 0, tight.length)).isTrue();

        // the session's IQs must come from the conference: another JID gets unknown-session
        IQ spoofed = bobXmpp.sendIqAndWait(
                JingleMessages.sessionTerminate(bobXmpp.jid(), aliceXmpp.jid(), sending.sid(), Reason.GONE, null));
        assertThat(spoofed.getType()).isEqualTo(IQ.Type.error);
        assertThat(spoofed.getError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
        assertThat(sending.state()).isEqualTo(SessionState.SECURE);
    }

    @Test
    void anIqErrorToTheCallIsThrownWithItsCondition() {
        conference.refuseWith = StanzaError.Condition.resource_constraint;

        assertThatThrownBy(() -> aliceClient.join(conference.jid(), LocalStreams.audioAndVideo()))
                .isInstanceOfSatisfying(ConferenceException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConferenceException.Kind.IQ_ERROR);
                    assertThat(e.condition()).contains(StanzaError.Condition.resource_constraint);
                });
        assertThat(aliceClient.sendingSessions()).isEmpty();
    }

    @Test
    void aTerminateInsteadOfAnAcceptIsThrownWithItsReason() {
        conference.terminateCallsWith = Reason.FAILED_APPLICATION;

        assertThatThrownBy(() -> aliceClient.join(conference.jid(), LocalStreams.videoOnly()))
                .isInstanceOfSatisfying(ConferenceException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConferenceException.Kind.TERMINATED);
                    assertThat(e.reason()).contains("failed-application");
                });
    }

    @Test
    void unknownSessionsAndGarbageGetTheRightErrors() throws Exception {
        IQ unknown = conferenceXmpp.sendIqAndWait(
                JingleMessages.sessionTerminate(conference.jid(), bobXmpp.jid(), "no-such-sid", Reason.GONE, null));
        assertThat(unknown.getType()).isEqualTo(IQ.Type.error);
        assertThat(unknown.getError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
        assertThat((Object) unknown.getError().getExtension("unknown-session", ConferenceClient.JINGLE_ERRORS_NAMESPACE)).isNotNull();

        // a content without a description cannot be answered
        JingleIQ garbage = new JingleIQ(JingleAction.SESSION_INITIATE, "garbage-sid");
        garbage.setType(IQ.Type.set);
        garbage.setTo(bobXmpp.jid());
        garbage.setInitiator(conference.jid());
        ContentPacketExtension content = new ContentPacketExtension();
        content.setCreator(ContentPacketExtension.CreatorEnum.initiator);
        content.setName("video");
        garbage.addContent(content);
        IQ bad = conferenceXmpp.sendIqAndWait(garbage);
        assertThat(bad.getType()).isEqualTo(IQ.Type.error);
        assertThat(bad.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
        assertThat(bobClient.receivingSessions()).isEmpty();
    }

    @Test
    void aDeclinedForwardingSessionIsTerminatedAndClosingEndsEverything() throws Exception {
        SendingSession sending = aliceClient.join(conference.jid(), LocalStreams.audioAndVideo());
        FakeConference.Leg aliceLeg = conference.calls.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(sending.awaitSecure(WAIT)).isTrue();

        bob.declineNext = true;
        FakeConference.Leg declined = conference.forward(aliceLeg, bobXmpp.jid(), aliceXmpp.jid().toString(), "alice");
        FakeConference.Terminate decline = conference.terminates.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(decline).isNotNull();
        assertThat(decline.sid()).isEqualTo(declined.sid);
        assertThat(decline.reason()).isEqualTo("decline");

        conference.forward(aliceLeg, bobXmpp.jid(), aliceXmpp.jid().toString(), "alice");
        ReceivingSession receiving = bob.receiving.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(receiving.awaitSecure(WAIT)).isTrue();

        bobClient.close();
        FakeConference.Terminate closed = conference.terminates.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(closed).isNotNull();
        assertThat(closed.sid()).isEqualTo(receiving.sid());
        assertThat(closed.reason()).isEqualTo("success");
        assertThat(receiving.state()).isEqualTo(SessionState.ENDED);
        assertThat(bob.receivingEnded.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("success");

        // once closed, the handler is gone: Smack itself answers
        IQ afterClose = conferenceXmpp.sendIqAndWait(
                JingleMessages.sessionTerminate(conference.jid(), bobXmpp.jid(), receiving.sid(), Reason.GONE, null));
        assertThat(afterClose.getType()).isEqualTo(IQ.Type.error);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    record Received(ReceivingSession session, byte[] packet) {
    }

    /** Records what a client hears. */
    static final class Events implements ConferenceClient.Listener {
        final BlockingQueue<ReceivingSession> receiving = new LinkedBlockingQueue<>();
        final BlockingQueue<ClientSession> secure = new LinkedBlockingQueue<>();
        final BlockingQueue<Received> rtp = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> keyframeRequests = new LinkedBlockingQueue<>();
        final BlockingQueue<String> sendingEnded = new LinkedBlockingQueue<>();
        final BlockingQueue<String> receivingEnded = new LinkedBlockingQueue<>();
        volatile boolean declineNext;

        @Override
        public boolean acceptReceivingSession(ReceivingSession session) {
            if (declineNext) {
                declineNext = false;
                return false;
            }
            return true;
        }

        @Override
        public void onReceivingSession(ReceivingSession session) {
            receiving.add(session);
        }

        @Override
        public void onSecure(ClientSession session) {
            secure.add(session);
        }

        @Override
        public void onRtp(ReceivingSession session, byte[] buffer, int offset, int length) {
            rtp.add(new Received(session, Arrays.copyOfRange(buffer, offset, offset + length)));
        }

        @Override
        public void onKeyframeRequest(SendingSession session, long ssrc) {
            keyframeRequests.add(ssrc);
        }

        @Override
        public void onSendingSessionEnded(SendingSession session, String reason) {
            sendingEnded.add(reason);
        }

        @Override
        public void onReceivingSessionEnded(ReceivingSession session, String reason) {
            receivingEnded.add(reason);
        }
    }

    static byte[] rtp(int payloadType, int seq, long timestamp, long ssrc, byte[] payload) {
        byte[] packet = new byte[Rtp.FIXED_HEADER_LENGTH + payload.length];
        packet[0] = (byte) 0x80;
        packet[1] = (byte) payloadType;
        Rtp.setSequenceNumber(packet, 0, seq);
        Rtp.setTimestamp(packet, 0, timestamp);
        Rtp.setSsrc(packet, 0, (int) ssrc);
        System.arraycopy(payload, 0, packet, Rtp.FIXED_HEADER_LENGTH, payload.length);
        return packet;
    }
}
