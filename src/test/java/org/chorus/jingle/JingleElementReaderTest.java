package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_GATHERING_COMPLETE;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_HOST_CANDIDATE;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_OFFER;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_SRFLX_CANDIDATE;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_TCP_CANDIDATE;
import static org.chorus.jingle.JingleFixtures.MINIMAL_OFFER;
import static org.chorus.jingle.JingleFixtures.tinder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.chorus.jingle.client.ClientDescriptions;
import org.chorus.jingle.client.LocalStreams;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.jxmpp.jid.impl.JidCreate;
import org.xmpp.packet.IQ;

/**
 * The gateway reads Jingle from dom4j straight into the model ({@link InboundJingle},
 * {@link JingleElementReader}); the Smack path it replaced (now {@link SmackJingleReading}, and
 * {@link JingleReader}, which still serves the clients) is the reference. Both must give the same model, or refuse with the
 * same message, for every request: browser offers and trickle, the Java client's offer and answer,
 * malformed requests and requests over the limits.
 */
class JingleElementReaderTest {
    private static final String FINGERPRINT =
            "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
    private static final String VIDEO_DESCRIPTION = "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>";
    private static final String VP8 = "<payload-type id='100' name='VP8' clockrate='90000'>";
    private static final String GROUP = "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>";

    /** What a path gave: a model, or the refusal's message. */
    private record Outcome(Object model, String refusal, boolean unsupportedInfo) {}

    static Stream<Arguments> requests() throws Exception {
        List<Arguments> all = new ArrayList<>();
        all.add(Arguments.of("Chromium's offer", CHROMIUM_OFFER));
        all.add(Arguments.of("the minimal offer", MINIMAL_OFFER));
        all.add(Arguments.of("Chromium's offer, indented", CHROMIUM_OFFER.replace("><", ">\n    <")));
        all.add(Arguments.of("a host candidate", CHROMIUM_HOST_CANDIDATE));
        all.add(Arguments.of("a TCP candidate", CHROMIUM_TCP_CANDIDATE));
        all.add(Arguments.of("a server-reflexive candidate", CHROMIUM_SRFLX_CANDIDATE));
        all.add(Arguments.of("gathering complete", CHROMIUM_GATHERING_COMPLETE));
        all.add(Arguments.of("the Java client's offer", javaClientOffer()));
        all.add(Arguments.of("the Java client's answer to a forwarding offer", javaClientAnswer()));
        // malformed
        all.add(Arguments.of("a content without a name", CHROMIUM_OFFER.replace("name='0' senders", "senders")));
        all.add(Arguments.of("an unknown senders value",
                CHROMIUM_OFFER.replace("name='0' senders='initiator'", "name='0' senders='everyone'")));
        all.add(Arguments.of("an ssrc out of range", CHROMIUM_OFFER.replace("ssrc='2849251871'", "ssrc='4294967296'")));
        all.add(Arguments.of("an unknown DTLS setup", CHROMIUM_OFFER.replace("setup='actpass'", "setup='sometimes'")));
        all.add(Arguments.of("a candidate without a port", CHROMIUM_HOST_CANDIDATE.replace(" port='52711'", "")));
        all.add(Arguments.of("a content without a description", content("<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u' pwd='p'/>")));
        all.add(Arguments.of("a description of unknown media", MINIMAL_OFFER.replace("media='video'", "media='smell'")));
        all.add(Arguments.of("a payload type without an id", MINIMAL_OFFER.replace("payload-type id='100'", "payload-type")));
        all.add(Arguments.of("a payload type id that is no number", MINIMAL_OFFER.replace("payload-type id='100'", "payload-type id='x'")));
        all.add(Arguments.of("an rtcp-fb without type", inVp8("<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0'/>")));
        all.add(Arguments.of("an rtp-hdrext without uri", inVideo("<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='3'/>")));
        all.add(Arguments.of("an ssrc-group without semantics", inVideo("<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0'/>")));
        all.add(Arguments.of("two contents of one name", MINIMAL_OFFER.replace("name='video'", "name='audio'")));
        all.add(Arguments.of("a fingerprint without a hash", CHROMIUM_OFFER.replace("hash='sha-256'", "")));
        all.add(Arguments.of("no action", MINIMAL_OFFER.replace("action='session-initiate'", "")));
        all.add(Arguments.of("Jitsi's own action", MINIMAL_OFFER.replace("action='session-initiate'", "action='source-add'")));
        all.add(Arguments.of("no sid", MINIMAL_OFFER.replace("sid='min-1'", "")));
        all.add(Arguments.of("an initiator that is no JID", MINIMAL_OFFER.replace("initiator='bob@example.org/phone'",
                "initiator='a@b@c'")));
        all.add(Arguments.of("not Jingle", MINIMAL_OFFER.replace("urn:xmpp:jingle:1", "urn:example:not-jingle")));
        all.add(Arguments.of("unknown session-info", MINIMAL_OFFER.replace("action='session-initiate'", "action='session-info'")
                .replace(GROUP, "<hold-music xmlns='urn:xmpp:jingle:apps:rtp:info:1'/>" + GROUP)));
        all.add(Arguments.of("unknown elements and namespaces are left out", inVideo("<payload-type xmlns='urn:example:other' id='x'/>"
                + "<source xmlns='urn:example:other' ssrc='x'/><extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>"
                + "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' rid='q'/>")));
        // over the limits
        all.add(Arguments.of("16 contents", MINIMAL_OFFER.replace(GROUP,
                times(15, i -> "<content creator='initiator' name='x" + i + "' senders='initiator'>" + VIDEO_DESCRIPTION
                        + "</description></content>") + GROUP)));
        all.add(Arguments.of("33 payload types", inVideo(times(33, i -> "<payload-type id='" + i + "' name='X'/>"))));
        all.add(Arguments.of("65 rtcp-fb on one payload type", inVp8(times(65, JingleElementReaderTest::fb))));
        all.add(Arguments.of("a long sid", MINIMAL_OFFER.replace("sid='min-1'", "sid='" + "a".repeat(129) + "'")));
        all.add(Arguments.of("a long content name", MINIMAL_OFFER.replace("name='video'", "name='" + "a".repeat(65) + "'")));
        all.add(Arguments.of("a long ufrag", MINIMAL_OFFER.replace("ufrag='bUf1'", "ufrag='" + "a".repeat(257) + "'")));
        all.add(Arguments.of("32 candidates", CHROMIUM_HOST_CANDIDATE.replace("</transport>",
                times(32, JingleElementReaderTest::candidate) + "</transport>")));
        all.add(Arguments.of("65 sources", inVideo(times(65, i -> "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='"
                + (5000 + i) + "'/>"))));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void theElementReaderGivesWhatTheSmackPathGave(String what, String xml) {
        assertThat(elementPath(xml)).isEqualTo(smackPath(xml));
    }

    @Test
    void theCasesCoverModelsAndRefusals() throws Exception {
        long models = requests().filter(a -> smackPath((String) a.get()[1]).model() != null).count();
        long refusals = requests().filter(a -> smackPath((String) a.get()[1]).refusal() != null).count();
        assertThat(models).isGreaterThanOrEqualTo(9);
        assertThat(refusals).isGreaterThanOrEqualTo(20);
    }

    @Test
    void theChromiumOfferIsReadWhole() throws Exception {
        SessionDescription offer = JingleElementReader.DEFAULT.readSession(InboundJingle.read(tinder(CHROMIUM_OFFER)).jingle());
        assertThat(offer.contents()).hasSize(2);
        assertThat(offer.transport().fingerprint()).isNotNull();
        assertThatThrownBy(() -> InboundJingle.read(tinder(MINIMAL_OFFER.replace("sid='min-1'", ""))))
                .isInstanceOf(MalformedJingleException.class).hasMessage("the jingle element has no sid");
    }

    private static Outcome smackPath(String xml) {
        try {
            JingleIQ iq = SmackJingleReading.toJingleIq(tinder(xml));
            return new Outcome(isTransportInfo(xml) ? JingleConverter.readTransportInfo(iq) : JingleConverter.readSession(iq),
                    null, false);
        } catch (MalformedJingleException e) {
            return new Outcome(null, e.getMessage(), e.unsupportedInfo());
        }
    }

    private static Outcome elementPath(String xml) {
        try {
            InboundJingle request = InboundJingle.read(tinder(xml));
            return new Outcome(isTransportInfo(xml)
                    ? JingleElementReader.DEFAULT.readTransportInfo(request.jingle())
                    : JingleElementReader.DEFAULT.readSession(request.jingle()), null, false);
        } catch (MalformedJingleException e) {
            return new Outcome(null, e.getMessage(), e.unsupportedInfo());
        }
    }

    private static boolean isTransportInfo(String xml) {
        return xml.contains("action='transport-info'") || xml.contains("action=\"transport-info\"");
    }

    private static String javaClientOffer() throws Exception {
        IceTransport ours = new IceTransport("ufrag1", "password-of-22-chars-x", new Fingerprint("sha-256", FINGERPRINT,
                DtlsSetup.ACTPASS), true, List.of(JingleCandidate.udpHost("1", 1, 2130706431L, "127.0.0.1", 40000, 0, "c1")), false);
        SessionDescription offer = ClientDescriptions.joinOffer(new LocalStreams(1111L, 2222L, 3333L, "cname-1", "stream-1"), ours);
        JingleIQ iq = JingleMessages.sessionInitiate(JidCreate.from("alice@example.org/laptop"),
                JidCreate.from("team@av.example.org"), "sid-1", offer);
        return JingleStanzas.toTinder(iq).toXML();
    }

    private static String javaClientAnswer() throws Exception {
        SessionDescription offer = JingleFixtures.session(CHROMIUM_OFFER);
        IceTransport ours = new IceTransport("ufrag2", "password-of-22-chars-y", new Fingerprint("sha-256", FINGERPRINT,
                DtlsSetup.ACTIVE), true, List.of(), false);
        JingleIQ iq = JingleMessages.sessionAccept(JidCreate.from("bob@example.org/phone"),
                JidCreate.from("team@av.example.org"), "f-1", ClientDescriptions.acceptForwarding(offer, ours));
        return JingleStanzas.toTinder(iq).toXML();
    }

    private static String content(String inner) {
        return "<iq type='set' id='x' from='alice@example.org/x' to='team@av.example.org'>"
                + "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s' initiator='alice@example.org/x'>"
                + "<content creator='initiator' name='0' senders='initiator'>" + inner + "</content></jingle></iq>";
    }

    private static String inVideo(String xml) {
        return MINIMAL_OFFER.replace(VIDEO_DESCRIPTION, VIDEO_DESCRIPTION + xml);
    }

    private static String inVp8(String xml) {
        return MINIMAL_OFFER.replace(VP8, VP8 + xml);
    }

    private static String times(int n, IntFunction<String> element) {
        StringBuilder xml = new StringBuilder();
        for (int i = 0; i < n; i++) {
            xml.append(element.apply(i));
        }
        return xml.toString();
    }

    private static String fb(int i) {
        return "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='x-fb-" + i + "'/>";
    }

    private static String candidate(int i) {
        return "<candidate component='1' foundation='" + i + "' generation='0' id='c" + i + "' ip='198.51.100." + (i % 250)
                + "' network='0' port='" + (40000 + i) + "' priority='2130706431' protocol='udp' type='host'/>";
    }
}
