package org.chorus.jingle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/**
 * Offer/answer for Chorus's two kinds of session.
 *
 * <h2>A member calls the conference ({@link #answer}, PROTOCOL.md §5)</h2>
 * Checks, in this order, with the first failure winning:
 * <ol>
 *   <li>At least one content, each named once, and a BUNDLE group naming only existing contents;
 *       else {@code bad-request}. (A content without an RTP description is refused earlier, by
 *       {@link JingleConverter#readSession}, also as {@code bad-request}.)</li>
 *   <li>Every content has {@code senders='initiator'} (an absent attribute means {@code both}) and is
 *       audio or video; else {@code failed-application}.</li>
 *   <li>The transport: ICE-UDP with ufrag and pwd, a DTLS fingerprint with a known hash and a role the
 *       gateway can complement, rtcp-mux (in the description or the transport), and every content in
 *       the BUNDLE group when there is more than one; else {@code failed-transport}. A missing
 *       transport or fingerprint is a session failure, not {@code bad-request}: the request is
 *       well-formed Jingle (fingerprints are optional in XEP-0320, and Smack drops transports in
 *       namespaces it does not know, so "missing" and "unsupported" look the same), and a
 *       session-terminate with a reason and a text is what a client shows its user.</li>
 *   <li>Codecs, per content; else {@code failed-application} ("no common codec"):
 *     <ul>
 *       <li>audio: the first Opus 48000/2; nothing else (no red, G722, PCMU/PCMA, CN, telephone-event);</li>
 *       <li>video: the first VP8/90000, then, if {@link CodecPolicy#h264()}, the best H.264 (see
 *           {@link #h264Rank}); each followed by its rtx when {@link CodecPolicy#rtx()} (an rtx
 *           whose {@code apt} is not accepted is dropped); no VP9, AV1, red, ulpfec. VP8 comes
 *           first whatever the member's order, because browsers send the first codec of the answer and
 *           VP8 is the one every receiver decodes: the gateway forwards without transcoding.</li>
 *     </ul>
 *     The member's payload-type numbers and parameters are kept. RTCP feedback is filtered by
 *     {@link CodecPolicy#acceptsRtcpFb}, header extensions by URI with the member's ids.</li>
 * </ol>
 * The gateway takes DTLS role {@code answerSetup} (default {@code active}, RFC 5763's recommendation:
 * the handshake then runs in parallel with the answer's delivery) against {@code actpass}, and the
 * complement of {@code active} / {@code passive}; an absent {@code setup} counts as {@code active}
 * (RFC 4145). {@code holdconn} fails the transport.
 *
 * <h2>The gateway calls a receiver ({@link #offerToReceiver}, {@link #receiverAccepted}, §6)</h2>
 * The offer carries the publisher's negotiated payload types (its numbers), header extensions (its
 * ids) and sources under the publisher's content names (so the forwarded mid values stay right),
 * {@code senders='initiator'}, rtcp-mux, BUNDLE, the gateway's transport with {@code setup='actpass'}
 * and COIN naming the publisher. Simulcast is offered as one stable SSRC (the lowest layer's, with its
 * rtx) that every layer is rewritten to. The receiver's session-accept is then matched by codec
 * (name, clock rate, channels; for H.264 also packetization-mode and profile) and by extension URI,
 * never by number.
 */
public final class Negotiation {
    private final CodecPolicy policy;
    private final DtlsSetup answerSetup;

    public Negotiation(CodecPolicy policy, DtlsSetup answerSetup) {
        this.policy = Objects.requireNonNull(policy, "policy");
        if (answerSetup != DtlsSetup.ACTIVE && answerSetup != DtlsSetup.PASSIVE) {
            throw new IllegalArgumentException("the gateway answers as active or passive, not " + answerSetup);
        }
        this.answerSetup = answerSetup;
    }

    public Negotiation(CodecPolicy policy) {
        this(policy, DtlsSetup.ACTIVE);
    }

    public static Negotiation withDefaults() {
        return new Negotiation(CodecPolicy.defaults());
    }

    public CodecPolicy policy() {
        return policy;
    }

    /** {@code CALL-ID ':' UUID}, the sid of a forwarding session (§6). */
    public static String forwardingSid(String callId) {
        Objects.requireNonNull(callId, "callId");
        return callId + ":" + UUID.randomUUID();
    }

    // ---------------------------------------------------------------------------------------------
    // A member's offer
    // ---------------------------------------------------------------------------------------------

    public NegotiationResult<NegotiatedSession> answer(SessionDescription offer) {
        Optional<NegotiationFailure> shape = checkShape(offer);
        if (shape.isPresent()) {
            return NegotiationResult.failure(shape.get());
        }
        for (MediaContent content : offer.contents()) {
            if (content.senders() != Senders.INITIATOR) {
                return failedApplication("content '" + content.name() + "' has senders='" + content.senders().xmlValue()
                        + "'; a conference call only sends (senders='initiator')");
            }
            if (content.media() != MediaType.AUDIO && content.media() != MediaType.VIDEO) {
                return failedApplication("content '" + content.name() + "' is " + content.media().xmlValue()
                        + "; a conference call carries audio and video");
            }
        }
        IceTransport transport = offer.transport();
        Optional<NegotiationFailure> transportProblem = checkRemoteTransport(transport, offer, "offer");
        if (transportProblem.isPresent()) {
            return NegotiationResult.failure(transportProblem.get());
        }
        DtlsSetup localSetup;
        switch (transport.fingerprint().effectiveSetup()) {
            case ACTPASS -> localSetup = answerSetup;
            case ACTIVE -> localSetup = DtlsSetup.PASSIVE;
            case PASSIVE -> localSetup = DtlsSetup.ACTIVE;
            default -> {
                return failedTransport("DTLS setup 'holdconn' cannot start a session");
            }
        }
        List<MediaContent> accepted = new ArrayList<>();
        for (MediaContent content : offer.contents()) {
            List<PayloadType> codecs = content.media() == MediaType.AUDIO ? audioCodecs(content) : videoCodecs(content);
            if (codecs.isEmpty()) {
                return failedApplication("no common codec for content '" + content.name() + "': "
                        + (content.media() == MediaType.AUDIO ? "Opus 48000/2" : "VP8") + " is required");
            }
            List<HeaderExtension> extensions = content.headerExtensions().stream()
                    .filter(ext -> policy.acceptsHeaderExtension(ext.uri())).toList();
            List<SourceGroup> groups = content.sourceGroups().stream()
                    .filter(group -> group.is(SourceGroup.FID) || group.is(SourceGroup.SIM)).toList();
            accepted.add(new MediaContent(content.name(), content.media(), Senders.INITIATOR, true, codecs, extensions,
                    content.sources(), groups));
        }
        List<String> bundle = accepted.stream().map(MediaContent::name).toList();
        return NegotiationResult.success(new NegotiatedSession(accepted, transport, localSetup, bundle));
    }

    private Optional<NegotiationFailure> checkShape(SessionDescription description) {
        if (description.contents().isEmpty()) {
            return Optional.of(NegotiationFailure.badRequest("no content"));
        }
        Set<String> names = new HashSet<>();
        for (MediaContent content : description.contents()) {
            if (!names.add(content.name())) {
                return Optional.of(NegotiationFailure.badRequest("two contents are named '" + content.name() + "'"));
            }
        }
        for (String name : description.bundle()) {
            if (!names.contains(name)) {
                return Optional.of(NegotiationFailure.badRequest("the BUNDLE group names an unknown content '" + name + "'"));
            }
        }
        return Optional.empty();
    }

    private static Optional<NegotiationFailure> checkRemoteTransport(IceTransport transport, SessionDescription description, String what) {
        if (transport == null) {
            return Optional.of(NegotiationFailure.failedTransport("the " + what + " has no ICE-UDP transport (XEP-0176)"));
        }
        if (!transport.hasCredentials()) {
            return Optional.of(NegotiationFailure.failedTransport("the ICE-UDP transport has no ufrag or pwd"));
        }
        Fingerprint fingerprint = transport.fingerprint();
        if (fingerprint == null) {
            return Optional.of(NegotiationFailure.failedTransport("a DTLS fingerprint is required (XEP-0320)"));
        }
        if (!fingerprint.hasKnownHash()) {
            return Optional.of(NegotiationFailure.failedTransport("unsupported fingerprint hash: " + fingerprint.hash()));
        }
        for (MediaContent content : description.contents()) {
            if (!content.rtcpMux() && !transport.rtcpMux()) {
                return Optional.of(NegotiationFailure.failedTransport("content '" + content.name() + "' has no rtcp-mux, which is required"));
            }
        }
        if (description.contents().size() > 1 && !description.allBundled()) {
            return Optional.of(NegotiationFailure.failedTransport("all contents must be in one BUNDLE group (XEP-0338)"));
        }
        return Optional.empty();
    }

    private List<PayloadType> audioCodecs(MediaContent content) {
        return content.payloadTypes().stream()
                .filter(Negotiation::isOpus)
                .findFirst()
                .map(opus -> List.of(filterFeedback(opus)))
                .orElse(List.of());
    }

    private List<PayloadType> videoCodecs(MediaContent content) {
        Optional<PayloadType> vp8 = content.payloadTypes().stream().filter(Negotiation::isVp8).findFirst();
        if (vp8.isEmpty()) {
            return List.of();
        }
        List<PayloadType> primaries = new ArrayList<>();
        primaries.add(vp8.get());
        if (policy.h264()) {
            content.payloadTypes().stream()
                    .filter(pt -> isH264(pt) && h264Rank(pt) < Integer.MAX_VALUE)
                    .min(Comparator.comparingInt(Negotiation::h264Rank))
                    .ifPresent(primaries::add);
        }
        List<PayloadType> accepted = new ArrayList<>();
        for (PayloadType primary : primaries) {
            accepted.add(filterFeedback(primary));
            if (policy.rtx()) {
                content.payloadTypes().stream()
                        .filter(pt -> pt.isRtx() && pt.apt().isPresent() && pt.apt().getAsInt() == primary.id())
                        .findFirst()
                        .ifPresent(rtx -> accepted.add(filterFeedback(rtx)));
            }
        }
        return accepted;
    }

    private PayloadType filterFeedback(PayloadType pt) {
        return pt.withRtcpFb(pt.rtcpFb().stream().filter(policy::acceptsRtcpFb).toList());
    }

    static boolean isOpus(PayloadType pt) {
        return pt.isCodec("opus") && pt.clockrate() == 48000 && pt.channels() == 2;
    }

    static boolean isVp8(PayloadType pt) {
        return pt.isCodec("VP8") && pt.clockrate() == 90000;
    }

    static boolean isH264(PayloadType pt) {
        return pt.isCodec("H264") && pt.clockrate() == 90000;
    }

    /**
     * How much Chorus likes an H.264 payload type, lower is better: packetization-mode=1 before 0,
     * and within each the constrained-baseline profile (profile-level-id 42e0xx, "the 42e01f family")
     * before plain baseline (4200xx). Other profiles (main, high) are not accepted
     * ({@link Integer#MAX_VALUE}), since not every receiver decodes them. An absent profile-level-id
     * is 420010 (RFC 6184), an absent packetization-mode is 0.
     */
    static int h264Rank(PayloadType pt) {
        String mode = pt.parameters().getOrDefault("packetization-mode", "0").trim();
        String profile = pt.parameters().getOrDefault("profile-level-id", "420010").trim().toLowerCase(Locale.ROOT);
        if (profile.length() != 6 || !profile.startsWith("42") || !(mode.equals("0") || mode.equals("1"))) {
            return Integer.MAX_VALUE;
        }
        boolean constrained = profile.startsWith("42e0");
        return (mode.equals("1") ? 0 : 2) + (constrained ? 0 : 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Forwarding a publisher to a receiver
    // ---------------------------------------------------------------------------------------------

    /**
     * The session-initiate that forwards one publisher's media to one receiver.
     *
     * @param callId the call id, the first half of the sid
     * @param publisher what was negotiated with the publisher
     * @param publisherJid the publisher's JID (a resource is dropped: COIN names the bare JID)
     * @param publisherNick the publisher's nick in the room, the COIN display text (may be null)
     * @param local the gateway's transport for this session
     */
    public ForwardingOffer offerToReceiver(String callId, NegotiatedSession publisher, String publisherJid, String publisherNick,
            LocalTransport local) {
        Map<Long, Long> rewrite = new HashMap<>();
        List<MediaContent> contents = new ArrayList<>();
        for (MediaContent content : publisher.contents()) {
            List<PayloadType> payloadTypes = content.payloadTypes().stream().map(this::filterFeedback).toList();
            List<HeaderExtension> extensions = content.headerExtensions().stream()
                    .filter(ext -> policy.acceptsHeaderExtension(ext.uri())).toList();
            MediaContent offered = new MediaContent(content.name(), content.media(), Senders.INITIATOR, true, payloadTypes,
                    extensions, List.of(), List.of());
            contents.add(withStableSources(offered, content, rewrite));
        }
        List<String> bundle = contents.stream().map(MediaContent::name).toList();
        ConferenceInfo coin = ConferenceInfo.focusFor(ConferenceUser.ofJid(publisherJid, publisherNick));
        SessionDescription description = new SessionDescription(contents, local.forOffer(), bundle, coin);
        return new ForwardingOffer(forwardingSid(callId), description, rewrite);
    }

    /**
     * The publisher's sources as a receiver sees them: without simulcast, all of them with their FID
     * groups; with a SIM group, the first (lowest) layer and its rtx only, every other layer (and its
     * rtx) rewritten to those.
     */
    private static MediaContent withStableSources(MediaContent offered, MediaContent publisher, Map<Long, Long> rewrite) {
        Map<Long, Long> rtxOf = new LinkedHashMap<>();
        for (SourceGroup group : publisher.sourceGroups()) {
            if (group.is(SourceGroup.FID) && group.ssrcs().size() == 2) {
                rtxOf.put(group.ssrcs().get(0), group.ssrcs().get(1));
            }
        }
        Optional<SourceGroup> simulcast = publisher.firstGroup(SourceGroup.SIM).filter(group -> !group.ssrcs().isEmpty());
        Set<Long> dropped = new HashSet<>();
        if (simulcast.isPresent()) {
            List<Long> layers = simulcast.get().ssrcs();
            long stable = layers.get(0);
            Long stableRtx = rtxOf.get(stable);
            for (long layer : layers.subList(1, layers.size())) {
                rewrite.put(layer, stable);
                dropped.add(layer);
                Long rtx = rtxOf.get(layer);
                if (rtx != null) {
                    dropped.add(rtx);
                    if (stableRtx != null) {
                        rewrite.put(rtx, stableRtx);
                    }
                }
            }
        }
        List<Source> sources = publisher.sources().stream().filter(source -> !dropped.contains(source.ssrc())).toList();
        List<SourceGroup> groups = new ArrayList<>();
        rtxOf.forEach((primary, rtx) -> {
            if (!dropped.contains(primary)) {
                groups.add(new SourceGroup(SourceGroup.FID, List.of(primary, rtx)));
            }
        });
        return offered.withSources(sources, groups);
    }

    /**
     * Reads a receiver's session-accept against the offer it answers.
     *
     * <ul>
     *   <li>No content, or a content the offer did not have: {@code bad-request}.</li>
     *   <li>A content with {@code senders} 'responder' or 'none': {@code failed-application}
     *       ('both' is tolerated: the gateway sends and ignores anything that comes back).</li>
     *   <li>No ICE credentials, no fingerprint, {@code setup} other than active or passive
     *       (absent counts as active), no rtcp-mux, several contents not BUNDLEd: {@code failed-transport}.</li>
     *   <li>A content where no codec of the publisher was accepted: {@code failed-application}.</li>
     * </ul>
     * A content of the offer missing from the answer is simply not forwarded.
     */
    public NegotiationResult<ReceiverMapping> receiverAccepted(ForwardingOffer offer, SessionDescription answer) {
        if (answer.contents().isEmpty()) {
            return NegotiationResult.failure(NegotiationFailure.badRequest("the session-accept has no content"));
        }
        Optional<NegotiationFailure> shape = checkShape(answer);
        if (shape.isPresent()) {
            return NegotiationResult.failure(shape.get());
        }
        SessionDescription offered = offer.description();
        for (MediaContent content : answer.contents()) {
            if (offered.content(content.name()).isEmpty()) {
                return NegotiationResult.failure(NegotiationFailure.badRequest("content '" + content.name() + "' was not offered"));
            }
            if (content.senders() == Senders.RESPONDER || content.senders() == Senders.NONE) {
                return failedApplication("content '" + content.name() + "' has senders='" + content.senders().xmlValue()
                        + "'; this session only sends to you (senders='initiator')");
            }
        }
        IceTransport transport = answer.transport();
        Optional<NegotiationFailure> transportProblem = checkRemoteTransport(transport, answer, "session-accept");
        if (transportProblem.isPresent()) {
            return NegotiationResult.failure(transportProblem.get());
        }
        DtlsSetup localSetup;
        switch (transport.fingerprint().effectiveSetup()) {
            case ACTIVE -> localSetup = DtlsSetup.PASSIVE;
            case PASSIVE -> localSetup = DtlsSetup.ACTIVE;
            default -> {
                return failedTransport("an answer must take DTLS setup 'active' or 'passive', not '"
                        + transport.fingerprint().effectiveSetup().xmlValue() + "'");
            }
        }
        List<ContentMapping> mappings = new ArrayList<>();
        for (MediaContent answered : answer.contents()) {
            MediaContent sent = offered.content(answered.name()).orElseThrow();
            Map<Integer, Integer> payloadTypes = mapPayloadTypes(sent, answered);
            if (payloadTypes.isEmpty()) {
                return failedApplication("no common codec for content '" + answered.name() + "': the stream is "
                        + sent.payloadTypes().stream().filter(pt -> !pt.isRtx()).map(PayloadType::name).distinct().toList());
            }
            Map<Integer, Integer> extensions = new HashMap<>();
            for (HeaderExtension extension : sent.headerExtensions()) {
                OptionalInt id = answered.headerExtensionId(extension.uri());
                id.ifPresent(value -> extensions.put(extension.id(), value));
            }
            mappings.add(new ContentMapping(answered.name(), sent.media(), payloadTypes, extensions));
        }
        return NegotiationResult.success(new ReceiverMapping(offer.sid(), mappings, offer.ssrcRewrite(), transport, localSetup));
    }

    private static Map<Integer, Integer> mapPayloadTypes(MediaContent sent, MediaContent answered) {
        Map<Integer, Integer> mapping = new HashMap<>();
        for (PayloadType pt : sent.payloadTypes()) {
            if (pt.isRtx()) {
                continue;
            }
            answered.payloadTypes().stream()
                    .filter(candidate -> !candidate.isRtx() && sameCodec(pt, candidate))
                    .min(Comparator.comparingInt(candidate -> candidate.id() == pt.id() ? 0 : 1))
                    .ifPresent(match -> mapping.put(pt.id(), match.id()));
        }
        if (mapping.isEmpty()) {
            return mapping;
        }
        for (PayloadType rtx : sent.payloadTypes()) {
            if (!rtx.isRtx() || rtx.apt().isEmpty()) {
                continue;
            }
            Integer primary = mapping.get(rtx.apt().getAsInt());
            if (primary == null) {
                continue;
            }
            answered.payloadTypes().stream()
                    .filter(candidate -> candidate.isRtx() && candidate.apt().isPresent() && candidate.apt().getAsInt() == primary)
                    .findFirst()
                    .ifPresent(match -> mapping.put(rtx.id(), match.id()));
        }
        return mapping;
    }

    /** Same codec: name (ignoring case), clock rate and channels; for H.264 also packetization-mode and profile_idc. */
    static boolean sameCodec(PayloadType a, PayloadType b) {
        if (!a.name().equalsIgnoreCase(b.name()) || a.clockrate() != b.clockrate() || a.channels() != b.channels()) {
            return false;
        }
        if (isH264(a)) {
            String modeA = a.parameters().getOrDefault("packetization-mode", "0").trim();
            String modeB = b.parameters().getOrDefault("packetization-mode", "0").trim();
            return modeA.equals(modeB) && profileIdc(a).equals(profileIdc(b));
        }
        return true;
    }

    private static String profileIdc(PayloadType pt) {
        String profile = pt.parameters().getOrDefault("profile-level-id", "420010").trim().toLowerCase(Locale.ROOT);
        return profile.length() >= 2 ? profile.substring(0, 2) : profile;
    }

    private static <T> NegotiationResult<T> failedApplication(String text) {
        return NegotiationResult.failure(NegotiationFailure.failedApplication(text));
    }

    private static <T> NegotiationResult<T> failedTransport(String text) {
        return NegotiationResult.failure(NegotiationFailure.failedTransport(text));
    }
}
