package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_OFFER;
import static org.chorus.jingle.JingleFixtures.gatewayTransport;
import static org.chorus.jingle.JingleFixtures.session;

import java.util.List;
import org.dom4j.Element;
import org.dom4j.QName;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.jitsi.xmpp.extensions.jingle.SessionInfoType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.xmpp.packet.IQ;

/** The Jingle IQs the gateway sends, as they look on the wire. */
class JingleMessagesTest {
    private static final String JINGLE = "urn:xmpp:jingle:1";
    private final Jid conference;
    private final Jid alice;

    JingleMessagesTest() throws Exception {
        conference = JidCreate.from("team@av.example.org");
        alice = JidCreate.from("alice@example.org/web-7f3a");
    }

    @Test
    void sessionAcceptFromTheConferenceWithOurTransportAndCoinFocus() throws Exception {
        NegotiatedSession negotiated = Negotiation.withDefaults().answer(session(CHROMIUM_OFFER)).value();
        IQ wire = JingleStanzas.toTinder(JingleMessages.sessionAccept(conference, alice, "a73sjjvkla37jfea", negotiated, gatewayTransport()));
        Element jingle = wire.getChildElement();

        assertThat(wire.getType()).isEqualTo(IQ.Type.set);
        assertThat(wire.getID()).isNotBlank();
        assertThat(wire.getFrom()).hasToString("team@av.example.org");
        assertThat(wire.getTo()).hasToString("alice@example.org/web-7f3a");
        assertThat(jingle.attributeValue("action")).isEqualTo("session-accept");
        assertThat(jingle.attributeValue("responder")).isEqualTo("team@av.example.org");
        assertThat(jingle.attributeValue("initiator")).isNull();
        assertThat(jingle.attributeValue("sid")).isEqualTo("a73sjjvkla37jfea");

        Element coin = jingle.element(QName.get("conference-info", "urn:xmpp:coin:1"));
        assertThat(coin.attributeValue("isfocus")).isEqualTo("true");
        assertThat(coin.elements()).isEmpty();

        List<Element> contents = jingle.elements(QName.get("content", JINGLE));
        assertThat(contents).hasSize(2);
        for (Element content : contents) {
            Element transport = content.element(QName.get("transport", "urn:xmpp:jingle:transports:ice-udp:1"));
            assertThat(transport.attributeValue("ufrag")).isEqualTo("gW1x");
            assertThat(transport.attributeValue("pwd")).isEqualTo("gatewayIcePasswordAbcdef12");
            assertThat(transport.element("fingerprint").attributeValue("setup")).isEqualTo("active");
            assertThat(transport.element("fingerprint").attributeValue("hash")).isEqualTo("sha-256");
            Element candidate = transport.element("candidate");
            assertThat(candidate.attributeValue("type")).isEqualTo("host");
            assertThat(candidate.attributeValue("protocol")).isEqualTo("udp");
            assertThat(candidate.attributeValue("port")).isEqualTo("10000");
            Element description = content.element(QName.get("description", "urn:xmpp:jingle:apps:rtp:1"));
            assertThat(description.elements(QName.get("source", "urn:xmpp:jingle:apps:rtp:ssma:0"))).isEmpty();
            assertThat(description.element("rtcp-mux")).isNotNull();
        }
        Element video = contents.get(1).element("description");
        assertThat(video.elements("payload-type")).extracting(e -> e.attributeValue("id")).containsExactly("96", "97", "106", "107");
        assertThat(video.element("payload-type").elements("rtcp-fb")).extracting(e -> e.attributeValue("type"))
                .containsExactly("goog-remb", "ccm", "nack", "nack")
                .doesNotContain("transport-cc");
        assertThat(jingle.element(QName.get("group", "urn:xmpp:jingle:apps:grouping:0")).elements()).hasSize(2);
    }

    @Test
    void oneTrickledCandidatePerTransportInfo() throws Exception {
        JingleCandidate candidate = JingleCandidate.udpHost("1", 1, 2130706431L, "192.0.2.1", 10000, 0, "gw-c1");
        IQ wire = JingleStanzas.toTinder(JingleMessages.transportInfo(conference, alice, "sid-9", "0", "gW1x", "pwd-pwd-pwd-pwd-pwd-pw", candidate));
        Element jingle = wire.getChildElement();

        assertThat(jingle.attributeValue("action")).isEqualTo("transport-info");
        Element content = jingle.element(QName.get("content", JINGLE));
        assertThat(content.attributeValue("creator")).isEqualTo("initiator");
        assertThat(content.attributeValue("name")).isEqualTo("0");
        Element transport = content.element("transport");
        assertThat(transport.attributeValue("ufrag")).isEqualTo("gW1x");
        assertThat(transport.elements("candidate")).singleElement()
                .satisfies(c -> assertThat(c.attributeValue("ip")).isEqualTo("192.0.2.1"));
        assertThat(transport.element("fingerprint")).isNull();

        assertThat(JingleConverter.readTransportInfo(SmackJingleReading.toJingleIq(wire)).get(0).transport().candidates())
                .containsExactly(candidate);
    }

    @Test
    void gatheringComplete() {
        IQ wire = JingleStanzas.toTinder(JingleMessages.gatheringComplete(conference, alice, "sid-9", "0", "gW1x", "pwd"));

        Element transport = wire.getChildElement().element("content").element("transport");
        assertThat(transport.element(QName.get("gathering-complete", "urn:xmpp:jingle:transports:ice-udp:1"))).isNotNull();
        assertThat(transport.elements("candidate")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
        "SUCCESS, success, none",
        "GONE, gone, none",
        "DECLINE, decline, You were removed from the room",
        "TIMEOUT, timeout, No media for 30 s",
        "FAILED_APPLICATION, failed-application, no common codec",
        "FAILED_TRANSPORT, failed-transport, ICE did not complete in 30 s",
        "SECURITY_ERROR, security-error, DTLS fingerprint mismatch",
        "EXPIRED, expired, Replaced by a new session from the same client",
    })
    void sessionTerminateWithEachReason(Reason reason, String element, String text) throws Exception {
        IQ wire = JingleStanzas.toTinder(JingleMessages.sessionTerminate(conference, alice, "sid-1", reason, text));
        Element reasonElement = wire.getChildElement().element(QName.get("reason", JINGLE));

        assertThat(wire.getChildElement().attributeValue("action")).isEqualTo("session-terminate");
        assertThat(reasonElement.element(QName.get(element, JINGLE))).isNotNull();
        assertThat(reasonElement.elementText(QName.get("text", JINGLE))).isEqualTo(text);

        JingleIQ read = SmackJingleReading.toJingleIq(wire);
        assertThat(read.getReason().getReason()).isEqualTo(reason);
        assertThat(read.getReason().getText()).isEqualTo(text);
    }

    @Test
    void aTextIsEscaped() {
        IQ wire = JingleStanzas.toTinder(JingleMessages.decline(conference, alice, "sid-1", "kicked by <bob> & co"));

        assertThat(wire.getChildElement().element("reason").elementText("text")).isEqualTo("kicked by <bob> & co");
    }

    @Test
    void aDeclineSaysWhy() {
        assertThatThrownBy(() -> JingleMessages.decline(conference, alice, "sid-1", " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegotiationFailureBecomesItsSessionTerminate() {
        NegotiationFailure failure = new NegotiationFailure(NegotiationFailure.Kind.FAILED_APPLICATION, "no common codec for content '0'");

        IQ wire = JingleStanzas.toTinder(JingleMessages.sessionTerminate(conference, alice, "sid-1", failure));

        assertThat(wire.getChildElement().element("reason").element("failed-application")).isNotNull();
        assertThat(wire.getChildElement().element("reason").elementText("text")).isEqualTo("no common codec for content '0'");
        assertThatThrownBy(() -> JingleMessages.sessionTerminate(conference, alice, "sid-1",
                new NegotiationFailure(NegotiationFailure.Kind.BAD_REQUEST, "no content")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sessionInfoRinging() throws Exception {
        IQ wire = JingleStanzas.toTinder(JingleMessages.sessionInfo(alice, conference, "sid-1", SessionInfoType.ringing));

        assertThat(wire.getChildElement().element(QName.get("ringing", "urn:xmpp:jingle:apps:rtp:info:1"))).isNotNull();
        assertThat(SmackJingleReading.toJingleIq(wire).getSessionInfo().getType()).isEqualTo(SessionInfoType.ringing);
    }
}
