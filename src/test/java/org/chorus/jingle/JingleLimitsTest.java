package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_HOST_CANDIDATE;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_OFFER;
import static org.chorus.jingle.JingleFixtures.MINIMAL_OFFER;
import static org.chorus.jingle.JingleFixtures.jingle;
import static org.chorus.jingle.JingleFixtures.session;

import java.util.concurrent.atomic.AtomicInteger;
import org.jitsi.xmpp.extensions.jingle.ContentPacketExtension;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.PayloadTypePacketExtension;
import org.jitsi.xmpp.extensions.jingle.RtcpFbPacketExtension;
import org.jitsi.xmpp.extensions.jingle.RtpDescriptionPacketExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Every limit of {@link JingleLimits#DEFAULTS}: a request at the limit is read, one past it is
 * refused with a message naming the limit (which the gateway sends as the {@code bad-request}
 * text). The requests are {@link JingleFixtures#MINIMAL_OFFER} with one part repeated.
 */
class JingleLimitsTest {
    private static final JingleLimits LIMITS = JingleLimits.DEFAULTS;
    private static final String VIDEO_DESCRIPTION = "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>";
    private static final String VP8 = "<payload-type id='100' name='VP8' clockrate='90000'>";
    private static final String AUDIO_TRANSPORT_START = "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='bUf1' "
            + "pwd='bobPasswordForIce0123456'>";

    /** The minimal offer with {@code xml} added at the start of the video description. */
    private static String inVideo(String xml) {
        return MINIMAL_OFFER.replace(VIDEO_DESCRIPTION, VIDEO_DESCRIPTION + xml);
    }

    /** The minimal offer with {@code xml} added inside the VP8 payload type. */
    private static String inVp8(String xml) {
        return MINIMAL_OFFER.replace(VP8, VP8 + xml);
    }

    private static String times(int n, java.util.function.IntFunction<String> element) {
        StringBuilder xml = new StringBuilder();
        for (int i = 0; i < n; i++) {
            xml.append(element.apply(i));
        }
        return xml.toString();
    }

    private static String fb(int i) {
        return "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='x-fb-" + i + "'/>";
    }

    private static String payloadType(int id, int feedback) {
        return "<payload-type id='" + id + "' name='X" + id + "' clockrate='90000'>" + times(feedback, JingleLimitsTest::fb)
                + "</payload-type>";
    }

    private static String source(int i) {
        return "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='" + (5000 + i) + "'/>";
    }

    private static String candidate(int i) {
        return "<candidate component='1' foundation='" + i + "' generation='0' id='c" + i + "' ip='198.51.100." + (i % 250)
                + "' network='0' port='" + (40000 + i) + "' priority='2130706431' protocol='udp' type='host'/>";
    }

    private static String chars(int n) {
        return "a".repeat(n);
    }

    private static void accepted(String xml) {
        assertThatCode(() -> session(xml)).doesNotThrowAnyException();
    }

    private static void refused(String xml, String limit) {
        assertThatThrownBy(() -> session(xml))
                .isInstanceOf(MalformedJingleException.class)
                .hasMessageContaining("over the gateway's limit of " + limit);
    }

    @Test
    void realOffersAreWellWithinTheLimits() throws Exception {
        assertThat(session(CHROMIUM_OFFER).contents()).hasSize(2);
        assertThat(session(MINIMAL_OFFER).contents()).hasSize(2);
    }

    @Nested
    class Counts {
        @Test
        void contents() {
            String group = "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>";
            java.util.function.IntFunction<String> content = i -> "<content creator='initiator' name='extra" + i
                    + "' senders='initiator'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/></content>";
            accepted(MINIMAL_OFFER.replace(group, times(14, content) + group));
            refused(MINIMAL_OFFER.replace(group, times(15, content) + group), "16 contents");
        }

        @Test
        void payloadTypesPerContent() {
            accepted(inVideo(times(63, i -> payloadType(i, 0))));
            refused(inVideo(times(64, i -> payloadType(i, 0))), "64 payload types per content");
        }

        @Test
        void rtcpFbPerPayloadType() {
            accepted(inVp8(times(15, JingleLimitsTest::fb)));
            refused(inVp8(times(16, JingleLimitsTest::fb)), "16 rtcp-fb per payload type (payload-type 100 in content 'video')");
        }

        @Test
        void rtcpFbPerContent() {
            accepted(inVideo(times(15, i -> payloadType(i, 16))));
            refused(inVideo(times(17, i -> payloadType(i, 16))), "256 rtcp-fb per content");
        }

        @Test
        void headerExtensionsPerContent() {
            String ext = "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='%d' uri='urn:x:%d'/>";
            accepted(inVideo(times(32, i -> String.format(ext, i + 1, i))));
            refused(inVideo(times(33, i -> String.format(ext, i + 1, i))), "32 header extensions per content");
        }

        @Test
        void parametersPerPayloadTypeAndPerSource() {
            String parameter = "<parameter name='p%d' value='v'/>";
            accepted(inVp8(times(32, i -> String.format(parameter, i))));
            refused(inVp8(times(33, i -> String.format(parameter, i))), "32 parameters per element");
            String ssma = "<parameter xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' name='p%d' value='v'/>";
            refused(MINIMAL_OFFER.replace("<parameter name='cname' value='bob'/>", times(33, i -> String.format(ssma, i))),
                    "32 parameters per element (a source in content");
        }

        @Test
        void sourcesPerContentAndInAllContents() {
            accepted(inVideo(times(63, JingleLimitsTest::source)));
            refused(inVideo(times(64, JingleLimitsTest::source)), "64 sources per content");

            String audio = "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>";
            String both = inVideo(times(63, JingleLimitsTest::source))
                    .replace(audio, audio + times(63, i -> source(1000 + i)));
            accepted(both);
            String group = "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>";
            refused(both.replace(group, "<content creator='initiator' name='third' senders='initiator'>"
                    + "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>" + source(9999)
                    + "</description></content>" + group), "128 sources in all contents");
        }

        @Test
        void ssrcGroupsAndTheirSize() {
            String group = "<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>%s</ssrc-group>";
            String pair = source(1) + source(2);
            accepted(inVideo(times(32, i -> String.format(group, pair))));
            refused(inVideo(times(33, i -> String.format(group, pair))), "32 ssrc-groups per content");
            accepted(inVideo(String.format(group, times(8, JingleLimitsTest::source))));
            refused(inVideo(String.format(group, times(9, JingleLimitsTest::source))), "8 sources per ssrc-group");
        }

        @Test
        void candidatesInAnOfferAndInATransportInfo() throws Exception {
            String first = "<candidate component='1' foundation='1' generation='0' id='c1' ip='198.51.100.4' network='0' "
                    + "port='40000' priority='2130706431' protocol='udp' type='host'/>";
            accepted(MINIMAL_OFFER.replace(first, first + times(31, JingleLimitsTest::candidate)));
            refused(MINIMAL_OFFER.replace(first, first + times(32, JingleLimitsTest::candidate)), "32 candidates per request");

            String trickle = "<candidate component='1' foundation='2231284325'";
            String many = CHROMIUM_HOST_CANDIDATE.replace(trickle, times(32, JingleLimitsTest::candidate) + trickle);
            assertThatThrownBy(() -> JingleConverter.readTransportInfo(jingle(many)))
                    .hasMessageContaining("over the gateway's limit of 32 candidates per request");
            assertThat(JingleConverter.readTransportInfo(jingle(CHROMIUM_HOST_CANDIDATE.replace(trickle,
                    times(31, JingleLimitsTest::candidate) + trickle))).get(0).transport().candidates()).hasSize(32);
        }

        @Test
        void contentsOfABundleGroup() {
            String names = times(17, i -> "<content name='n" + i + "'/>");
            refused(MINIMAL_OFFER.replace("<content name='audio'/>", names), "16 contents in a BUNDLE group");
        }

        @Test
        void usersOfConferenceInfo() {
            String coin = "<conference-info xmlns='urn:xmpp:coin:1' isfocus='true'><users>%s</users></conference-info>";
            String group = "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>";
            String user = "<user entity='xmpp:u%d@example.org'/>";
            accepted(MINIMAL_OFFER.replace(group, String.format(coin, times(16, i -> String.format(user, i))) + group));
            refused(MINIMAL_OFFER.replace(group, String.format(coin, times(17, i -> String.format(user, i))) + group),
                    "16 users in conference-info");
        }
    }

    @Nested
    class Lengths {
        @Test
        void names() {
            refused(MINIMAL_OFFER.replace("name='video'", "name='" + chars(65) + "'"), "64 characters in a content name");
            refused(MINIMAL_OFFER.replace("name='VP8'", "name='" + chars(65) + "'"), "64 characters in a payload-type name");
            refused(inVp8("<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='" + chars(65) + "'/>"),
                    "64 characters in an rtcp-fb type");
            refused(inVp8("<parameter name='" + chars(65) + "' value='1'/>"), "64 characters in a parameter name");
            accepted(MINIMAL_OFFER.replace("name='video'", "name='" + chars(64) + "'")
                    .replace("<content name='video'/>", "<content name='" + chars(64) + "'/>"));
        }

        @Test
        void credentialsAndFingerprint() {
            refused(MINIMAL_OFFER.replace("ufrag='bUf1'", "ufrag='" + chars(257) + "'"), "256 characters in an ICE ufrag");
            refused(MINIMAL_OFFER.replace("pwd='bobPasswordForIce0123456'", "pwd='" + chars(257) + "'"),
                    "256 characters in an ICE pwd");
            String fingerprint = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
            refused(MINIMAL_OFFER.replace(fingerprint, fingerprint + ":" + chars(256 - fingerprint.length())),
                    "256 characters in a fingerprint");
            accepted(MINIMAL_OFFER.replace(fingerprint, fingerprint + chars(256 - fingerprint.length())));
        }

        @Test
        void values() {
            refused(inVp8("<parameter name='sprop' value='" + chars(513) + "'/>"), "512 characters in a parameter value");
            refused(inVideo("<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:" + chars(510) + "'/>"),
                    "512 characters in an rtp-hdrext uri");
            refused(MINIMAL_OFFER.replace("ip='198.51.100.4'", "ip='" + chars(513) + "'"), "512 characters in a candidate's ip");
            accepted(inVp8("<parameter name='sprop' value='" + chars(512) + "'/>"));
        }

        @Test
        void theSid() {
            refused(MINIMAL_OFFER.replace("sid='min-1'", "sid='" + chars(129) + "'"), "128 characters in a sid");
            accepted(MINIMAL_OFFER.replace("sid='min-1'", "sid='" + chars(128) + "'"));
        }
    }

    @Nested
    class TheStanzaBeforeItIsParsed {
        @Test
        void elements() {
            // unknown elements are left out by the reader, but still cost parsing: they count
            String unknown = times(4096, i -> "<x xmlns='urn:example:junk'/>");
            refused(inVideo(unknown), "4096 elements in a Jingle request");
            accepted(inVideo(times(4000, i -> "<x xmlns='urn:example:junk'/>")));
        }

        @Test
        void nesting() {
            // the IQ is level 0, jingle 1, content 2, description 3, payload-type 4
            refused(inVp8("<a xmlns='urn:example:junk'><b><c><d><e/></d></c></b></a>"),
                    "8 levels of elements in a Jingle request");
            accepted(inVp8("<a xmlns='urn:example:junk'><b><c><d/></c></b></a>"));
        }

        @Test
        void attributesAndText() {
            refused(inVideo("<x xmlns='urn:example:junk' " + times(33, i -> "a" + i + "='1' ") + "/>"),
                    "32 attributes per element (<x>)");
            refused(inVideo("<x xmlns='urn:example:junk' a='" + chars(1025) + "'/>"), "1024 characters in an attribute (<x a>)");
            refused(inVideo("<x xmlns='urn:example:junk'>" + chars(1025) + "</x>"), "1024 characters of text in an element");
            accepted(inVideo("<x xmlns='urn:example:junk' a='" + chars(1024) + "'>" + chars(1024) + "</x>"));
        }

        @Test
        void twentyPayloadTypesOfTwoThousandFeedbackEntriesAreRefusedBeforeSmackParsesThem() {
            String flood = times(20, i -> payloadType(96 + i, 2000));
            assertThatThrownBy(() -> jingle(inVideo(flood)))
                    .isInstanceOf(MalformedJingleException.class)
                    .hasMessage("over the gateway's limit of 4096 elements in a Jingle request");
        }
    }

    @Nested
    class Feedback {
        /** An rtcp-fb that counts how often it is read. */
        static final class CountingFb extends RtcpFbPacketExtension {
            private final AtomicInteger reads;

            CountingFb(String type, AtomicInteger reads) {
                setFeedbackType(type);
                this.reads = reads;
            }

            @Override
            public String getFeedbackType() {
                reads.incrementAndGet();
                return super.getFeedbackType();
            }
        }

        private JingleIQ offerWithVideoPayloadTypes(int payloadTypes, int feedbackEach, AtomicInteger reads) throws Exception {
            JingleIQ iq = JingleMessages.sessionInitiate(JidCreate.from("bob@example.org/phone"),
                    JidCreate.from("team@av.example.org"), "sid-1", session(MINIMAL_OFFER));
            ContentPacketExtension video = iq.getContentList().get(1);
            RtpDescriptionPacketExtension description = video.getFirstChildOfType(RtpDescriptionPacketExtension.class);
            for (int p = 0; p < payloadTypes; p++) {
                PayloadTypePacketExtension pt = new PayloadTypePacketExtension();
                pt.setId(96 + p);
                pt.setName("X" + p);
                pt.setClockrate(90000);
                for (int f = 0; f < feedbackEach; f++) {
                    pt.addRtcpFeedbackType(new CountingFb("x-fb-" + f, reads));
                }
                description.addPayloadType(pt);
            }
            return iq;
        }

        @Test
        void twentyPayloadTypesOfTwoThousandFeedbackEntriesAreRefusedBeforeAnyIsRead() throws Exception {
            AtomicInteger reads = new AtomicInteger();
            JingleIQ iq = offerWithVideoPayloadTypes(20, 2000, reads);

            assertThatThrownBy(() -> JingleConverter.readSession(iq))
                    .isInstanceOf(MalformedJingleException.class)
                    .hasMessage("over the gateway's limit of 16 rtcp-fb per payload type (payload-type 96 in content 'video')");
            assertThat(reads).as("rtcp-fb read (and merged) before the refusal").hasValue(0);
        }

        @Test
        void eachFeedbackEntryIsReadOnceWhateverTheirNumber() throws Exception {
            AtomicInteger reads = new AtomicInteger();
            JingleIQ iq = offerWithVideoPayloadTypes(15, 16, reads);

            SessionDescription offer = JingleConverter.readSession(iq);

            assertThat(reads).as("one read per rtcp-fb").hasValue(15 * 16);
            assertThat(offer.content("video").orElseThrow().payloadType(96).orElseThrow().rtcpFb()).hasSize(16);
        }

        @Test
        void theDescriptionsFeedbackFollowsEachPayloadTypesOwnWithoutRepeats() throws Exception {
            String shared = "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>"
                    + "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>"
                    + "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='goog-remb'/>"
                    + "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>";
            String own = "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>"
                    + "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>";
            String xml = inVideo(shared + "<payload-type id='101' name='H264' clockrate='90000'>" + own + "</payload-type>");

            MediaContent video = session(xml).content("video").orElseThrow();

            // VP8 has its own 'nack pli' first; H264 its own 'ccm fir', once
            assertThat(video.payloadType(100).orElseThrow().rtcpFb())
                    .containsExactly(RtcpFb.NACK_PLI, RtcpFb.NACK, RtcpFb.GOOG_REMB);
            assertThat(video.payloadType(101).orElseThrow().rtcpFb())
                    .containsExactly(RtcpFb.CCM_FIR, RtcpFb.NACK, RtcpFb.NACK_PLI, RtcpFb.GOOG_REMB);
        }

        @Test
        void theLimitPerPayloadTypeCountsTheDescriptionsFeedbackToo() {
            String shared = times(10, i -> fb(100 + i));
            accepted(inVp8(times(5, JingleLimitsTest::fb)).replace(VIDEO_DESCRIPTION, VIDEO_DESCRIPTION + shared));
            refused(inVp8(times(6, JingleLimitsTest::fb)).replace(VIDEO_DESCRIPTION, VIDEO_DESCRIPTION + shared),
                    "16 rtcp-fb per payload type, with the description's (payload-type 100 in content 'video')");
            // repeats of the description's own do not count twice
            accepted(inVp8(times(5, JingleLimitsTest::fb) + times(10, i -> fb(100 + i)))
                    .replace(VIDEO_DESCRIPTION, VIDEO_DESCRIPTION + shared));
        }
    }
}
