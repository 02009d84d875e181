package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.jingle.JingleFixtures.CHROMIUM_OFFER;
import static org.chorus.jingle.JingleFixtures.MINIMAL_OFFER;
import static org.chorus.jingle.JingleFixtures.gatewayTransport;
import static org.chorus.jingle.JingleFixtures.session;

import java.util.List;
import java.util.Map;
import org.dom4j.Element;
import org.dom4j.QName;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.xmpp.packet.IQ;

/** The gateway calling a receiver with one publisher's media, and the receiver's answer (PROTOCOL.md §6). */
class ForwardingTest {
    private static final String CALL_ID = "5b0c2f8e-4a52-4d7e-9f0b-2a8c7e1d3b66";

    private final Negotiation negotiation = Negotiation.withDefaults();
    private final NegotiatedSession alice;
    private final ForwardingOffer offer;

    ForwardingTest() throws Exception {
        alice = negotiation.answer(session(CHROMIUM_OFFER)).value();
        offer = negotiation.offerToReceiver(CALL_ID, alice, "alice@example.org/web-7f3a", "alice", gatewayTransport());
    }

    /** A receiver that numbers everything its own way, and takes the active DTLS role. */
    static final String CAROL_ACCEPT = """
        <iq type='set' id='ra1' from='carol@example.org/laptop' to='team@av.example.org'>
          <jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid='SID' responder='carol@example.org/laptop'>
            <content creator='initiator' name='0' senders='initiator'>
              <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
                <payload-type id='109' name='opus' clockrate='48000' channels='2'>
                  <parameter name='useinbandfec' value='1'/>
                </payload-type>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='5' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='7' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>
                <rtcp-mux/>
              </description>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='cRl9' pwd='carolIcePassword0123456789'>
                <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'>11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF</fingerprint>
              </transport>
            </content>
            <content creator='initiator' name='1' senders='initiator'>
              <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
                <payload-type id='120' name='VP8' clockrate='90000'>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
                </payload-type>
                <payload-type id='124' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='120'/>
                </payload-type>
                <payload-type id='126' name='H264' clockrate='90000'>
                  <parameter name='packetization-mode' value='1'/>
                  <parameter name='profile-level-id' value='42e01f'/>
                </payload-type>
                <payload-type id='127' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='126'/>
                </payload-type>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='6' uri='http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='7' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>
                <rtcp-mux/>
              </description>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='cRl9' pwd='carolIcePassword0123456789'>
                <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'>11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF</fingerprint>
              </transport>
            </content>
            <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>
              <content name='0'/>
              <content name='1'/>
            </group>
          </jingle>
        </iq>
        """;

    @Nested
    class TheOffer {
        @Test
        void sidIsCallIdColonUuid() {
            assertThat(offer.sid()).matches(CALL_ID + ":[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(negotiation.offerToReceiver(CALL_ID, alice, "alice@example.org", "alice", gatewayTransport()).sid())
                    .isNotEqualTo(offer.sid());
        }

        @Test
        void thePublishersCodecsAndExtensionsUnderItsContentNames() {
            SessionDescription description = offer.description();
            assertThat(description.contentNames()).containsExactly("0", "1");
            assertThat(description.content("0").orElseThrow().payloadTypes()).isEqualTo(alice.content("0").orElseThrow().payloadTypes());
            assertThat(description.content("1").orElseThrow().payloadTypes()).extracting(PayloadType::id).containsExactly(96, 97, 106, 107);
            assertThat(description.content("1").orElseThrow().headerExtensions())
                    .isEqualTo(alice.content("1").orElseThrow().headerExtensions());
            assertThat(description.contents()).allSatisfy(content -> {
                assertThat(content.senders()).isEqualTo(Senders.INITIATOR);
                assertThat(content.rtcpMux()).isTrue();
            });
            assertThat(description.bundle()).containsExactly("0", "1");
        }

        @Test
        void simulcastIsOfferedAsOneStableSsrcWithItsRtx() {
            MediaContent video = offer.description().content("1").orElseThrow();
            assertThat(video.sources()).extracting(Source::ssrc).containsExactly(1119871281L, 3410520742L);
            assertThat(video.sources()).allSatisfy(source -> assertThat(source.cname()).isEqualTo("k3Jd8fRm1LuB0xq9"));
            assertThat(video.sourceGroups()).containsExactly(new SourceGroup("FID", List.of(1119871281L, 3410520742L)));
            assertThat(offer.ssrcRewrite()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    2175331412L, 1119871281L, 4013359170L, 1119871281L,
                    701293588L, 3410520742L, 1663482940L, 3410520742L));
            assertThat(offer.receiverSsrc(2849251871L)).isEqualTo(2849251871L);
        }

        @Test
        void withoutSimulcastEverySourceAndFidGroupIsOffered() throws Exception {
            NegotiatedSession bob = negotiation.answer(session(MINIMAL_OFFER)).value();
            ForwardingOffer bobs = negotiation.offerToReceiver(CALL_ID, bob, "bob@example.org", null, gatewayTransport());

            assertThat(bobs.description().content("video").orElseThrow().sources()).extracting(Source::ssrc).containsExactly(2002L);
            assertThat(bobs.ssrcRewrite()).isEmpty();
            assertThat(bobs.description().conferenceInfo().users())
                    .containsExactly(new ConferenceUser("xmpp:bob@example.org", null));
        }

        @Test
        void ourTransportOffersActpass() {
            IceTransport transport = offer.description().transport();
            assertThat(transport.ufrag()).isEqualTo("gW1x");
            assertThat(transport.fingerprint().setup()).isEqualTo(DtlsSetup.ACTPASS);
            assertThat(transport.rtcpMux()).isTrue();
            assertThat(transport.candidates()).hasSize(1);
        }

        @Test
        void theSessionInitiateOnTheWire() throws Exception {
            Jid conference = JidCreate.from("team@av.example.org");
            JingleIQ built = JingleMessages.sessionInitiate(conference, JidCreate.from("carol@example.org/laptop"), offer);
            IQ wire = JingleStanzas.toTinder(built);
            Element jingle = wire.getChildElement();

            assertThat(wire.getType()).isEqualTo(IQ.Type.set);
            assertThat(wire.getFrom()).hasToString("team@av.example.org");
            assertThat(wire.getTo()).hasToString("carol@example.org/laptop");
            assertThat(jingle.attributeValue("action")).isEqualTo("session-initiate");
            assertThat(jingle.attributeValue("initiator")).isEqualTo("team@av.example.org");
            assertThat(jingle.attributeValue("sid")).isEqualTo(offer.sid());

            Element coin = jingle.element(QName.get("conference-info", "urn:xmpp:coin:1"));
            assertThat(coin.attributeValue("isfocus")).isEqualTo("true");
            Element user = coin.element(QName.get("users", "urn:xmpp:coin:1")).element(QName.get("user", "urn:xmpp:coin:1"));
            assertThat(user.attributeValue("entity")).isEqualTo("xmpp:alice@example.org");
            assertThat(user.elementText(QName.get("display-text", "urn:xmpp:coin:1"))).isEqualTo("alice");

            for (Element content : jingle.elements(QName.get("content", "urn:xmpp:jingle:1"))) {
                assertThat(content.attributeValue("creator")).isEqualTo("initiator");
                assertThat(content.attributeValue("senders")).isEqualTo("initiator");
                Element fingerprint = content.element("transport").element("fingerprint");
                assertThat(fingerprint.attributeValue("setup")).isEqualTo("actpass");
                assertThat(fingerprint.getNamespaceURI()).isEqualTo("urn:xmpp:jingle:apps:dtls:0");
                Element description = content.element("description");
                for (Element source : description.elements(QName.get("source", "urn:xmpp:jingle:apps:rtp:ssma:0"))) {
                    assertThat(source.elements(QName.get("parameter", "urn:xmpp:jingle:apps:rtp:ssma:0"))).isNotEmpty();
                }
            }
            Element group = jingle.element(QName.get("group", "urn:xmpp:jingle:apps:grouping:0"));
            assertThat(group.attributeValue("semantics")).isEqualTo("BUNDLE");
            assertThat(group.elements()).extracting(e -> e.attributeValue("name")).containsExactly("0", "1");

            // and our own reader gets the offer back
            assertThat(session(wire.toXML())).isEqualTo(offer.description());
        }
    }

    @Nested
    class TheReceiversAnswer {
        @Test
        void mapsEveryNumberByCodecAndUri() throws Exception {
            ReceiverMapping mapping = negotiation.receiverAccepted(offer, session(CAROL_ACCEPT)).value();

            assertThat(mapping.sid()).isEqualTo(offer.sid());
            assertThat(mapping.content("0").orElseThrow().payloadTypes()).containsExactlyInAnyOrderEntriesOf(Map.of(111, 109));
            assertThat(mapping.content("1").orElseThrow().payloadTypes())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(96, 120, 97, 124, 106, 126, 107, 127));
            // audio: audio-level 1 → 5, mid 4 → 7, abs-send-time 2 not accepted there
            assertThat(mapping.content("0").orElseThrow().headerExtensions()).containsExactlyInAnyOrderEntriesOf(Map.of(1, 5, 4, 7));
            assertThat(mapping.content("1").orElseThrow().headerExtensions()).containsExactlyInAnyOrderEntriesOf(Map.of(2, 6, 4, 7));
            assertThat(mapping.payloadType(96)).hasValue(120);
            assertThat(mapping.payloadType(98)).isEmpty();
            assertThat(mapping.headerExtensionId(1)).hasValue(5);
            assertThat(mapping.headerExtensionId(3)).isEmpty();
            assertThat(mapping.ssrc(4013359170L)).isEqualTo(1119871281L);
            assertThat(mapping.localSetup()).isEqualTo(DtlsSetup.PASSIVE);
            assertThat(mapping.remoteTransport().ufrag()).isEqualTo("cRl9");
        }

        @Test
        void aReceiverThatKeepsTheOfferedNumbersGetsTheIdentity() throws Exception {
            SessionDescription echoed = new SessionDescription(
                    offer.description().contents().stream().map(MediaContent::withoutSources).toList(),
                    new IceTransport("dAv3", "daveIcePassword012345678", new Fingerprint("sha-256", "AA:BB", DtlsSetup.PASSIVE), false,
                            List.of(), false),
                    List.of("0", "1"), null);
            JingleIQ accept = JingleMessages.sessionAccept(JidCreate.from("dave@example.org/tab"), JidCreate.from("team@av.example.org"),
                    offer.sid(), echoed);

            ReceiverMapping mapping = negotiation.receiverAccepted(offer, session(JingleStanzas.toTinder(accept).toXML())).value();

            assertThat(mapping.content("1").orElseThrow().payloadTypes())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(96, 96, 97, 97, 106, 106, 107, 107));
            assertThat(mapping.localSetup()).isEqualTo(DtlsSetup.ACTIVE);
        }

        @Test
        void anH264InAnotherPacketizationModeDoesNotMatch() throws Exception {
            String answer = CAROL_ACCEPT.replace("<parameter name='packetization-mode' value='1'/>", "<parameter name='packetization-mode' value='0'/>");

            ReceiverMapping mapping = negotiation.receiverAccepted(offer, session(answer)).value();

            assertThat(mapping.content("1").orElseThrow().payloadTypes()).containsExactlyInAnyOrderEntriesOf(Map.of(96, 120, 97, 124));
        }

        @Test
        void aReceiverThatTakesOnlyAudioGetsOnlyAudio() throws Exception {
            String answer = CAROL_ACCEPT.replaceAll("(?s)<content creator='initiator' name='1'.*?</content>", "")
                    .replace("<content name='1'/>", "");

            ReceiverMapping mapping = negotiation.receiverAccepted(offer, session(answer)).value();

            assertThat(mapping.contents()).extracting(ContentMapping::name).containsExactly("0");
        }

        @Test
        void noCommonVideoCodecIsFailedApplication() throws Exception {
            String answer = CAROL_ACCEPT.replace("name='VP8'", "name='VP9'").replace("name='H264'", "name='AV1'");

            NegotiationFailure failure = negotiation.receiverAccepted(offer, session(answer)).failure();

            assertThat(failure.kind()).isEqualTo(NegotiationFailure.Kind.FAILED_APPLICATION);
            assertThat(failure.text()).contains("'1'", "VP8");
        }

        @Test
        void anActpassAnswerIsFailedTransport() throws Exception {
            String answer = CAROL_ACCEPT.replace("setup='active'", "setup='actpass'");

            assertThat(negotiation.receiverAccepted(offer, session(answer)).failure().kind())
                    .isEqualTo(NegotiationFailure.Kind.FAILED_TRANSPORT);
        }

        @Test
        void anAnswerWithoutFingerprintIsFailedTransport() throws Exception {
            String answer = CAROL_ACCEPT.replaceAll("<fingerprint [^>]*>[^<]*</fingerprint>", "");

            assertThat(negotiation.receiverAccepted(offer, session(answer)).failure().text()).contains("fingerprint");
        }

        @Test
        void aContentThatWasNotOfferedIsBadRequest() throws Exception {
            String answer = CAROL_ACCEPT.replace("name='1' senders", "name='screen' senders").replace("<content name='1'/>", "<content name='screen'/>");

            assertThat(negotiation.receiverAccepted(offer, session(answer)).failure().kind())
                    .isEqualTo(NegotiationFailure.Kind.BAD_REQUEST);
        }

        @Test
        void aReceiverThatWantsToSendIsFailedApplication() throws Exception {
            String answer = CAROL_ACCEPT.replace("name='0' senders='initiator'", "name='0' senders='responder'");

            assertThat(negotiation.receiverAccepted(offer, session(answer)).failure().kind())
                    .isEqualTo(NegotiationFailure.Kind.FAILED_APPLICATION);
        }
    }
}
