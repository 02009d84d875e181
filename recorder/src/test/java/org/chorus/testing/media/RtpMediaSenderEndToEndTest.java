package org.chorus.testing.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.MediaType;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.jingle.client.SendingSession;
import org.chorus.media.rtp.Rtp;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RtpMediaSender} through the real gateway on a real Prosody: one member sends
 * {@link MarkedAv}'s VP8 and Opus, another receives them, and what arrives is whole VP8 frames
 * with keyframes of the right size, Opus on the announced audio SSRC, and sender reports that put
 * the flashes and the beeps at the same sender time.
 */
@ExtendWith(ProsodyExtension.class)
class RtpMediaSenderEndToEndTest {
    private static final Logger LOG = LoggerFactory.getLogger(RtpMediaSenderEndToEndTest.class);
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;

    @Test
    void aMemberReceivesDecodableMarkedMediaWithSenderReportsThatLineUp(ProsodyServer server, @TempDir Path dir)
            throws Exception {
        AtomicReference<RtpMediaSender> sender = new AtomicReference<>();
        Map<String, ReceivedMedia> received = new ConcurrentHashMap<>();
        try (ClientMedia media = ClientMedia.loopback();
                XmppTestClient owner = XmppTestClient.connectNewUser(server, "owner");
                XmppTestClient alice = XmppTestClient.connectNewUser(server, "alice");
                XmppTestClient bob = XmppTestClient.connectNewUser(server, "bob");
                AutoCloseable gateway = GatewayTestAccess.start(server, List.of())) {
            owner.createMembersOnlyRoom("marked", "owner", List.of(alice.bareJid(), bob.bareJid()));
            alice.joinRoom("marked", "alice");
            bob.joinRoom("marked", "bob");
            var conference = JidCreate.bareFrom("marked@" + server.componentDomain());

            try (ConferenceClient aliceClient = new ConferenceClient(alice.connection(), media,
                    new ConferenceClient.Listener() {
                        @Override
                        public void onKeyframeRequest(SendingSession session, long ssrc) {
                            RtpMediaSender s = sender.get();
                            if (s != null) {
                                s.onKeyframeRequest();
                            }
                        }

                        @Override
                        public void onNack(SendingSession session, long ssrc, int[] lost) {
                            RtpMediaSender s = sender.get();
                            if (s != null) {
                                s.onNack(lost);
                            }
                        }
                    });
                    ConferenceClient bobClient = new ConferenceClient(bob.connection(), media,
                            new ConferenceClient.Listener() {
                                @Override
                                public void onReceivingSession(ReceivingSession session) {
                                    received.put(session.sid(), new ReceivedMedia(session));
                                }

                                @Override
                                public void onRtp(ReceivingSession session, byte[] buf, int off, int len) {
                                    ReceivedMedia r = received.get(session.sid());
                                    if (r != null) {
                                        r.onRtp(buf, off, len);
                                    }
                                }

                                @Override
                                public void onRtcp(ReceivingSession session, byte[] buf, int off, int len) {
                                    ReceivedMedia r = received.get(session.sid());
                                    if (r != null) {
                                        r.onRtcp(buf, off, len);
                                    }
                                }
                            })) {
                SendingSession bobSending = bobClient.join(conference, LocalStreams.audioOnly());
                assertThat(bobSending.awaitSecure(Duration.ofSeconds(20))).isTrue();
                SendingSession sending = aliceClient.join(conference, LocalStreams.audioAndVideo().withoutRtx());
                assertThat(sending.awaitSecure(Duration.ofSeconds(20))).isTrue();

                try (RtpMediaSender s = new RtpMediaSender(sending, new MarkedAv(WIDTH, HEIGHT, 30))) {
                    sender.set(s);
                    s.start();
                    ReceivedMedia fromAlice = await().atMost(Duration.ofSeconds(20))
                            .until(() -> fromPublisher(received, alice.bareJid().toString()), r -> r != null);
                    int opus = fromAlice.payloadType(MediaType.AUDIO, "opus");
                    // 7.5 s of audio on the receiver covers the markers at 2, 4 and 6 s
                    await().atMost(Duration.ofSeconds(30)).until(() -> fromAlice.packets(opus).size() >= 375);
                    fromAlice.session.requestKeyframe();
                    await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().keyframeRequests() > 0);
                    RtpMediaSender.Stats stats = s.stats();
                    assertThat(stats.senderReports()).isGreaterThanOrEqualTo(10);
                    assertThat(s.state()).isEqualTo(RtpMediaSender.State.RUNNING);
                    check(fromAlice, s, dir);
                }
            }
        }
    }

    private static void check(ReceivedMedia r, RtpMediaSender s, Path dir) {
        int vp8 = r.payloadType(MediaType.VIDEO, "VP8");
        int opus = r.payloadType(MediaType.AUDIO, "opus");
        long videoSsrc = r.session.videoSsrc().orElseThrow();
        long audioSsrc = r.session.audioSsrc().orElseThrow();

        List<byte[]> audio = r.packets(opus);
        assertThat(audio).allSatisfy(p -> {
            assertThat(Integer.toUnsignedLong(Rtp.ssrc(p, 0))).isEqualTo(audioSsrc);
            assertThat(p[Rtp.payloadOffset(p, 0, p.length)] & 0x04).as("Opus stereo TOC").isEqualTo(0x04);
        });
        assertThat(r.packets(vp8)).isNotEmpty().allSatisfy(
                p -> assertThat(Integer.toUnsignedLong(Rtp.ssrc(p, 0))).isEqualTo(videoSsrc));
        assertThat(r.rtp).allSatisfy(p -> assertThat(Rtp.payloadType(p, 0)).isIn(vp8, opus));

        List<ReceivedMedia.Vp8Frame> frames = r.vp8Frames(vp8);
        assertThat(frames.size()).as("whole VP8 frames").isGreaterThan(150);
        assertThat(frames).filteredOn(ReceivedMedia.Vp8Frame::keyframe).isNotEmpty().allSatisfy(f -> {
            assertThat(f.width()).isEqualTo(WIDTH);
            assertThat(f.height()).isEqualTo(HEIGHT);
        });
        for (int i = 1; i < frames.size(); i++) {
            long ticks = (frames.get(i).rtpTimestamp() - frames.get(i - 1).rtpTimestamp()) & 0xFFFF_FFFFL;
            assertThat(ticks).as("90 kHz ticks between frames %d and %d", i - 1, i).isEqualTo(3000);
            assertThat(frames.get(i).pictureId()).isEqualTo((frames.get(i - 1).pictureId() + 1) & 0x7FFF);
        }

        assertThat(r.reports.keySet()).as("sender reports for both SSRCs").contains(audioSsrc, videoSsrc);
        assertThat(r.reports.get(audioSsrc).size()).isGreaterThanOrEqualTo(3);
        assertThat(r.reports.get(videoSsrc).size()).isGreaterThanOrEqualTo(3);

        Path file = dir.resolve("received.webm");
        r.writeWebm(file, WIDTH, HEIGHT);
        List<Double> flashes = RecordingProbe.flashTimes(file);
        List<Double> beeps = RecordingProbe.beepTimes(file);
        LOG.info("received: {} VP8 frames, {} Opus packets; flashes {}, beeps {}; sender {}", frames.size(),
                audio.size(), flashes, beeps, s.stats());
        assertThat(flashes).as("flashes").hasSizeGreaterThanOrEqualTo(2);
        assertThat(beeps).as("beeps").hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < beeps.size(); i++) {
            assertThat(beeps.get(i) - beeps.get(i - 1)).isCloseTo(2.0, within(0.005));
        }
        assertThat(RecordingProbe.avOffsetMillis(flashes, beeps)).as("beep − flash through the sender reports")
                .isCloseTo(0.0, within(5.0));
    }

    private static ReceivedMedia fromPublisher(Map<String, ReceivedMedia> received, String publisher) {
        return received.values().stream()
                .filter(r -> r.session.publisher().map(Object::toString).orElse("").equals(publisher))
                .findFirst().orElse(null);
    }
}
