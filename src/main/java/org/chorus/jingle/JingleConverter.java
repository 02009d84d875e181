package org.chorus.jingle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jitsi.xmpp.extensions.AbstractPacketExtension;
import org.jitsi.xmpp.extensions.coin.UserPacketExtension;
import org.jitsi.xmpp.extensions.coin.UsersPacketExtension;
import org.jitsi.xmpp.extensions.colibri.SourcePacketExtension;
import org.jitsi.xmpp.extensions.jingle.CandidatePacketExtension;
import org.jitsi.xmpp.extensions.jingle.CoinPacketExtension;
import org.jitsi.xmpp.extensions.jingle.ContentPacketExtension;
import org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension;
import org.jitsi.xmpp.extensions.jingle.GroupPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceCandidatePacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceRtcpmuxPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.JingleRtcpmuxPacketExtension;
import org.jitsi.xmpp.extensions.jingle.ParameterPacketExtension;
import org.jitsi.xmpp.extensions.jingle.PayloadTypePacketExtension;
import org.jitsi.xmpp.extensions.jingle.RTPHdrExtPacketExtension;
import org.jitsi.xmpp.extensions.jingle.RtcpFbPacketExtension;
import org.jitsi.xmpp.extensions.jingle.RtpDescriptionPacketExtension;
import org.jitsi.xmpp.extensions.jingle.SourceGroupPacketExtension;
import org.jivesoftware.smack.packet.ExtensionElement;

/**
 * Converts between the model ({@link SessionDescription} and its parts) and jitsi-xmpp-extensions'
 * Jingle elements, both ways. Reading is strict about what the model needs (names, numbers, SSRCs)
 * and lenient about the rest: unknown elements, {@code ptime}, {@code extmap-allow-mixed},
 * rid-only sources and parameters without a name are left out; a candidate may lack {@code id},
 * {@code generation} and {@code network}. Policy (what Chorus accepts) is {@link Negotiation}'s.
 */
public final class JingleConverter {
    private JingleConverter() {}

    public static final String SSMA_NAMESPACE = SourcePacketExtension.NAMESPACE;
    public static final String BUNDLE = GroupPacketExtension.SEMANTICS_BUNDLE;

    // ---------------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------------

    /**
     * Reads the contents, BUNDLE group, shared transport and conference-info of a session-initiate or
     * session-accept. The shared transport is that of the first content, in BUNDLE order, that has an
     * ICE-UDP transport: with BUNDLE only the first ("tagged") content's transport is used (RFC 8843).
     *
     * @throws MalformedJingleException for a content without a name or without an RTP description, an
     *         unknown media, senders or DTLS setup value, or a number or SSRC that does not parse
     */
    public static SessionDescription readSession(JingleIQ iq) throws MalformedJingleException {
        List<ContentPacketExtension> contentElements = iq.getContentList();
        List<MediaContent> contents = new ArrayList<>();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (ContentPacketExtension element : contentElements) {
            MediaContent content = readContent(element);
            if (!names.add(content.name())) {
                throw new MalformedJingleException("two contents are named '" + content.name() + "'");
            }
            contents.add(content);
        }
        List<String> bundle = readBundle(iq);
        IceTransport transport = null;
        List<String> order = new ArrayList<>(bundle);
        order.addAll(names);
        for (String name : order) {
            ContentPacketExtension element = iq.getContentByName(name);
            IceUdpTransportPacketExtension ice = element == null ? null : iceTransportOf(element);
            if (ice != null) {
                transport = readTransport(ice);
                break;
            }
        }
        return new SessionDescription(contents, transport, bundle, readConferenceInfo(iq).orElse(null));
    }

    /** Reads every content of a transport-info that carries an ICE-UDP transport. */
    public static List<TransportUpdate> readTransportInfo(JingleIQ iq) throws MalformedJingleException {
        List<TransportUpdate> updates = new ArrayList<>();
        for (ContentPacketExtension content : iq.getContentList()) {
            String name = content.getName();
            if (name == null || name.isEmpty()) {
                throw new MalformedJingleException("a content without a name");
            }
            IceUdpTransportPacketExtension ice = iceTransportOf(content);
            if (ice != null) {
                updates.add(new TransportUpdate(name, readTransport(ice)));
            }
        }
        return updates;
    }

    /** The content names of the first BUNDLE group (XEP-0338); empty when there is none. */
    public static List<String> readBundle(JingleIQ iq) {
        for (ExtensionElement extension : iq.getExtensions()) {
            if (extension instanceof GroupPacketExtension group && BUNDLE.equals(group.getSemantics())) {
                List<String> names = new ArrayList<>();
                for (ContentPacketExtension content : group.getContents()) {
                    if (content.getName() != null && !names.contains(content.getName())) {
                        names.add(content.getName());
                    }
                }
                return names;
            }
        }
        return List.of();
    }

    /** COIN's conference-info (XEP-0298), when the Jingle element carries one. */
    public static Optional<ConferenceInfo> readConferenceInfo(JingleIQ iq) {
        for (ExtensionElement extension : iq.getExtensions()) {
            if (extension instanceof CoinPacketExtension coin) {
                boolean focus = Boolean.parseBoolean(coin.getAttributeAsString(CoinPacketExtension.ISFOCUS_ATTR_NAME))
                        || "1".equals(coin.getAttributeAsString(CoinPacketExtension.ISFOCUS_ATTR_NAME));
                List<ConferenceUser> users = new ArrayList<>();
                for (UsersPacketExtension list : coin.getChildExtensionsOfType(UsersPacketExtension.class)) {
                    for (UserPacketExtension user : list.getChildExtensionsOfType(UserPacketExtension.class)) {
                        String entity = user.getAttributeAsString(UserPacketExtension.ENTITY_ATTR_NAME);
                        if (entity != null) {
                            users.add(new ConferenceUser(entity, user.getDisplayText()));
                        }
                    }
                }
                return Optional.of(new ConferenceInfo(focus, users));
            }
        }
        return Optional.empty();
    }

    /** One content with an RTP description; rtcp-fb on the description applies to every payload type. */
    public static MediaContent readContent(ContentPacketExtension content) throws MalformedJingleException {
        String name = content.getName();
        if (name == null || name.isEmpty()) {
            throw new MalformedJingleException("a content without a name");
        }
        String sendersValue = content.getAttributeAsString(ContentPacketExtension.SENDERS_ATTR_NAME);
        Senders senders = Senders.fromXml(sendersValue)
                .orElseThrow(() -> new MalformedJingleException("content '" + name + "' has an unknown senders value: " + sendersValue));
        RtpDescriptionPacketExtension description = content.getFirstChildOfType(RtpDescriptionPacketExtension.class);
        if (description == null) {
            throw new MalformedJingleException("content '" + name + "' has no RTP description (" + RtpDescriptionPacketExtension.NAMESPACE + ")");
        }
        String mediaValue = description.getMedia();
        MediaType media = MediaType.fromXml(mediaValue)
                .orElseThrow(() -> new MalformedJingleException("content '" + name + "' has an unknown media: " + mediaValue));

        List<RtcpFb> sharedFeedback = new ArrayList<>();
        for (RtcpFbPacketExtension fb : description.getChildExtensionsOfType(RtcpFbPacketExtension.class)) {
            sharedFeedback.add(readRtcpFb(fb, name));
        }
        List<PayloadType> payloadTypes = new ArrayList<>();
        for (PayloadTypePacketExtension element : description.getPayloadTypes()) {
            PayloadType pt = readPayloadType(element, name);
            if (!sharedFeedback.isEmpty()) {
                List<RtcpFb> feedback = new ArrayList<>(pt.rtcpFb());
                sharedFeedback.stream().filter(fb -> !feedback.contains(fb)).forEach(feedback::add);
                pt = pt.withRtcpFb(feedback);
            }
            payloadTypes.add(pt);
        }
        List<HeaderExtension> extensions = new ArrayList<>();
        for (RTPHdrExtPacketExtension element : description.getExtmapList()) {
            int id = parseInt(element.getAttributeAsString(RTPHdrExtPacketExtension.ID_ATTR_NAME), "rtp-hdrext id in content '" + name + "'");
            String uri = element.getAttributeAsString(RTPHdrExtPacketExtension.URI_ATTR_NAME);
            if (uri == null || uri.isBlank()) {
                throw new MalformedJingleException("an rtp-hdrext without uri in content '" + name + "'");
            }
            extensions.add(header(id, uri, name));
        }
        List<Source> sources = new ArrayList<>();
        for (SourcePacketExtension element : description.getChildExtensionsOfType(SourcePacketExtension.class)) {
            String ssrc = element.getAttributeAsString(SourcePacketExtension.SSRC_ATTR_NAME);
            if (ssrc == null) {
                continue; // a rid-only source (RFC 8851 simulcast), which Chorus does not use
            }
            sources.add(new Source(parseSsrc(ssrc, name), parameters(element.getParameters())));
        }
        List<SourceGroup> groups = new ArrayList<>();
        for (SourceGroupPacketExtension element : description.getChildExtensionsOfType(SourceGroupPacketExtension.class)) {
            String semantics = element.getSemantics();
            if (semantics == null || semantics.isBlank()) {
                throw new MalformedJingleException("an ssrc-group without semantics in content '" + name + "'");
            }
            List<Long> ssrcs = new ArrayList<>();
            for (SourcePacketExtension member : element.getSources()) {
                ssrcs.add(parseSsrc(member.getAttributeAsString(SourcePacketExtension.SSRC_ATTR_NAME), name));
            }
            groups.add(new SourceGroup(semantics, ssrcs));
        }
        boolean rtcpMux = description.getFirstChildOfType(JingleRtcpmuxPacketExtension.class) != null;
        return new MediaContent(name, media, senders, rtcpMux, payloadTypes, extensions, sources, groups);
    }

    /** An ICE-UDP transport with its fingerprint, rtcp-mux, candidates and gathering-complete. */
    public static IceTransport readTransport(IceUdpTransportPacketExtension transport) throws MalformedJingleException {
        Fingerprint fingerprint = null;
        DtlsFingerprintPacketExtension fp = transport.getFirstChildOfType(DtlsFingerprintPacketExtension.class);
        if (fp != null) {
            String hash = fp.getHash();
            String value = fp.getFingerprint() == null ? null : fp.getFingerprint().trim();
            if (hash == null || hash.isBlank() || value == null || value.isEmpty()) {
                throw new MalformedJingleException("a DTLS fingerprint needs a hash and a value");
            }
            String setupValue = fp.getSetup();
            DtlsSetup setup = null;
            if (setupValue != null) {
                setup = DtlsSetup.fromXml(setupValue)
                        .orElseThrow(() -> new MalformedJingleException("unknown DTLS setup: " + setupValue));
            }
            fingerprint = new Fingerprint(hash, value, setup);
        }
        List<Candidate> candidates = new ArrayList<>();
        for (CandidatePacketExtension candidate : transport.getCandidateList()) {
            candidates.add(readCandidate(candidate));
        }
        return new IceTransport(
                emptyToNull(transport.getUfrag()),
                emptyToNull(transport.getPassword()),
                fingerprint,
                transport.getFirstChildOfType(IceRtcpmuxPacketExtension.class) != null,
                candidates,
                transport.getFirstChildOfType(GatheringCompleteExtension.class) != null);
    }

    /** A candidate; {@code id}, {@code generation}, {@code network} and the related address may be absent. */
    public static Candidate readCandidate(CandidatePacketExtension c) throws MalformedJingleException {
        try {
            return new Candidate(
                    required(c, CandidatePacketExtension.FOUNDATION_ATTR_NAME),
                    parseInt(required(c, CandidatePacketExtension.COMPONENT_ATTR_NAME), "candidate component"),
                    required(c, CandidatePacketExtension.PROTOCOL_ATTR_NAME),
                    parseLong(required(c, CandidatePacketExtension.PRIORITY_ATTR_NAME), "candidate priority"),
                    required(c, CandidatePacketExtension.IP_ATTR_NAME),
                    parseInt(required(c, CandidatePacketExtension.PORT_ATTR_NAME), "candidate port"),
                    required(c, CandidatePacketExtension.TYPE_ATTR_NAME),
                    optionalInt(c, CandidatePacketExtension.GENERATION_ATTR_NAME),
                    c.getAttributeAsString(CandidatePacketExtension.ID_ATTR_NAME),
                    optionalInt(c, CandidatePacketExtension.NETWORK_ATTR_NAME),
                    c.getAttributeAsString(CandidatePacketExtension.REL_ADDR_ATTR_NAME),
                    optionalInt(c, CandidatePacketExtension.REL_PORT_ATTR_NAME),
                    c.getAttributeAsString(CandidatePacketExtension.TCPTYPE_ATTR_NAME));
        } catch (IllegalArgumentException e) {
            throw new MalformedJingleException("candidate: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------

    /**
     * Adds a session's contents, each with the shared transport (BUNDLE or not, every content carries
     * it, as browsers expect one per m-line), the BUNDLE group and conference-info to a Jingle IQ.
     */
    public static void writeSession(JingleIQ iq, SessionDescription session) {
        for (MediaContent content : session.contents()) {
            iq.addContent(writeContent(content, session.transport()));
        }
        if (!session.bundle().isEmpty()) {
            iq.addExtension(writeBundle(session.bundle()));
        }
        if (session.conferenceInfo() != null) {
            iq.addExtension(writeConferenceInfo(session.conferenceInfo()));
        }
    }

    /** A content with {@code creator='initiator'} (every content Chorus describes is the initiator's). */
    public static ContentPacketExtension writeContent(MediaContent content, IceTransport transport) {
        ContentPacketExtension element = new ContentPacketExtension();
        element.setCreator(ContentPacketExtension.CreatorEnum.initiator);
        element.setName(content.name());
        element.setAttribute(ContentPacketExtension.SENDERS_ATTR_NAME, content.senders().xmlValue());
        element.addChildExtension(writeDescription(content));
        if (transport != null) {
            element.addChildExtension(writeTransport(transport));
        }
        return element;
    }

    public static RtpDescriptionPacketExtension writeDescription(MediaContent content) {
        RtpDescriptionPacketExtension description = new RtpDescriptionPacketExtension();
        description.setMedia(content.media().xmlValue());
        for (PayloadType pt : content.payloadTypes()) {
            description.addPayloadType(writePayloadType(pt));
        }
        for (HeaderExtension extension : content.headerExtensions()) {
            RTPHdrExtPacketExtension element = new RTPHdrExtPacketExtension();
            element.setID(Integer.toString(extension.id()));
            element.setAttribute(RTPHdrExtPacketExtension.URI_ATTR_NAME, extension.uri());
            description.addExtmap(element);
        }
        for (Source source : content.sources()) {
            SourcePacketExtension element = new SourcePacketExtension();
            element.setSSRC(source.ssrc());
            source.parameters().forEach((name, value) -> {
                ParameterPacketExtension parameter = new ParameterPacketExtension(name, value);
                parameter.setNamespace(SSMA_NAMESPACE);
                element.addParameter(parameter);
            });
            description.addChildExtension(element);
        }
        for (SourceGroup group : content.sourceGroups()) {
            SourceGroupPacketExtension element = new SourceGroupPacketExtension();
            element.setSemantics(group.semantics());
            List<SourcePacketExtension> members = new ArrayList<>();
            for (long ssrc : group.ssrcs()) {
                SourcePacketExtension member = new SourcePacketExtension();
                member.setSSRC(ssrc);
                members.add(member);
            }
            element.addSources(members);
            description.addChildExtension(element);
        }
        if (content.rtcpMux()) {
            description.addChildExtension(new JingleRtcpmuxPacketExtension());
        }
        return description;
    }

    public static PayloadTypePacketExtension writePayloadType(PayloadType pt) {
        PayloadTypePacketExtension element = new PayloadTypePacketExtension();
        element.setId(pt.id());
        if (!pt.name().isEmpty()) {
            element.setName(pt.name());
        }
        if (pt.clockrate() > 0) {
            element.setClockrate(pt.clockrate());
        }
        if (pt.channels() > 1) {
            element.setChannels(pt.channels());
        }
        pt.parameters().forEach((name, value) -> element.addParameter(new ParameterPacketExtension(name, value)));
        for (RtcpFb fb : pt.rtcpFb()) {
            RtcpFbPacketExtension feedback = new RtcpFbPacketExtension();
            feedback.setFeedbackType(fb.type());
            if (fb.subtype() != null) {
                feedback.setFeedbackSubtype(fb.subtype());
            }
            element.addRtcpFeedbackType(feedback);
        }
        return element;
    }

    public static IceUdpTransportPacketExtension writeTransport(IceTransport transport) {
        IceUdpTransportPacketExtension element = new IceUdpTransportPacketExtension();
        if (transport.ufrag() != null) {
            element.setUfrag(transport.ufrag());
        }
        if (transport.pwd() != null) {
            element.setPassword(transport.pwd());
        }
        Fingerprint fingerprint = transport.fingerprint();
        if (fingerprint != null) {
            DtlsFingerprintPacketExtension fp = new DtlsFingerprintPacketExtension();
            fp.setHash(fingerprint.hash());
            fp.setFingerprint(fingerprint.value());
            if (fingerprint.setup() != null) {
                fp.setSetup(fingerprint.setup().xmlValue());
            }
            element.addChildExtension(fp);
        }
        if (transport.rtcpMux()) {
            element.addChildExtension(new IceRtcpmuxPacketExtension());
        }
        for (Candidate candidate : transport.candidates()) {
            element.addCandidate(writeCandidate(candidate));
        }
        if (transport.gatheringComplete()) {
            element.addChildExtension(new GatheringCompleteExtension());
        }
        return element;
    }

    public static IceCandidatePacketExtension writeCandidate(Candidate candidate) {
        IceCandidatePacketExtension element = new IceCandidatePacketExtension();
        element.setFoundation(candidate.foundation());
        element.setComponent(candidate.component());
        element.setProtocol(candidate.protocol());
        element.setPriority(candidate.priority());
        element.setIP(candidate.ip());
        element.setPort(candidate.port());
        element.setAttribute(CandidatePacketExtension.TYPE_ATTR_NAME, candidate.type());
        element.setAttribute(CandidatePacketExtension.GENERATION_ATTR_NAME, candidate.generation());
        element.setAttribute(CandidatePacketExtension.ID_ATTR_NAME, candidate.id());
        element.setAttribute(CandidatePacketExtension.NETWORK_ATTR_NAME, candidate.network());
        element.setAttribute(CandidatePacketExtension.REL_ADDR_ATTR_NAME, candidate.relAddr());
        element.setAttribute(CandidatePacketExtension.REL_PORT_ATTR_NAME, candidate.relPort());
        element.setAttribute(CandidatePacketExtension.TCPTYPE_ATTR_NAME, candidate.tcpType());
        return element;
    }

    public static GroupPacketExtension writeBundle(List<String> contentNames) {
        GroupPacketExtension group = new GroupPacketExtension();
        group.setSemantics(BUNDLE);
        List<ContentPacketExtension> members = new ArrayList<>();
        for (String name : contentNames) {
            ContentPacketExtension member = new ContentPacketExtension();
            member.setName(name);
            members.add(member);
        }
        group.addContents(members);
        return group;
    }

    /** {@code <conference-info xmlns='urn:xmpp:coin:1' isfocus='true'><users><user entity='…'><display-text>…}. */
    public static CoinPacketExtension writeConferenceInfo(ConferenceInfo info) {
        CoinPacketExtension coin = new CoinPacketExtension(info.focus());
        if (!info.users().isEmpty()) {
            UsersPacketExtension users = new UsersPacketExtension();
            for (ConferenceUser user : info.users()) {
                UserPacketExtension element = new UserPacketExtension(user.entity());
                if (user.displayText() != null) {
                    element.setDisplayText(user.displayText());
                }
                users.addChildExtension(element);
            }
            coin.addChildExtension(users);
        }
        return coin;
    }

    // ---------------------------------------------------------------------------------------------

    private static IceUdpTransportPacketExtension iceTransportOf(ContentPacketExtension content) {
        for (IceUdpTransportPacketExtension transport : content.getChildExtensionsOfType(IceUdpTransportPacketExtension.class)) {
            if (IceUdpTransportPacketExtension.NAMESPACE.equals(transport.getNamespace())) {
                return transport;
            }
        }
        return null;
    }

    private static PayloadType readPayloadType(PayloadTypePacketExtension element, String content) throws MalformedJingleException {
        String where = "payload-type in content '" + content + "'";
        int id = parseInt(element.getAttributeAsString(PayloadTypePacketExtension.ID_ATTR_NAME), "id of a " + where);
        String name = element.getAttributeAsString(PayloadTypePacketExtension.NAME_ATTR_NAME);
        String clockrate = element.getAttributeAsString(PayloadTypePacketExtension.CLOCKRATE_ATTR_NAME);
        String channels = element.getAttributeAsString(PayloadTypePacketExtension.CHANNELS_ATTR_NAME);
        List<RtcpFb> feedback = new ArrayList<>();
        for (RtcpFbPacketExtension fb : element.getRtcpFeedbackTypeList()) {
            RtcpFb read = readRtcpFb(fb, content);
            if (!feedback.contains(read)) {
                feedback.add(read);
            }
        }
        try {
            return new PayloadType(
                    id,
                    name == null ? "" : name,
                    clockrate == null ? 0 : parseInt(clockrate, "clockrate of " + where),
                    channels == null ? 1 : parseInt(channels, "channels of " + where),
                    parameters(element.getParameters()),
                    feedback);
        } catch (IllegalArgumentException e) {
            throw new MalformedJingleException(where + ": " + e.getMessage(), e);
        }
    }

    private static RtcpFb readRtcpFb(RtcpFbPacketExtension fb, String content) throws MalformedJingleException {
        String type = fb.getFeedbackType();
        if (type == null || type.isBlank()) {
            throw new MalformedJingleException("an rtcp-fb without type in content '" + content + "'");
        }
        return new RtcpFb(type, fb.getFeedbackSubtype());
    }

    private static HeaderExtension header(int id, String uri, String content) throws MalformedJingleException {
        try {
            return new HeaderExtension(id, uri);
        } catch (IllegalArgumentException e) {
            throw new MalformedJingleException("rtp-hdrext in content '" + content + "': " + e.getMessage(), e);
        }
    }

    private static Map<String, String> parameters(List<ParameterPacketExtension> elements) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (ParameterPacketExtension parameter : elements) {
            String name = parameter.getName();
            if (name != null && !name.isEmpty()) {
                String value = parameter.getValue();
                parameters.put(name, value == null ? "" : value);
            }
        }
        return parameters;
    }

    private static long parseSsrc(String value, String content) throws MalformedJingleException {
        long ssrc = parseLong(value, "ssrc in content '" + content + "'");
        if (ssrc < 0 || ssrc > Source.MAX_SSRC) {
            throw new MalformedJingleException("ssrc out of range in content '" + content + "': " + value);
        }
        return ssrc;
    }

    private static String required(AbstractPacketExtension element, String attribute) {
        String value = element.getAttributeAsString(attribute);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + attribute);
        }
        return value;
    }

    private static Integer optionalInt(AbstractPacketExtension element, String attribute) {
        String value = element.getAttributeAsString(attribute);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(attribute + " is not a number: " + value, e);
        }
    }

    static int parseInt(String value, String what) throws MalformedJingleException {
        if (value == null) {
            throw new MalformedJingleException("missing " + what);
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new MalformedJingleException(what + " is not a number: " + shorten(value), e);
        }
    }

    private static long parseLong(String value, String what) throws MalformedJingleException {
        if (value == null) {
            throw new MalformedJingleException("missing " + what);
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new MalformedJingleException(what + " is not a number: " + shorten(value), e);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String shorten(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
