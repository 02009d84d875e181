package org.chorus.jingle.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.Fingerprint;
import org.chorus.jingle.HeaderExtension;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.MediaType;
import org.chorus.jingle.PayloadType;
import org.chorus.jingle.RtcpFb;
import org.chorus.jingle.Senders;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.Source;
import org.chorus.jingle.SourceGroup;
import org.chorus.media.dtls.DtlsCertificate;
import org.chorus.media.dtls.DtlsRole;
import org.jitsi.xmpp.extensions.jingle.Reason;

/**
 * The client's side of offer/answer, in the model of {@code org.chorus.jingle}.
 *
 * <h2>Joining ({@link #joinOffer})</h2>
 * The session-initiate a browser would send to a conference: content {@code audio} with Opus
 * ({@value #OPUS_PT}, 48000/2) and header extensions ssrc-audio-level ({@value #AUDIO_LEVEL_ID}) and
 * mid ({@value #MID_ID}); content {@code video} with VP8 ({@value #VP8_PT}, rtcp-fb goog-remb,
 * ccm fir, nack, nack pli) and its rtx ({@value #RTX_PT}, apt={@value #VP8_PT}), header extensions
 * abs-send-time ({@value #ABS_SEND_TIME_ID}) and mid ({@value #MID_ID}). Every content has
 * {@code senders='initiator'}, rtcp-mux and its {@code <source/>}s (cname, msid), video with an FID
 * group; the contents are BUNDLEd and share one ICE-UDP transport whose fingerprint says
 * {@code setup='actpass'}. No transport-cc: an SFU that answers with REMB is the expected peer.
 *
 * <h2>Being called ({@link #acceptForwarding})</h2>
 * The answer to a conference's forwarding session-initiate takes every content, codec and header
 * extension as offered (the conference's numbers), with {@code senders='initiator'}, rtcp-mux, no
 * sources (nothing is sent back but RTCP), the offer's BUNDLE group and our transport, whose setup
 * follows {@link #answerSetup}.
 */
public final class ClientDescriptions {

    public static final String AUDIO = "audio";
    public static final String VIDEO = "video";
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;
    public static final int RTX_PT = 97;
    public static final int AUDIO_LEVEL_ID = 1;
    public static final int ABS_SEND_TIME_ID = 3;
    public static final int MID_ID = 4;

    /** Why an offer or answer cannot be used: the reason of the session-terminate that follows, and a text. */
    record Problem(Reason reason, String text) {
    }

    private ClientDescriptions() {
    }

    /** Opus 48000/2 with minptime=10 and useinbandfec=1, as Chromium offers it. */
    public static PayloadType opus() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("minptime", "10");
        parameters.put("useinbandfec", "1");
        return new PayloadType(OPUS_PT, "opus", 48000, 2, parameters, List.of());
    }

    /** VP8/90000 with goog-remb, ccm fir, nack and nack pli. */
    public static PayloadType vp8() {
        return new PayloadType(VP8_PT, "VP8", 90000, 1, Map.of(),
                List.of(RtcpFb.GOOG_REMB, RtcpFb.CCM_FIR, RtcpFb.NACK, RtcpFb.NACK_PLI));
    }

    /** rtx/90000 for VP8. */
    public static PayloadType rtx() {
        return new PayloadType(RTX_PT, "rtx", 90000, 1, Map.of("apt", Integer.toString(VP8_PT)), List.of());
    }

    /**
     * The description of a join's session-initiate.
     *
     * @param transport our ICE credentials, candidates and fingerprint; its setup should be actpass
     */
    public static SessionDescription joinOffer(LocalStreams streams, IceTransport transport) {
        List<MediaContent> contents = new ArrayList<>();
        if (streams.hasAudio()) {
            List<Source> sources = List.of(source(streams.audioSsrc(), streams, "audio"));
            contents.add(new MediaContent(AUDIO, MediaType.AUDIO, Senders.INITIATOR, true, List.of(opus()),
                    List.of(new HeaderExtension(AUDIO_LEVEL_ID, HeaderExtension.SSRC_AUDIO_LEVEL),
                            new HeaderExtension(MID_ID, HeaderExtension.MID)),
                    sources, List.of()));
        }
        if (streams.hasVideo()) {
            List<Source> sources = new ArrayList<>();
            sources.add(source(streams.videoSsrc(), streams, "video"));
            List<PayloadType> payloadTypes = new ArrayList<>(List.of(vp8()));
            List<SourceGroup> groups = new ArrayList<>();
            if (streams.videoRtxSsrc() != null) {
                payloadTypes.add(rtx());
                sources.add(source(streams.videoRtxSsrc(), streams, "video"));
                groups.add(new SourceGroup(SourceGroup.FID, List.of(streams.videoSsrc(), streams.videoRtxSsrc())));
            }
            contents.add(new MediaContent(VIDEO, MediaType.VIDEO, Senders.INITIATOR, true, payloadTypes,
                    List.of(new HeaderExtension(ABS_SEND_TIME_ID, HeaderExtension.ABS_SEND_TIME),
                            new HeaderExtension(MID_ID, HeaderExtension.MID)),
                    sources, groups));
        }
        List<String> bundle = contents.stream().map(MediaContent::name).toList();
        return new SessionDescription(contents, transport, bundle, null);
    }

    private static Source source(long ssrc, LocalStreams streams, String track) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("cname", streams.cname());
        parameters.put("msid", streams.streamId() + " " + streams.streamId() + "-" + track);
        return new Source(ssrc, parameters);
    }

    /**
     * Checks the conference's session-accept against our offer. The answer must name only offered
     * contents, each with {@code senders} 'initiator' or 'both' and at least one payload type the
     * offer had (same codec, same number); it must carry an ICE-UDP transport with credentials, a
     * fingerprint with setup 'active' or 'passive', rtcp-mux, and BUNDLE all its contents when it
     * has more than one.
     */
    static Optional<Problem> checkAnswer(SessionDescription offer, SessionDescription answer) {
        if (answer.contents().isEmpty()) {
            return Optional.of(new Problem(Reason.FAILED_APPLICATION, "the session-accept has no content"));
        }
        for (MediaContent content : answer.contents()) {
            Optional<MediaContent> offered = offer.content(content.name());
            if (offered.isEmpty()) {
                return Optional.of(new Problem(Reason.FAILED_APPLICATION,
                        "the session-accept has content '" + content.name() + "', which was not offered"));
            }
            if (content.senders() != Senders.INITIATOR && content.senders() != Senders.BOTH) {
                return Optional.of(new Problem(Reason.FAILED_APPLICATION, "content '" + content.name()
                        + "' was accepted with senders='" + content.senders().xmlValue() + "'"));
            }
            boolean common = content.payloadTypes().stream().anyMatch(pt -> !pt.isRtx()
                    && offered.get().payloadType(pt.id()).filter(o -> o.name().equalsIgnoreCase(pt.name())
                            && o.clockrate() == pt.clockrate()).isPresent());
            if (!common) {
                return Optional.of(new Problem(Reason.FAILED_APPLICATION,
                        "content '" + content.name() + "' was accepted without any offered codec"));
            }
        }
        Optional<Problem> transport = checkTransport(answer, "session-accept");
        if (transport.isPresent()) {
            return transport;
        }
        DtlsSetup setup = answer.transport().fingerprint().effectiveSetup();
        if (setup != DtlsSetup.ACTIVE && setup != DtlsSetup.PASSIVE) {
            return Optional.of(new Problem(Reason.FAILED_TRANSPORT,
                    "an answer must take DTLS setup 'active' or 'passive', not '" + setup.xmlValue() + "'"));
        }
        return Optional.empty();
    }

    /** Our DTLS role once the conference answered our offer: its 'active' makes us the server. */
    static DtlsRole roleFromAnswer(SessionDescription answer) {
        return answer.transport().fingerprint().effectiveSetup() == DtlsSetup.ACTIVE ? DtlsRole.SERVER : DtlsRole.CLIENT;
    }

    /**
     * Checks a conference's forwarding session-initiate: at least one content, all audio or video with
     * {@code senders} 'initiator' or 'both' and at least one payload type, and a transport as
     * {@link #checkAnswer} wants it, whose setup is not holdconn.
     */
    static Optional<Problem> checkForwardingOffer(SessionDescription offer) {
        if (offer.contents().isEmpty()) {
            return Optional.of(new Problem(Reason.FAILED_APPLICATION, "the session-initiate has no content"));
        }
        for (MediaContent content : offer.contents()) {
            if (content.media() != MediaType.AUDIO && content.media() != MediaType.VIDEO) {
                return Optional.of(new Problem(Reason.FAILED_APPLICATION,
                        "content '" + content.name() + "' is " + content.media().xmlValue() + ", not audio or video"));
            }
            if (content.senders() != Senders.INITIATOR && content.senders() != Senders.BOTH) {
                return Optional.of(new Problem(Reason.FAILED_APPLICATION, "content '" + content.name()
                        + "' has senders='" + content.senders().xmlValue() + "'; a forwarding session sends to us"));
            }
            if (content.payloadTypes().isEmpty()) {
                return Optional.of(new Problem(Reason.FAILED_APPLICATION, "content '" + content.name() + "' has no codec"));
            }
        }
        Optional<Problem> transport = checkTransport(offer, "session-initiate");
        if (transport.isPresent()) {
            return transport;
        }
        if (offer.transport().fingerprint().effectiveSetup() == DtlsSetup.HOLDCONN) {
            return Optional.of(new Problem(Reason.FAILED_TRANSPORT, "DTLS setup 'holdconn' cannot start a session"));
        }
        return Optional.empty();
    }

    /**
     * The setup of our answer to an offer: 'active' (we are the DTLS client) against 'actpass' and
     * 'passive', 'passive' against 'active' (also when the offer has no setup, which RFC 4145 reads as
     * 'active').
     */
    static DtlsSetup answerSetup(SessionDescription offer) {
        return offer.transport().fingerprint().effectiveSetup() == DtlsSetup.ACTIVE ? DtlsSetup.PASSIVE : DtlsSetup.ACTIVE;
    }

    /** Our DTLS role for an answer with this setup. */
    static DtlsRole roleOf(DtlsSetup ourSetup) {
        return ourSetup == DtlsSetup.ACTIVE ? DtlsRole.CLIENT : DtlsRole.SERVER;
    }

    /**
     * The session-accept of a forwarding session: every offered content as offered, without sources,
     * with {@code senders='initiator'} and rtcp-mux; the offer's BUNDLE group (or all contents); our
     * transport.
     */
    public static SessionDescription acceptForwarding(SessionDescription offer, IceTransport transport) {
        List<MediaContent> contents = offer.contents().stream()
                .map(c -> new MediaContent(c.name(), c.media(), Senders.INITIATOR, true, c.payloadTypes(),
                        c.headerExtensions(), List.of(), List.of()))
                .toList();
        List<String> bundle = offer.bundle().isEmpty() ? contents.stream().map(MediaContent::name).toList() : offer.bundle();
        return new SessionDescription(contents, transport, bundle, null);
    }

    /** Our transport: credentials, candidates, fingerprint with the given setup, rtcp-mux. */
    static IceTransport transport(String ufrag, String pwd, String hash, String fingerprint, DtlsSetup setup,
            List<org.chorus.jingle.JingleCandidate> candidates) {
        return new IceTransport(ufrag, pwd, new Fingerprint(hash, fingerprint, setup), true, candidates, false);
    }

    private static Optional<Problem> checkTransport(SessionDescription description, String what) {
        IceTransport transport = description.transport();
        if (transport == null) {
            return Optional.of(new Problem(Reason.FAILED_TRANSPORT, "the " + what + " has no ICE-UDP transport"));
        }
        if (!transport.hasCredentials()) {
            return Optional.of(new Problem(Reason.FAILED_TRANSPORT, "the " + what + " has no ICE ufrag or pwd"));
        }
        Fingerprint fingerprint = transport.fingerprint();
        if (fingerprint == null) {
            return Optional.of(new Problem(Reason.FAILED_TRANSPORT, "the " + what + " has no DTLS fingerprint"));
        }
        if (!DtlsCertificate.isSupportedHashFunction(fingerprint.hash().trim().toLowerCase(Locale.ROOT))) {
            return Optional.of(new Problem(Reason.FAILED_TRANSPORT, "unsupported fingerprint hash " + fingerprint.hash()));
        }
        for (MediaContent content : description.contents()) {
            if (!content.rtcpMux() && !transport.rtcpMux()) {
                return Optional.of(new Problem(Reason.FAILED_TRANSPORT,
                        "content '" + content.name() + "' has no rtcp-mux, which is required"));
            }
        }
        if (description.contents().size() > 1 && !description.allBundled()) {
            return Optional.of(new Problem(Reason.FAILED_TRANSPORT, "the " + what + " does not BUNDLE all its contents"));
        }
        return Optional.empty();
    }
}
