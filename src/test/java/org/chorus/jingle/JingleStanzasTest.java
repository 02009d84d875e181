package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_GATHERING_COMPLETE;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_OFFER;
import static org.chorus.jingle.JingleFixtures.MINIMAL_OFFER;
import static org.chorus.jingle.JingleFixtures.jingle;
import static org.chorus.jingle.JingleFixtures.tinder;

import org.dom4j.Element;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.JingleIQProvider;
import org.jitsi.xmpp.extensions.jingle.SessionInfoType;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/** The one Tinder ↔ Smack crossing, and provider registration. */
class JingleStanzasTest {

    @Test
    void registrationIsIdempotentAndReplacesSmackExtensionsOwnJingleProvider() {
        JingleStanzas.registerProviders();
        Object first = ProviderManager.getIQProvider(JingleIQ.ELEMENT, JingleIQ.NAMESPACE);
        JingleStanzas.registerProviders();

        assertThat(first).isInstanceOf(JingleIQProvider.class);
        assertThat(ProviderManager.getIQProvider(JingleIQ.ELEMENT, JingleIQ.NAMESPACE)).isSameAs(first);
        assertThat(ProviderManager.getExtensionProvider("users", "urn:xmpp:coin:1")).isNotNull();
        assertThat(ProviderManager.getExtensionProvider("gathering-complete", "urn:xmpp:jingle:transports:ice-udp:1")).isNotNull();
        assertThat(ProviderManager.getExtensionProvider("source", "urn:xmpp:jingle:apps:rtp:ssma:0")).isNotNull();
    }

    @Test
    void registrationRepairsAReplacedIqProvider() throws Exception {
        JingleStanzas.registerProviders();
        Object ours = ProviderManager.getIQProvider(JingleIQ.ELEMENT, JingleIQ.NAMESPACE);
        ProviderManager.addIQProvider(JingleIQ.ELEMENT, JingleIQ.NAMESPACE, new org.jivesoftware.smackx.jingle.provider.JingleProvider());

        JingleIQ parsed = jingle(MINIMAL_OFFER);

        assertThat(parsed.getAction()).isEqualTo(JingleAction.SESSION_INITIATE);
        assertThat(ProviderManager.getIQProvider(JingleIQ.ELEMENT, JingleIQ.NAMESPACE)).isSameAs(ours);
    }

    @Test
    void aSmackClientParsesWhatTheGatewaySendsIntoJingleIq() throws Exception {
        JingleStanzas.registerProviders();
        String sent = JingleStanzas.toTinder(jingle(MINIMAL_OFFER)).toXML();
        org.jivesoftware.smack.packet.IQ iq = PacketParserUtils.parseIQ(PacketParserUtils.getParserFor(sent));

        assertThat(iq).isInstanceOf(JingleIQ.class);
        assertThat(((JingleIQ) iq).getContentList()).hasSize(2);
    }

    @Test
    void indentedJingleIsReadAlthoughJitsisProviderAloneFailsOnIt() throws Exception {
        JingleStanzas.registerProviders();
        String indented = tinder(MINIMAL_OFFER).toXML();

        assertThatThrownBy(() -> PacketParserUtils.parseIQ(PacketParserUtils.getParserFor(indented)))
                .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(jingle(MINIMAL_OFFER).getContentList()).hasSize(2);
    }

    @Test
    void readsATinderIqWithItsEnvelope() throws Exception {
        JingleIQ iq = jingle(CHROMIUM_OFFER);

        assertThat(iq.getAction()).isEqualTo(JingleAction.SESSION_INITIATE);
        assertThat(iq.getSID()).isEqualTo("a73sjjvkla37jfea");
        assertThat(iq.getInitiator().toString()).isEqualTo("alice@example.org/web-7f3a");
        assertThat(iq.getFrom().toString()).isEqualTo("alice@example.org/web-7f3a");
        assertThat(iq.getTo().toString()).isEqualTo("team@av.example.org");
        assertThat(iq.getStanzaId()).isEqualTo("st-41");
        assertThat(iq.getType()).isEqualTo(org.jivesoftware.smack.packet.IQ.Type.set);
        assertThat(iq.getContentList()).extracting(c -> c.getName()).containsExactly("0", "1");
    }

    @Test
    void tinderToSmackToTinderKeepsEnvelopeAndContent() throws Exception {
        for (String xml : new String[] {CHROMIUM_OFFER, MINIMAL_OFFER, CHROMIUM_GATHERING_COMPLETE}) {
            IQ original = tinder(xml);
            IQ back = JingleStanzas.toTinder(SmackJingleReading.toJingleIq(original));

            assertThat(back.getType()).isEqualTo(original.getType());
            assertThat(back.getID()).isEqualTo(original.getID());
            assertThat(back.getFrom()).isEqualTo(original.getFrom());
            assertThat(back.getTo()).isEqualTo(original.getTo());
            Element child = back.getChildElement();
            assertThat(child.getName()).isEqualTo("jingle");
            assertThat(child.getNamespaceURI()).isEqualTo("urn:xmpp:jingle:1");
            // what matters is that the meaning survives: the model read from both is the same
            JingleIQ again = SmackJingleReading.toJingleIq(back);
            JingleIQ first = SmackJingleReading.toJingleIq(original);
            if (first.getAction() == JingleAction.TRANSPORT_INFO) {
                assertThat(JingleConverter.readTransportInfo(again)).isEqualTo(JingleConverter.readTransportInfo(first));
            } else {
                assertThat(JingleConverter.readSession(again)).isEqualTo(JingleConverter.readSession(first));
            }
        }
    }

    @Test
    void theTinderIqCarriesNoJabberClientNamespace() throws Exception {
        IQ back = JingleStanzas.toTinder(jingle(MINIMAL_OFFER));

        assertThat(back.toXML()).doesNotContain("jabber:client");
        assertThat(back.getElement().getNamespaceURI()).isNotEqualTo("jabber:client");
    }

    @Test
    void jidsConvertBothWays() {
        JID tinder = new JID("team@av.example.org");
        assertThat(JingleStanzas.tinderJid(JingleStanzas.smackJid(tinder))).isEqualTo(tinder);
        JID full = new JID("alice@example.org/web-7f3a");
        assertThat(JingleStanzas.smackJid(full).toString()).isEqualTo("alice@example.org/web-7f3a");
    }

    @Test
    void sessionInfoIsAcknowledged() throws Exception {
        IQ ringing = tinder("""
            <iq type='set' id='r1' from='alice@example.org/web-7f3a' to='team@av.example.org'>
              <jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='a73sjjvkla37jfea'>
                <ringing xmlns='urn:xmpp:jingle:apps:rtp:info:1'/>
              </jingle>
            </iq>""");
        JingleIQ parsed = SmackJingleReading.toJingleIq(ringing);
        IQ ack = JingleStanzas.acknowledge(ringing);

        assertThat(parsed.getSessionInfo().getType()).isEqualTo(SessionInfoType.ringing);
        assertThat(ack.getType()).isEqualTo(IQ.Type.result);
        assertThat(ack.getID()).isEqualTo("r1");
        assertThat(ack.getTo()).isEqualTo(new JID("alice@example.org/web-7f3a"));
    }

    @Test
    void muteNamesItsContent() throws Exception {
        JingleIQ parsed = jingle("""
            <iq type='set' id='r2' from='alice@example.org/web-7f3a' to='team@av.example.org'>
              <jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'>
                <mute xmlns='urn:xmpp:jingle:apps:rtp:info:1' creator='initiator' name='0'/>
              </jingle>
            </iq>""");

        assertThat(parsed.getSessionInfo().getType()).isEqualTo(SessionInfoType.mute);
    }

    @Test
    void anUnknownSessionInfoPayloadIsUnsupportedInfoNotACrash() {
        assertThatThrownBy(() -> jingle("""
            <iq type='set' id='r3' from='alice@example.org/web-7f3a' to='team@av.example.org'>
              <jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'>
                <dance xmlns='urn:xmpp:jingle:apps:rtp:info:1'/>
              </jingle>
            </iq>"""))
                .isInstanceOfSatisfying(MalformedJingleException.class, e -> assertThat(e.unsupportedInfo()).isTrue())
                .hasMessageContaining("dance");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // not Jingle at all
        "<iq type='set' id='b1'><query xmlns='jabber:iq:version'/></iq>",
        // no action, an unknown one, and Jitsi's own source-add (not XEP-0166)
        "<iq type='set' id='b2'><jingle xmlns='urn:xmpp:jingle:1' sid='s'/></iq>",
        "<iq type='set' id='b3'><jingle xmlns='urn:xmpp:jingle:1' action='session-dance' sid='s'/></iq>",
        "<iq type='set' id='b4'><jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='s'/></iq>",
        // no sid, a blank sid
        "<iq type='set' id='b5'><jingle xmlns='urn:xmpp:jingle:1' action='session-terminate'/></iq>",
        "<iq type='set' id='b6'><jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid=' '/></iq>",
        // jingle in a wrong namespace
        "<iq type='set' id='b7'><jingle xmlns='urn:xmpp:jingle:0' action='session-terminate' sid='s'/></iq>",
    })
    void malformedRequestsGiveAClearException(String xml) {
        assertThatThrownBy(() -> jingle(xml))
                .isInstanceOf(MalformedJingleException.class)
                .hasMessageNotContaining("Exception")
                .satisfies(e -> assertThat(((MalformedJingleException) e).unsupportedInfo()).isFalse());
    }

    @Test
    void anElementSmackRejectsIsMalformedWithAReason() {
        assertThatThrownBy(() -> jingle("""
            <iq type='set' id='b8' from='alice@example.org/x' to='team@av.example.org'>
              <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s' initiator='alice@example.org/x'>
                <conference-info xmlns='urn:xmpp:coin:1' isfocus='false'><users><user/></users></conference-info>
              </jingle>
            </iq>"""))
                .isInstanceOf(MalformedJingleException.class)
                .hasMessageStartingWith("cannot read the Jingle request")
                .hasMessageContaining("entity");
    }

    @Test
    void aBadNumberIsReportedByTheModelReader() {
        // Smack keeps attributes as text; reading the model reports the bad number
        assertThatThrownBy(() -> JingleFixtures.session("""
            <iq type='set' id='b9' from='alice@example.org/x' to='team@av.example.org'>
              <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s' initiator='alice@example.org/x'>
                <content creator='initiator' name='0' senders='initiator'>
                  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
                    <payload-type id='111' name='opus' clockrate='48000' channels='two'/>
                  </description>
                </content>
              </jingle>
            </iq>"""))
                .isInstanceOf(MalformedJingleException.class)
                .hasMessageContaining("channels")
                .hasMessageContaining("two");
    }
}
