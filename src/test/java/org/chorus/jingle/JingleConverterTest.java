package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_GATHERING_COMPLETE;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_HOST_CANDIDATE;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_OFFER;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_SRFLX_CANDIDATE;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_TCP_CANDIDATE;
import static org.chorus.jingle.JingleFixtures.MINIMAL_OFFER;
import static org.chorus.jingle.JingleFixtures.jingle;
import static org.chorus.jingle.JingleFixtures.session;

import java.util.List;
import java.util.Map;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.xmpp.packet.IQ;

/** Reading and writing the model from and to jitsi-xmpp-extensions' Jingle elements. */
class JingleConverterTest {

    @Nested
    class ChromiumOffer {
        private final SessionDescription offer;

        ChromiumOffer() throws Exception {
            offer = session(CHROMIUM_OFFER);
        }

        @Test
        void contentsAndBundle() {
            assertThat(offer.contentNames()).containsExactly("0", "1");
            assertThat(offer.bundle()).containsExactly("0", "1");
            assertThat(offer.allBundled()).isTrue();
            assertThat(offer.contents()).allSatisfy(content -> {
                assertThat(content.senders()).isEqualTo(Senders.INITIATOR);
                assertThat(content.rtcpMux()).isTrue();
            });
            assertThat(offer.contents()).extracting(MediaContent::media).containsExactly(MediaType.AUDIO, MediaType.VIDEO);
            assertThat(offer.conferenceInfo()).isNull();
        }

        @Test
        void everyAudioCodecWithItsParametersAndFeedback() {
            MediaContent audio = offer.content("0").orElseThrow();
            assertThat(audio.payloadTypes()).extracting(PayloadType::id).containsExactly(111, 63, 9, 0, 8, 13, 110, 126);
            PayloadType opus = audio.payloadType(111).orElseThrow();
            assertThat(opus.name()).isEqualTo("opus");
            assertThat(opus.clockrate()).isEqualTo(48000);
            assertThat(opus.channels()).isEqualTo(2);
            assertThat(opus.parameters()).containsExactly(Map.entry("minptime", "10"), Map.entry("useinbandfec", "1"));
            assertThat(opus.rtcpFb()).containsExactly(RtcpFb.TRANSPORT_CC);
            // red's unnamed fmtp parameter is left out; G722 has one channel by default
            assertThat(audio.payloadType(63).orElseThrow().parameters()).isEmpty();
            assertThat(audio.payloadType(9).orElseThrow().channels()).isEqualTo(1);
        }

        @Test
        void videoCodecsRtxAndFeedback() {
            MediaContent video = offer.content("1").orElseThrow();
            assertThat(video.payloadTypes()).extracting(PayloadType::id)
                    .containsExactly(96, 97, 98, 99, 102, 103, 104, 105, 106, 107, 108, 109, 127, 125, 45, 46, 116, 117, 118);
            PayloadType vp8 = video.payloadType(96).orElseThrow();
            assertThat(vp8.rtcpFb()).containsExactly(RtcpFb.GOOG_REMB, RtcpFb.TRANSPORT_CC, RtcpFb.CCM_FIR, RtcpFb.NACK, RtcpFb.NACK_PLI);
            assertThat(video.payloadType(97).orElseThrow().isRtx()).isTrue();
            assertThat(video.payloadType(97).orElseThrow().apt()).hasValue(96);
            assertThat(video.payloadType(106).orElseThrow().parameter("profile-level-id")).isEqualTo("42e01f");
        }

        @Test
        void headerExtensionsWithTheClientsIds() {
            assertThat(offer.content("0").orElseThrow().headerExtensions()).containsExactly(
                    new HeaderExtension(1, HeaderExtension.SSRC_AUDIO_LEVEL),
                    new HeaderExtension(2, HeaderExtension.ABS_SEND_TIME),
                    new HeaderExtension(3, HeaderExtension.TRANSPORT_WIDE_CC),
                    new HeaderExtension(4, HeaderExtension.MID));
            MediaContent video = offer.content("1").orElseThrow();
            assertThat(video.headerExtensions()).hasSize(11);
            assertThat(video.headerExtensionId("urn:3gpp:video-orientation")).hasValue(13);
            assertThat(video.headerExtensionId(HeaderExtension.MID)).hasValue(4);
        }

        @Test
        void sourcesAndGroups() {
            MediaContent audio = offer.content("0").orElseThrow();
            assertThat(audio.sources()).singleElement().satisfies(source -> {
                assertThat(source.ssrc()).isEqualTo(2849251871L);
                assertThat(source.cname()).isEqualTo("k3Jd8fRm1LuB0xq9");
                assertThat(source.msid()).startsWith("f4c1d5a0-6c2e-4b8e-9d5e-1a2b3c4d5e6f ");
            });
            MediaContent video = offer.content("1").orElseThrow();
            assertThat(video.sources()).hasSize(6);
            assertThat(video.sourceGroups()).containsExactly(
                    new SourceGroup("SIM", List.of(1119871281L, 2175331412L, 4013359170L)),
                    new SourceGroup("FID", List.of(1119871281L, 3410520742L)),
                    new SourceGroup("FID", List.of(2175331412L, 701293588L)),
                    new SourceGroup("FID", List.of(4013359170L, 1663482940L)));
        }

        @Test
        void theSharedTransportHasCredentialsAFingerprintAndNoCandidates() {
            IceTransport transport = offer.transport();
            assertThat(transport.ufrag()).isEqualTo("Xq2d");
            assertThat(transport.pwd()).isEqualTo("k9qVn3y1Lr8pT0bWc6sZm4Hf");
            assertThat(transport.hasCredentials()).isTrue();
            assertThat(transport.candidates()).isEmpty();
            assertThat(transport.rtcpMux()).isFalse();
            assertThat(transport.gatheringComplete()).isFalse();
            assertThat(transport.fingerprint().hash()).isEqualTo("sha-256");
            assertThat(transport.fingerprint().setup()).isEqualTo(DtlsSetup.ACTPASS);
            assertThat(transport.fingerprint().value()).startsWith("6F:2B:1C").hasSize(95);
        }
    }

    @Nested
    class Trickle {
        @Test
        void aHostCandidateWithEveryAttribute() throws Exception {
            List<TransportUpdate> updates = JingleConverter.readTransportInfo(jingle(CHROMIUM_HOST_CANDIDATE));

            assertThat(updates).singleElement().satisfies(update -> {
                assertThat(update.contentName()).isEqualTo("0");
                assertThat(update.transport().ufrag()).isEqualTo("Xq2d");
                assertThat(update.transport().candidates()).containsExactly(new JingleCandidate("2231284325", 1, "udp", 2122260223L,
                        "192.0.2.10", 52711, "host", 0, "e3kdl0a1", 1, null, null, null));
            });
            assertThat(updates.get(0).transport().candidates().get(0).isUsableUdp()).isTrue();
        }

        @Test
        void aTcpActiveCandidateOnPort9WithoutIdGenerationOrNetworkIsReadAndMarkedUnusable() throws Exception {
            JingleCandidate candidate = JingleConverter.readTransportInfo(jingle(CHROMIUM_TCP_CANDIDATE)).get(0).transport().candidates().get(0);

            assertThat(candidate.protocol()).isEqualTo("tcp");
            assertThat(candidate.tcpType()).isEqualTo("active");
            assertThat(candidate.port()).isEqualTo(9);
            assertThat(candidate.id()).isNull();
            assertThat(candidate.generation()).isNull();
            assertThat(candidate.network()).isNull();
            assertThat(candidate.isUsableUdp()).isFalse();
        }

        @Test
        void aServerReflexiveCandidateKeepsItsRelatedAddress() throws Exception {
            JingleCandidate candidate = JingleConverter.readTransportInfo(jingle(CHROMIUM_SRFLX_CANDIDATE)).get(0).transport().candidates().get(0);

            assertThat(candidate.type()).isEqualTo("srflx");
            assertThat(candidate.relAddr()).isEqualTo("192.0.2.10");
            assertThat(candidate.relPort()).isEqualTo(52711);
            assertThat(candidate.id()).isNull();
        }

        @Test
        void gatheringComplete() throws Exception {
            IceTransport transport = JingleConverter.readTransportInfo(jingle(CHROMIUM_GATHERING_COMPLETE)).get(0).transport();

            assertThat(transport.gatheringComplete()).isTrue();
            assertThat(transport.candidates()).isEmpty();
        }

        @Test
        void aCandidateWithoutAPortIsMalformed() {
            assertThatThrownBy(() -> JingleConverter.readTransportInfo(jingle(CHROMIUM_HOST_CANDIDATE.replace(" port='52711'", ""))))
                    .isInstanceOf(MalformedJingleException.class)
                    .hasMessageContaining("port");
        }
    }

    @Test
    void theMinimalOfferHasRtcpMuxOnTheTransportAndACandidate() throws Exception {
        SessionDescription offer = session(MINIMAL_OFFER);

        assertThat(offer.contents()).allSatisfy(content -> assertThat(content.rtcpMux()).isFalse());
        assertThat(offer.transport().rtcpMux()).isTrue();
        assertThat(offer.transport().candidates()).singleElement()
                .satisfies(candidate -> assertThat(candidate.ip()).isEqualTo("198.51.100.4"));
        assertThat(offer.content("audio").orElseThrow().headerExtensions()).isEmpty();
    }

    @Nested
    class WhatWeBuildReadsBackEqual {
        @Test
        void theChromiumOfferThroughTheModelAndBack() throws Exception {
            SessionDescription original = session(CHROMIUM_OFFER);
            assertThat(throughXml(original)).isEqualTo(original);
        }

        @Test
        void aDescriptionWithEveryPartFilledIn() throws Exception {
            SessionDescription description = new SessionDescription(
                    List.of(new MediaContent("a", MediaType.AUDIO, Senders.INITIATOR, true,
                                    List.of(new PayloadType(111, "opus", 48000, 2, Map.of("minptime", "10"), List.of(RtcpFb.NACK))),
                                    List.of(new HeaderExtension(1, HeaderExtension.SSRC_AUDIO_LEVEL)),
                                    List.of(new Source(4294967295L, Map.of("cname", "x&<y>", "msid", "s t"))),
                                    List.of()),
                            new MediaContent("v", MediaType.VIDEO, Senders.INITIATOR, false,
                                    List.of(new PayloadType(96, "VP8", 90000, 1, Map.of(), List.of(RtcpFb.NACK_PLI, RtcpFb.CCM_FIR)),
                                            new PayloadType(97, "rtx", 90000, 1, Map.of("apt", "96"), List.of())),
                                    List.of(),
                                    List.of(new Source(1), new Source(2)),
                                    List.of(new SourceGroup(SourceGroup.FID, List.of(1L, 2L))))),
                    new IceTransport("uf", "pw", new Fingerprint("sha-256", "AB:CD", DtlsSetup.PASSIVE), true,
                            List.of(JingleCandidate.udpHost("1", 1, 2130706431L, "192.0.2.1", 10000, 0, "c1"),
                                    new JingleCandidate("2", 1, "udp", 1686052607L, "203.0.113.1", 10000, "srflx", null, null, null,
                                            "192.0.2.1", 10000, null)),
                            false),
                    List.of("a", "v"),
                    ConferenceInfo.focusFor(ConferenceUser.ofJid("alice@example.org/web", "Alice & co")));

            assertThat(throughXml(description)).isEqualTo(description);
        }

        @Test
        void aTransportInfoWithGatheringComplete() throws Exception {
            JingleIQ built = JingleMessages.gatheringComplete(JidCreate.from("team@av.example.org"), JidCreate.from("a@example.org/x"),
                    "sid-1", "0", "uf", "pw");
            JingleIQ read = SmackJingleReading.toJingleIq(JingleStanzas.toTinder(built));

            assertThat(JingleConverter.readTransportInfo(read)).containsExactly(
                    new TransportUpdate("0", new IceTransport("uf", "pw", null, false, List.of(), true)));
        }

        private SessionDescription throughXml(SessionDescription description) throws Exception {
            JingleIQ built = JingleMessages.sessionInitiate(JidCreate.from("team@av.example.org"),
                    JidCreate.from("bob@example.org/phone"), "sid-1", description);
            IQ tinder = JingleStanzas.toTinder(built);
            // read back from the text, as it would arrive on the wire
            return session(tinder.toXML());
        }
    }

    @Nested
    class Malformed {
        @Test
        void aContentWithoutDescription() {
            assertThatThrownBy(() -> session(contentXml("<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u' pwd='p'/>", "senders='initiator'")))
                    .isInstanceOf(MalformedJingleException.class)
                    .hasMessageContaining("content '0' has no RTP description");
        }

        @Test
        void aContentWithoutName() {
            assertThatThrownBy(() -> session(CHROMIUM_OFFER.replace("name='0' senders", "senders")))
                    .isInstanceOf(MalformedJingleException.class)
                    .hasMessageContaining("without a name");
        }

        @Test
        void anUnknownSendersValue() {
            assertThatThrownBy(() -> session(CHROMIUM_OFFER.replace("name='0' senders='initiator'", "name='0' senders='everyone'")))
                    .isInstanceOf(MalformedJingleException.class)
                    .hasMessageContaining("everyone");
        }

        @Test
        void anSsrcOutOfRange() {
            assertThatThrownBy(() -> session(CHROMIUM_OFFER.replace("ssrc='2849251871'", "ssrc='4294967296'")))
                    .isInstanceOf(MalformedJingleException.class)
                    .hasMessageContaining("ssrc");
        }

        @Test
        void anUnknownDtlsSetup() {
            assertThatThrownBy(() -> session(CHROMIUM_OFFER.replace("setup='actpass'", "setup='sometimes'")))
                    .isInstanceOf(MalformedJingleException.class)
                    .hasMessageContaining("sometimes");
        }

        private static String contentXml(String inner, String senders) {
            return "<iq type='set' id='x' from='alice@example.org/x' to='team@av.example.org'>"
                    + "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s' initiator='alice@example.org/x'>"
                    + "<content creator='initiator' name='0' " + senders + ">" + inner + "</content></jingle></iq>";
        }
    }
}
