package org.chorus.jingle.client;

import org.chorus.jingle.IceCandidates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.chorus.jingle.JingleCandidate;
import org.chorus.jingle.SmackJingleReading;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.Fingerprint;
import org.chorus.jingle.ForwardingOffer;
import org.chorus.jingle.HeaderExtension;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.JingleConverter;
import org.chorus.jingle.JingleMessages;
import org.chorus.jingle.JingleStanzas;
import org.chorus.jingle.LocalTransport;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.NegotiatedSession;
import org.chorus.jingle.Negotiation;
import org.chorus.jingle.PayloadType;
import org.chorus.jingle.ReceiverMapping;
import org.chorus.jingle.RtcpFb;
import org.chorus.jingle.Senders;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.SourceGroup;
import org.chorus.media.dtls.DtlsRole;
import org.dom4j.Element;
import org.dom4j.QName;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.xmpp.packet.IQ;

/** The client's offers and answers, checked against the gateway's own negotiation. */
class ClientDescriptionsTest {

    private static final String FINGERPRINT =
            "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
    private static final LocalStreams STREAMS = new LocalStreams(1111L, 2222L, 3333L, "cname-1", "stream-1");
    private static final JingleCandidate HOST = JingleCandidate.udpHost("1", 1, 2130706431L, "127.0.0.1", 40000, 0, "c1");

    private final Negotiation negotiation = Negotiation.withDefaults();

    private static IceTransport ours(DtlsSetup setup) {
        return ClientDescriptions.transport("ufrag1", "password-of-22-chars-x", "sha-256", FINGERPRINT, setup, List.of(HOST));
    }

    private static LocalTransport gateway() {
        return new LocalTransport("gwUf", "gateway-password-0123456", "sha-256", FINGERPRINT.replace("AA", "AB"),
                List.of(JingleCandidate.udpHost("1", 1, 2130706431L, "127.0.0.1", 10000, 0, "g1")));
    }

    @Test
    void theJoinOfferLooksLikeABrowsers() throws Exception {
        SessionDescription offer = ClientDescriptions.joinOffer(STREAMS, ours(DtlsSetup.ACTPASS));
        Jid me = JidCreate.from("alice@example.org/laptop");
        JingleIQ iq = JingleMessages.sessionInitiate(me, JidCreate.from("team@av.example.org"), "sid-1", offer);
        IQ wire = JingleStanzas.toTinder(iq);
        Element jingle = wire.getChildElement();

        assertThat(jingle.attributeValue("action")).isEqualTo("session-initiate");
        assertThat(jingle.attributeValue("initiator")).isEqualTo("alice@example.org/laptop");
        List<Element> contents = jingle.elements(QName.get("content", "urn:xmpp:jingle:1"));
        assertThat(contents).extracting(c -> c.attributeValue("name")).containsExactly("audio", "video");
        for (Element content : contents) {
            assertThat(content.attributeValue("senders")).isEqualTo("initiator");
            assertThat(content.attributeValue("creator")).isEqualTo("initiator");
            Element description = content.element("description");
            assertThat(description.element("rtcp-mux")).isNotNull();
            Element transport = content.element("transport");
            assertThat(transport.getNamespaceURI()).isEqualTo("urn:xmpp:jingle:transports:ice-udp:1");
            assertThat(transport.attributeValue("ufrag")).isEqualTo("ufrag1");
            assertThat(transport.element("rtcp-mux")).isNotNull();
            assertThat(transport.element("fingerprint").attributeValue("setup")).isEqualTo("actpass");
            assertThat(transport.element("fingerprint").attributeValue("hash")).isEqualTo("sha-256");
            assertThat(transport.element("candidate").attributeValue("port")).isEqualTo("40000");
        }
        Element group = jingle.element(QName.get("group", "urn:xmpp:jingle:apps:grouping:0"));
        assertThat(group.attributeValue("semantics")).isEqualTo("BUNDLE");

        // and read back, it is exactly what we described
        SessionDescription read = JingleConverter.readSession(SmackJingleReading.toJingleIq(wire));
        assertThat(read).isEqualTo(offer);
        MediaContent audio = read.content("audio").orElseThrow();
        assertThat(audio.payloadTypes()).containsExactly(ClientDescriptions.opus());
        assertThat(audio.payloadTypes().get(0)).satisfies(pt -> {
            assertThat(pt.id()).isEqualTo(111);
            assertThat(pt.clockrate()).isEqualTo(48000);
            assertThat(pt.channels()).isEqualTo(2);
            assertThat(pt.rtcpFb()).isEmpty();
        });
        assertThat(audio.headerExtensions()).containsExactly(new HeaderExtension(1, HeaderExtension.SSRC_AUDIO_LEVEL),
                new HeaderExtension(4, HeaderExtension.MID));
        assertThat(audio.sources()).singleElement().satisfies(source -> {
            assertThat(source.ssrc()).isEqualTo(1111L);
            assertThat(source.cname()).isEqualTo("cname-1");
            assertThat(source.msid()).isEqualTo("stream-1 stream-1-audio");
        });
        MediaContent video = read.content("video").orElseThrow();
        assertThat(video.payloadTypes()).extracting(PayloadType::id).containsExactly(96, 97);
        assertThat(video.payloadType(96).orElseThrow().rtcpFb())
                .containsExactlyInAnyOrder(RtcpFb.NACK, RtcpFb.NACK_PLI, RtcpFb.CCM_FIR, RtcpFb.GOOG_REMB);
        assertThat(video.payloadType(97).orElseThrow().apt()).hasValue(96);
        assertThat(video.headerExtensions()).containsExactly(new HeaderExtension(3, HeaderExtension.ABS_SEND_TIME),
                new HeaderExtension(4, HeaderExtension.MID));
        assertThat(video.sourceGroups()).containsExactly(new SourceGroup(SourceGroup.FID, List.of(2222L, 3333L)));
        assertThat(read.bundle()).containsExactly("audio", "video");
    }

    @Test
    void theGatewayAcceptsTheOfferAndWeAcceptItsAnswer() {
        SessionDescription offer = ClientDescriptions.joinOffer(STREAMS, ours(DtlsSetup.ACTPASS));
        NegotiatedSession negotiated = negotiation.answer(offer).value();
        assertThat(negotiated.content("video").orElseThrow().payloadTypes()).extracting(PayloadType::id).containsExactly(96, 97);
        assertThat(negotiated.content("audio").orElseThrow().payloadTypes()).extracting(PayloadType::id).containsExactly(111);

        SessionDescription answer = negotiated.answer(gateway());
        assertThat(ClientDescriptions.checkAnswer(offer, answer)).isEmpty();
        assertThat(ClientDescriptions.roleFromAnswer(answer)).isEqualTo(DtlsRole.SERVER);

        SessionDescription passive = new Negotiation(negotiation.policy(), DtlsSetup.PASSIVE).answer(offer).value().answer(gateway());
        assertThat(ClientDescriptions.roleFromAnswer(passive)).isEqualTo(DtlsRole.CLIENT);
    }

    @Test
    void badAnswersAreRefusedWithTheRightReason() {
        SessionDescription offer = ClientDescriptions.joinOffer(STREAMS, ours(DtlsSetup.ACTPASS));
        SessionDescription good = negotiation.answer(offer).value().answer(gateway());

        IceTransport actpass = good.transport().withFingerprint(good.transport().fingerprint().withSetup(DtlsSetup.ACTPASS));
        assertThat(ClientDescriptions.checkAnswer(offer, withTransport(good, actpass)))
                .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo(Reason.FAILED_TRANSPORT));
        assertThat(ClientDescriptions.checkAnswer(offer, withTransport(good, null)))
                .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo(Reason.FAILED_TRANSPORT));
        IceTransport noMux = new IceTransport("u", "p", good.transport().fingerprint(), false, List.of(), false);
        SessionDescription noMuxAnywhere = new SessionDescription(good.contents().stream()
                .map(c -> new MediaContent(c.name(), c.media(), c.senders(), false, c.payloadTypes(), c.headerExtensions(),
                        c.sources(), c.sourceGroups())).toList(), noMux, good.bundle(), good.conferenceInfo());
        assertThat(ClientDescriptions.checkAnswer(offer, noMuxAnywhere))
                .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo(Reason.FAILED_TRANSPORT));
        SessionDescription unbundled = new SessionDescription(good.contents(), good.transport(), List.of("audio"), null);
        assertThat(ClientDescriptions.checkAnswer(offer, unbundled))
                .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo(Reason.FAILED_TRANSPORT));

        MediaContent h264Only = new MediaContent("video", org.chorus.jingle.MediaType.VIDEO, Senders.INITIATOR, true,
                List.of(new PayloadType(126, "H264", 90000, 1)), List.of(), List.of(), List.of());
        SessionDescription noCodec = new SessionDescription(List.of(h264Only), good.transport(), List.of("video"), null);
        assertThat(ClientDescriptions.checkAnswer(offer, noCodec))
                .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo(Reason.FAILED_APPLICATION));
        MediaContent other = new MediaContent("data", org.chorus.jingle.MediaType.AUDIO, Senders.INITIATOR, true,
                List.of(ClientDescriptions.opus()), List.of(), List.of(), List.of());
        SessionDescription unknownContent = new SessionDescription(List.of(other), good.transport(), List.of("data"), null);
        assertThat(ClientDescriptions.checkAnswer(offer, unknownContent))
                .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo(Reason.FAILED_APPLICATION));
    }

    @Test
    void aForwardingOfferIsAcceptedAsOfferedAndTheGatewayMapsItOneToOne() {
        SessionDescription aliceOffer = ClientDescriptions.joinOffer(STREAMS, ours(DtlsSetup.ACTPASS));
        NegotiatedSession alice = negotiation.answer(aliceOffer).value();
        ForwardingOffer offer = negotiation.offerToReceiver("call-1", alice, "alice@example.org/laptop", "Alice", gateway());
        SessionDescription forwarding = offer.description();

        assertThat(ClientDescriptions.checkForwardingOffer(forwarding)).isEmpty();
        DtlsSetup setup = ClientDescriptions.answerSetup(forwarding);
        assertThat(setup).isEqualTo(DtlsSetup.ACTIVE);
        assertThat(ClientDescriptions.roleOf(setup)).isEqualTo(DtlsRole.CLIENT);
        SessionDescription answer = ClientDescriptions.acceptForwarding(forwarding, ours(setup));
        assertThat(answer.contentNames()).isEqualTo(forwarding.contentNames());
        assertThat(answer.bundle()).isEqualTo(forwarding.bundle());
        assertThat(answer.contents()).allSatisfy(content -> {
            assertThat(content.sources()).isEmpty();
            assertThat(content.senders()).isEqualTo(Senders.INITIATOR);
            assertThat(content.rtcpMux()).isTrue();
            assertThat(content.payloadTypes()).isEqualTo(forwarding.content(content.name()).orElseThrow().payloadTypes());
        });

        ReceiverMapping mapping = negotiation.receiverAccepted(offer, answer).value();
        assertThat(mapping.payloadType(96)).hasValue(96);
        assertThat(mapping.payloadType(97)).hasValue(97);
        assertThat(mapping.payloadType(111)).hasValue(111);
        assertThat(mapping.headerExtensionId(4)).hasValue(4);
        assertThat(mapping.localSetup()).isEqualTo(DtlsSetup.PASSIVE);

        // an 'active' offer makes us passive, the DTLS server
        IceTransport active = forwarding.transport().withFingerprint(forwarding.transport().fingerprint().withSetup(DtlsSetup.ACTIVE));
        assertThat(ClientDescriptions.answerSetup(withTransport(forwarding, active))).isEqualTo(DtlsSetup.PASSIVE);
        // no fingerprint: failed-transport
        IceTransport bare = new IceTransport("u", "p", null, true, List.of(), false);
        assertThat(ClientDescriptions.checkForwardingOffer(withTransport(forwarding, bare)))
                .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo(Reason.FAILED_TRANSPORT));
        IceTransport holdconn = forwarding.transport().withFingerprint(new Fingerprint("sha-256", FINGERPRINT, DtlsSetup.HOLDCONN));
        assertThat(ClientDescriptions.checkForwardingOffer(withTransport(forwarding, holdconn)))
                .hasValueSatisfying(p -> assertThat(p.reason()).isEqualTo(Reason.FAILED_TRANSPORT));
    }

    @Test
    void candidatesConvertBothWays() {
        org.chorus.media.ice.Candidate ice = new org.chorus.media.ice.Candidate("7", 1, "udp", 2130706431L, "192.0.2.1",
                5000, org.chorus.media.ice.Candidate.Type.SRFLX, 0, "id7", 0, "10.0.0.1", 5001);
        JingleCandidate jingle = IceCandidates.toJingle(ice);
        assertThat(jingle.type()).isEqualTo("srflx");
        assertThat(jingle.relAddr()).isEqualTo("10.0.0.1");
        assertThat(jingle.relPort()).isEqualTo(5001);
        assertThat(IceCandidates.toIce(jingle)).contains(ice);

        JingleCandidate browser = new JingleCandidate("842163049", 1, "udp", 1677729535L, "198.51.100.7", 61234, "host",
                null, null, null, null, null, null);
        assertThat(IceCandidates.toIce(browser)).hasValueSatisfying(c -> {
            assertThat(c.generation()).isZero();
            assertThat(c.network()).isZero();
            assertThat(c.type()).isEqualTo(org.chorus.media.ice.Candidate.Type.HOST);
        });
        JingleCandidate tcp = new JingleCandidate("1", 1, "tcp", 1518280447L, "198.51.100.7", 9, "host", 0, null, null, null, null, "active");
        assertThat(IceCandidates.toIce(tcp)).hasValueSatisfying(c -> assertThat(c.isUdp()).isFalse());
        JingleCandidate odd = new JingleCandidate("1", 1, "udp", 1L, "198.51.100.7", 9, "weird", 0, null, null, null, null, null);
        assertThat(IceCandidates.toIce(odd)).isEmpty();
    }

    @Test
    void coinEntitiesBecomeBareJids() throws Exception {
        assertThat((Object) ReceivingSession.bareJidOf("xmpp:alice@example.org")).isEqualTo(JidCreate.entityBareFrom("alice@example.org"));
        assertThat((Object) ReceivingSession.bareJidOf("xmpp:Alice@Example.org/laptop")).isEqualTo(JidCreate.entityBareFrom("alice@example.org"));
        assertThat((Object) ReceivingSession.bareJidOf("alice@example.org")).isEqualTo(JidCreate.entityBareFrom("alice@example.org"));
        assertThat((Object) ReceivingSession.bareJidOf("xmpp:example.org")).isNull();
        assertThat((Object) ReceivingSession.bareJidOf("xmpp:")).isNull();
        assertThat((Object) ReceivingSession.bareJidOf(null)).isNull();
    }

    @Test
    void localStreamsAreChecked() {
        LocalStreams random = LocalStreams.audioAndVideo();
        assertThat(random.hasAudio()).isTrue();
        assertThat(random.hasVideo()).isTrue();
        assertThat(List.of(random.audioSsrc(), random.videoSsrc(), random.videoRtxSsrc())).doesNotHaveDuplicates();
        assertThat(LocalStreams.audioOnly().videoRtx()).isEmpty();
        assertThat(ClientDescriptions.joinOffer(LocalStreams.videoOnly().withoutRtx(), ours(DtlsSetup.ACTPASS))
                .content("video").orElseThrow().payloadTypes()).extracting(PayloadType::id).containsExactly(96);

        assertThatThrownBy(() -> new LocalStreams(null, null, null, "c", "s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LocalStreams(1L, null, 2L, "c", "s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LocalStreams(1L, 1L, null, "c", "s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LocalStreams(1L, null, null, "c", "two words")).isInstanceOf(IllegalArgumentException.class);
    }

    private static SessionDescription withTransport(SessionDescription description, IceTransport transport) {
        return new SessionDescription(description.contents(), transport, description.bundle(), description.conferenceInfo());
    }
}
