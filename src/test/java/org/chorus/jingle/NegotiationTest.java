package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_OFFER;
import static org.chorus.jingle.JingleFixtures.MINIMAL_OFFER;
import static org.chorus.jingle.JingleFixtures.gatewayTransport;
import static org.chorus.jingle.JingleFixtures.session;

import java.util.List;
import java.util.Map;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Answering a member's offer (PROTOCOL.md §5). */
class NegotiationTest {
    private final Negotiation negotiation = Negotiation.withDefaults();

    @Nested
    class ChromiumOffer {
        private final NegotiatedSession session;

        ChromiumOffer() throws Exception {
            session = negotiation.answer(session(CHROMIUM_OFFER)).value();
        }

        @Test
        void audioIsOpusAloneWithTheClientsNumberAndFmtp() {
            MediaContent audio = session.content("0").orElseThrow();
            assertThat(audio.payloadTypes()).containsExactly(
                    new PayloadType(111, "opus", 48000, 2, Map.of("minptime", "10", "useinbandfec", "1"), List.of()));
        }

        @Test
        void videoIsVp8FirstThenTheBestH264EachWithItsRtx() {
            MediaContent video = session.content("1").orElseThrow();
            assertThat(video.payloadTypes()).extracting(PayloadType::id).containsExactly(96, 97, 106, 107);
            assertThat(video.payloadType(106).orElseThrow().parameters())
                    .containsEntry("packetization-mode", "1")
                    .containsEntry("profile-level-id", "42e01f")
                    .containsEntry("level-asymmetry-allowed", "1");
            assertThat(video.payloadType(107).orElseThrow().apt()).hasValue(106);
        }

        @Test
        void droppedCodecsAreNotAnswered() {
            List<String> names = session.contents().stream().flatMap(c -> c.payloadTypes().stream()).map(PayloadType::name).toList();
            assertThat(names).doesNotContain("red", "ulpfec", "G722", "PCMU", "PCMA", "CN", "telephone-event", "VP9", "AV1");
            // the rtx of VP9, AV1, red and of the H264 payload types not chosen go with them
            assertThat(session.content("1").orElseThrow().payloadTypes()).extracting(PayloadType::id)
                    .doesNotContain(99, 103, 105, 109, 125, 46, 117);
        }

        @Test
        void rtcpFeedbackWithoutTransportCcByDefault() {
            PayloadType vp8 = session.payloadType(96).orElseThrow();
            assertThat(vp8.rtcpFb()).containsExactly(RtcpFb.GOOG_REMB, RtcpFb.CCM_FIR, RtcpFb.NACK, RtcpFb.NACK_PLI);
            assertThat(session.payloadType(111).orElseThrow().rtcpFb()).isEmpty();
        }

        @Test
        void headerExtensionsKeepTheClientsIdsWithoutTransportWideCcByDefault() {
            assertThat(session.content("0").orElseThrow().headerExtensions()).containsExactly(
                    new HeaderExtension(1, HeaderExtension.SSRC_AUDIO_LEVEL),
                    new HeaderExtension(2, HeaderExtension.ABS_SEND_TIME),
                    new HeaderExtension(4, HeaderExtension.MID));
            assertThat(session.content("1").orElseThrow().headerExtensions()).containsExactly(
                    new HeaderExtension(2, HeaderExtension.ABS_SEND_TIME),
                    new HeaderExtension(4, HeaderExtension.MID));
        }

        @Test
        void thePublishersSourcesAndGroupsAreKeptForForwarding() {
            MediaContent video = session.content("1").orElseThrow();
            assertThat(video.sources()).hasSize(6);
            assertThat(video.sourceGroups()).extracting(SourceGroup::semantics).containsExactly("SIM", "FID", "FID", "FID");
            assertThat(session.contentOf(3410520742L)).map(MediaContent::name).hasValue("1");
            assertThat(session.contentOf(2849251871L)).map(MediaContent::name).hasValue("0");
        }

        @Test
        void theGatewayTakesTheActiveDtlsRoleAndBundlesEverything() {
            assertThat(session.localSetup()).isEqualTo(DtlsSetup.ACTIVE);
            assertThat(session.bundle()).containsExactly("0", "1");
            assertThat(session.remoteTransport().ufrag()).isEqualTo("Xq2d");
        }

        @Test
        void theAnswerCarriesNoSourcesTheGatewaysTransportAndCoinFocus() {
            SessionDescription answer = session.answer(gatewayTransport());

            assertThat(answer.contents()).allSatisfy(content -> {
                assertThat(content.sources()).isEmpty();
                assertThat(content.sourceGroups()).isEmpty();
                assertThat(content.senders()).isEqualTo(Senders.INITIATOR);
                assertThat(content.rtcpMux()).isTrue();
            });
            assertThat(answer.transport().ufrag()).isEqualTo("gW1x");
            assertThat(answer.transport().fingerprint().setup()).isEqualTo(DtlsSetup.ACTIVE);
            assertThat(answer.transport().candidates()).singleElement()
                    .satisfies(candidate -> assertThat(candidate.port()).isEqualTo(10000));
            assertThat(answer.conferenceInfo()).isEqualTo(ConferenceInfo.FOCUS);
            assertThat(answer.bundle()).containsExactly("0", "1");
        }
    }

    @Test
    void transportCcWhenSwitchedOn() throws Exception {
        NegotiatedSession session = new Negotiation(CodecPolicy.defaults().withTransportCc(true)).answer(session(CHROMIUM_OFFER)).value();

        assertThat(session.payloadType(111).orElseThrow().rtcpFb()).containsExactly(RtcpFb.TRANSPORT_CC);
        assertThat(session.payloadType(96).orElseThrow().rtcpFb()).contains(RtcpFb.TRANSPORT_CC);
        assertThat(session.content("1").orElseThrow().headerExtensionId(HeaderExtension.TRANSPORT_WIDE_CC)).hasValue(3);
    }

    @Test
    void withoutH264AndRtxOnlyVp8() throws Exception {
        CodecPolicy policy = CodecPolicy.defaults().withH264(false).withRtx(false);
        NegotiatedSession session = new Negotiation(policy).answer(session(CHROMIUM_OFFER)).value();

        assertThat(session.content("1").orElseThrow().payloadTypes()).extracting(PayloadType::id).containsExactly(96);
    }

    @Test
    void theMinimalClient() throws Exception {
        NegotiatedSession session = negotiation.answer(session(MINIMAL_OFFER)).value();

        assertThat(session.content("audio").orElseThrow().payloadTypes()).extracting(PayloadType::id).containsExactly(111);
        assertThat(session.content("video").orElseThrow().payloadTypes()).containsExactly(
                new PayloadType(100, "VP8", 90000, 1, Map.of(), List.of(RtcpFb.NACK_PLI)));
        assertThat(session.contents()).allSatisfy(content -> assertThat(content.headerExtensions()).isEmpty());
        assertThat(session.remoteTransport().candidates()).hasSize(1);
        assertThat(session.bundle()).containsExactly("audio", "video");
    }

    @Test
    void anOfferOfH264BeforeVp8StillGetsVp8First() throws Exception {
        SessionDescription offer = session(CHROMIUM_OFFER);
        MediaContent video = offer.content("1").orElseThrow();
        List<PayloadType> reversed = new java.util.ArrayList<>(video.payloadTypes());
        java.util.Collections.reverse(reversed);
        SessionDescription reordered = replace(offer, new MediaContent(video.name(), video.media(), video.senders(), true, reversed,
                video.headerExtensions(), video.sources(), video.sourceGroups()));

        assertThat(negotiation.answer(reordered).value().content("1").orElseThrow().payloadTypes())
                .extracting(PayloadType::id).containsExactly(96, 97, 106, 107);
    }

    @ParameterizedTest(name = "{0} → rank {2}")
    @CsvSource({
        "pm1 constrained baseline, 1, 42e01f, 0",
        "pm1 baseline,             1, 42001f, 1",
        "pm0 constrained baseline, 0, 42e01f, 2",
        "pm0 baseline,             0, 42001f, 3",
        "main profile,             1, 4d001f, 2147483647",
        "high profile,             1, 64001f, 2147483647",
    })
    void h264Preference(String what, String mode, String profile, int rank) {
        PayloadType h264 = new PayloadType(102, "H264", 90000, 1, Map.of("packetization-mode", mode, "profile-level-id", profile), List.of());
        assertThat(Negotiation.h264Rank(h264)).isEqualTo(rank);
    }

    @Test
    void onlyMainProfileH264IsNotAnswered() throws Exception {
        SessionDescription offer = session(MINIMAL_OFFER);
        MediaContent video = offer.content("video").orElseThrow();
        SessionDescription withMain = replace(offer, new MediaContent("video", MediaType.VIDEO, Senders.INITIATOR, false,
                List.of(video.payloadTypes().get(0),
                        new PayloadType(127, "H264", 90000, 1, Map.of("packetization-mode", "1", "profile-level-id", "4d001f"), List.of())),
                List.of(), video.sources(), List.of()));

        assertThat(negotiation.answer(withMain).value().content("video").orElseThrow().payloadTypes())
                .extracting(PayloadType::id).containsExactly(100);
    }

    @Nested
    class Failures {
        @Test
        void noOpusIsFailedApplication() throws Exception {
            String offer = CHROMIUM_OFFER.replace("name='opus'", "name='speex'");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_APPLICATION);
            assertThat(failure.terminateReason()).hasValue(Reason.FAILED_APPLICATION);
            assertThat(failure.isIqError()).isFalse();
            assertThat(failure.text()).contains("no common codec", "'0'", "Opus");
        }

        @Test
        void opusInMonoIsNotOpus48000Stereo() throws Exception {
            String offer = MINIMAL_OFFER.replace("name='opus' clockrate='48000' channels='2'", "name='opus' clockrate='48000'");

            assertThat(negotiation.answer(session(offer)).failure().kind()).isEqualTo(NegotiationFailure.Kind.FAILED_APPLICATION);
        }

        @Test
        void videoWithoutVp8IsFailedApplicationEvenWithH264() throws Exception {
            String offer = CHROMIUM_OFFER.replace("name='VP8'", "name='VP7'");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_APPLICATION);
            assertThat(failure.text()).contains("'1'", "VP8");
        }

        @Test
        void sendersBothIsFailedApplication() throws Exception {
            String offer = CHROMIUM_OFFER.replace("name='1' senders='initiator'", "name='1' senders='both'");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_APPLICATION);
            assertThat(failure.text()).contains("senders='both'");
        }

        @Test
        void anAbsentSendersMeansBoth() throws Exception {
            String offer = MINIMAL_OFFER.replace("name='audio' senders='initiator'", "name='audio'");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_APPLICATION);
            assertThat(failure.text()).contains("senders='both'");
        }

        @Test
        void applicationMediaIsFailedApplication() throws Exception {
            String offer = MINIMAL_OFFER.replace("media='video'", "media='application'");

            assertThat(negotiation.answer(session(offer)).failure().kind()).isEqualTo(NegotiationFailure.Kind.FAILED_APPLICATION);
        }

        @Test
        void noFingerprintIsFailedTransport() throws Exception {
            String offer = CHROMIUM_OFFER.replaceAll("<fingerprint [^>]*>[^<]*</fingerprint>", "");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_TRANSPORT);
            assertThat(failure.terminateReason()).hasValue(Reason.FAILED_TRANSPORT);
            assertThat(failure.text()).contains("fingerprint");
        }

        @Test
        void noTransportIsFailedTransport() throws Exception {
            String offer = CHROMIUM_OFFER.replaceAll("(?s)<transport .*?</transport>", "");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_TRANSPORT);
            assertThat(failure.text()).contains("ICE-UDP");
        }

        @Test
        void aRawUdpTransportIsFailedTransport() throws Exception {
            String offer = MINIMAL_OFFER.replace("urn:xmpp:jingle:transports:ice-udp:1", "urn:xmpp:jingle:transports:raw-udp:1");

            assertThat(negotiation.answer(session(offer)).failure().kind()).isEqualTo(NegotiationFailure.Kind.FAILED_TRANSPORT);
        }

        @Test
        void noIceCredentialsIsFailedTransport() throws Exception {
            String offer = MINIMAL_OFFER.replace(" ufrag='bUf1'", "");

            assertThat(negotiation.answer(session(offer)).failure().text()).contains("ufrag");
        }

        @Test
        void noRtcpMuxIsFailedTransport() throws Exception {
            String offer = CHROMIUM_OFFER.replace("<rtcp-mux/>", "");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_TRANSPORT);
            assertThat(failure.text()).contains("rtcp-mux");
        }

        @Test
        void twoContentsWithoutBundleIsFailedTransport() throws Exception {
            String offer = CHROMIUM_OFFER.replaceAll("(?s)<group .*?</group>", "");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_TRANSPORT);
            assertThat(failure.text()).contains("BUNDLE");
        }

        @Test
        void oneContentNeedsNoBundle() throws Exception {
            String audioOnly = MINIMAL_OFFER.replaceAll("(?s)<content creator='initiator' name='video'.*?</content>", "")
                    .replaceAll("(?s)<group .*?</group>", "");

            assertThat(negotiation.answer(session(audioOnly)).isSuccess()).isTrue();
        }

        @Test
        void anUnknownHashIsFailedTransport() throws Exception {
            String offer = MINIMAL_OFFER.replace("hash='sha-256'", "hash='md5'");

            assertThat(negotiation.answer(session(offer)).failure().kind()).isEqualTo(NegotiationFailure.Kind.FAILED_TRANSPORT);
        }

        @Test
        void noContentIsBadRequest() {
            NegotiationFailure failure = negotiation.answer(new SessionDescription(List.of(), null, List.of(), null)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.BAD_REQUEST);
            assertThat(failure.isIqError()).isTrue();
            assertThat(failure.terminateReason()).isEmpty();
        }

        @Test
        void aBundleNamingAnUnknownContentIsBadRequest() throws Exception {
            String offer = MINIMAL_OFFER.replace("<content name='video'/>", "<content name='screen'/>");

            NegotiationFailure failure = negotiation.answer(session(offer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.BAD_REQUEST);
            assertThat(failure.text()).contains("screen");
        }
    }

    @Nested
    class DtlsRoles {
        @ParameterizedTest
        @CsvSource({"actpass, ACTIVE", "active, PASSIVE", "passive, ACTIVE"})
        void theGatewayComplementsTheOffer(String offered, DtlsSetup expected) throws Exception {
            String offer = MINIMAL_OFFER.replace("setup='actpass'", "setup='" + offered + "'");

            assertThat(negotiation.answer(session(offer)).value().localSetup()).isEqualTo(expected);
        }

        @Test
        void anAbsentSetupIsActiveSoTheGatewayIsPassive() throws Exception {
            String offer = MINIMAL_OFFER.replace(" setup='actpass'", "");

            assertThat(negotiation.answer(session(offer)).value().localSetup()).isEqualTo(DtlsSetup.PASSIVE);
        }

        @Test
        void theGatewayCanBeConfiguredToAnswerActpassAsPassive() throws Exception {
            Negotiation passive = new Negotiation(CodecPolicy.defaults(), DtlsSetup.PASSIVE);

            assertThat(passive.answer(session(MINIMAL_OFFER)).value().localSetup()).isEqualTo(DtlsSetup.PASSIVE);
        }

        @Test
        void holdconnFailsTheTransport() throws Exception {
            String offer = MINIMAL_OFFER.replace("setup='actpass'", "setup='holdconn'");

            assertThat(negotiation.answer(session(offer)).failure().kind()).isEqualTo(NegotiationFailure.Kind.FAILED_TRANSPORT);
        }
    }

    private static SessionDescription replace(SessionDescription offer, MediaContent content) {
        List<MediaContent> contents = offer.contents().stream().map(c -> c.name().equals(content.name()) ? content : c).toList();
        return new SessionDescription(contents, offer.transport(), offer.bundle(), offer.conferenceInfo());
    }
}
