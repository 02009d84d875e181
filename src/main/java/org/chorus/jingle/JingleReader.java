package org.chorus.jingle;

import static org.chorus.jingle.JingleValues.emptyToNull;
import static org.chorus.jingle.JingleValues.parseInt;
import static org.chorus.jingle.JingleValues.parseLong;
import static org.chorus.jingle.JingleValues.parseSsrc;
import static org.chorus.jingle.JingleValues.shorten;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * Reads the model ({@link SessionDescription} and its parts) from jitsi-xmpp-extensions' Jingle
 * elements, within {@link JingleLimits}: every list is counted before it is read, every attribute
 * that is kept is measured, and the work is linear in what the request carries (rtcp-fb are merged
 * and deduplicated through ordered sets). Reading is strict about what the model needs (names,
 * numbers, SSRCs) and lenient about the rest: unknown elements, {@code ptime},
 * {@code extmap-allow-mixed}, rid-only sources and parameters without a name are left out; a
 * candidate may lack {@code id}, {@code generation} and {@code network}. Policy (what Chorus
 * accepts) is {@link Negotiation}'s. Stateless: one reader serves any number of threads.
 */
public final class JingleReader {
    /** A reader with the default limits. */
    public static final JingleReader DEFAULT = new JingleReader(JingleLimits.DEFAULTS);

    private final JingleLimits limits;

    public JingleReader(JingleLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public JingleLimits limits() {
        return limits;
    }

    /** Counts over a whole request. */
    private static final class Totals {
        int sources;
        int candidates;
    }

    /**
     * Reads the contents, BUNDLE group, shared transport and conference-info of a session-initiate or
     * session-accept. The shared transport is that of the first content, in BUNDLE order, that has an
     * ICE-UDP transport: with BUNDLE only the first ("tagged") content's transport is used (RFC 8843).
     *
     * @throws MalformedJingleException for a content without a name or without an RTP description, an
     *         unknown media, senders or DTLS setup value, a number or SSRC that does not parse, or
     *         anything over the limits
     */
    public SessionDescription readSession(JingleIQ iq) throws MalformedJingleException {
        List<ContentPacketExtension> contentElements = iq.getContentList();
        JingleLimits.check(contentElements.size(), limits.maxContents(), "contents", null);
        Totals totals = new Totals();
        List<MediaContent> contents = new ArrayList<>();
        Map<String, ContentPacketExtension> byName = new LinkedHashMap<>();
        for (ContentPacketExtension element : contentElements) {
            MediaContent content = readContent(element, totals);
            if (byName.putIfAbsent(content.name(), element) != null) {
                throw new MalformedJingleException("two contents are named '" + content.name() + "'");
            }
            contents.add(content);
        }
        List<String> bundle = readBundle(iq);
        IceTransport transport = null;
        List<String> order = new ArrayList<>(bundle);
        order.addAll(byName.keySet());
        for (String name : order) {
            ContentPacketExtension element = byName.get(name);
            IceUdpTransportPacketExtension ice = element == null ? null : iceTransportOf(element);
            if (ice != null) {
                transport = readTransport(ice, totals);
                break;
            }
        }
        return new SessionDescription(contents, transport, bundle, readConferenceInfo(iq).orElse(null));
    }

    /** Reads every content of a transport-info that carries an ICE-UDP transport. */
    public List<TransportUpdate> readTransportInfo(JingleIQ iq) throws MalformedJingleException {
        List<ContentPacketExtension> contents = iq.getContentList();
        JingleLimits.check(contents.size(), limits.maxContents(), "contents", null);
        Totals totals = new Totals();
        List<TransportUpdate> updates = new ArrayList<>();
        for (ContentPacketExtension content : contents) {
            String name = contentName(content);
            IceUdpTransportPacketExtension ice = iceTransportOf(content);
            if (ice != null) {
                updates.add(new TransportUpdate(name, readTransport(ice, totals)));
            }
        }
        return updates;
    }

    /** The content names of the first BUNDLE group (XEP-0338); empty when there is none. */
    public List<String> readBundle(JingleIQ iq) throws MalformedJingleException {
        for (ExtensionElement extension : iq.getExtensions()) {
            if (extension instanceof GroupPacketExtension group && JingleConverter.BUNDLE.equals(group.getSemantics())) {
                List<ContentPacketExtension> members = group.getContents();
                JingleLimits.check(members.size(), limits.maxContents(), "contents in a BUNDLE group", null);
                LinkedHashSet<String> names = new LinkedHashSet<>();
                for (ContentPacketExtension content : members) {
                    String name = content.getName();
                    JingleLimits.checkLength(name, limits.maxNameLength(), "a content name", "BUNDLE group");
                    if (name != null) {
                        names.add(name);
                    }
                }
                return List.copyOf(names);
            }
        }
        return List.of();
    }

    /** COIN's conference-info (XEP-0298), when the Jingle element carries one. */
    public Optional<ConferenceInfo> readConferenceInfo(JingleIQ iq) throws MalformedJingleException {
        for (ExtensionElement extension : iq.getExtensions()) {
            if (extension instanceof CoinPacketExtension coin) {
                String isFocus = coin.getAttributeAsString(CoinPacketExtension.ISFOCUS_ATTR_NAME);
                boolean focus = Boolean.parseBoolean(isFocus) || "1".equals(isFocus);
                List<ConferenceUser> users = new ArrayList<>();
                for (UsersPacketExtension list : coin.getChildExtensionsOfType(UsersPacketExtension.class)) {
                    List<UserPacketExtension> elements = list.getChildExtensionsOfType(UserPacketExtension.class);
                    JingleLimits.check(users.size() + elements.size(), limits.maxConferenceUsers(),
                            "users in conference-info", null);
                    for (UserPacketExtension user : elements) {
                        String entity = user.getAttributeAsString(UserPacketExtension.ENTITY_ATTR_NAME);
                        String display = user.getDisplayText();
                        JingleLimits.checkLength(entity, limits.maxValueLength(), "a conference-info user", null);
                        JingleLimits.checkLength(display, limits.maxValueLength(), "a display-text", null);
                        if (entity != null) {
                            users.add(new ConferenceUser(entity, display));
                        }
                    }
                }
                return Optional.of(new ConferenceInfo(focus, users));
            }
        }
        return Optional.empty();
    }

    /** One content with an RTP description; rtcp-fb on the description applies to every payload type. */
    public MediaContent readContent(ContentPacketExtension content) throws MalformedJingleException {
        return readContent(content, new Totals());
    }

    private MediaContent readContent(ContentPacketExtension content, Totals totals) throws MalformedJingleException {
        String name = contentName(content);
        String where = "content '" + name + "'";
        String sendersValue = content.getAttributeAsString(ContentPacketExtension.SENDERS_ATTR_NAME);
        JingleLimits.checkLength(sendersValue, limits.maxNameLength(), "a senders value", where);
        Senders senders = Senders.fromXml(sendersValue)
                .orElseThrow(() -> new MalformedJingleException(where + " has an unknown senders value: " + sendersValue));
        RtpDescriptionPacketExtension description = content.getFirstChildOfType(RtpDescriptionPacketExtension.class);
        if (description == null) {
            throw new MalformedJingleException(where + " has no RTP description (" + RtpDescriptionPacketExtension.NAMESPACE + ")");
        }
        String mediaValue = description.getMedia();
        JingleLimits.checkLength(mediaValue, limits.maxNameLength(), "a media value", where);
        MediaType media = MediaType.fromXml(mediaValue)
                .orElseThrow(() -> new MalformedJingleException(where + " has an unknown media: " + mediaValue));

        List<PayloadType> payloadTypes = readPayloadTypes(description, where);
        List<HeaderExtension> extensions = readHeaderExtensions(description, where);
        List<SourcePacketExtension> sourceElements = description.getChildExtensionsOfType(SourcePacketExtension.class);
        JingleLimits.check(sourceElements.size(), limits.maxSources(), "sources per content", where);
        totals.sources += sourceElements.size();
        JingleLimits.check(totals.sources, limits.maxSourcesPerSession(), "sources in all contents", null);
        List<Source> sources = new ArrayList<>();
        for (SourcePacketExtension element : sourceElements) {
            String ssrc = element.getAttributeAsString(SourcePacketExtension.SSRC_ATTR_NAME);
            if (ssrc == null) {
                continue; // a rid-only source (RFC 8851 simulcast), which Chorus does not use
            }
            sources.add(new Source(parseSsrc(ssrc, where), parameters(element.getParameters(), "a source in " + where)));
        }
        List<SourceGroup> groups = readSourceGroups(description, where);
        boolean rtcpMux = description.getFirstChildOfType(JingleRtcpmuxPacketExtension.class) != null;
        return new MediaContent(name, media, senders, rtcpMux, payloadTypes, extensions, sources, groups);
    }

    /**
     * The payload types, each with its own rtcp-fb and then those of the description, without
     * repeats. Counted before reading: payload types, each one's rtcp-fb, and the content's in all.
     */
    private List<PayloadType> readPayloadTypes(RtpDescriptionPacketExtension description, String where)
            throws MalformedJingleException {
        List<PayloadTypePacketExtension> elements = description.getPayloadTypes();
        JingleLimits.check(elements.size(), limits.maxPayloadTypes(), "payload types per content", where);
        List<RtcpFbPacketExtension> sharedElements = description.getChildExtensionsOfType(RtcpFbPacketExtension.class);
        int feedbackInContent = sharedElements.size();
        JingleLimits.check(feedbackInContent, limits.maxRtcpFbPerContent(), "rtcp-fb per content", where);
        LinkedHashSet<RtcpFb> shared = new LinkedHashSet<>();
        for (RtcpFbPacketExtension fb : sharedElements) {
            shared.add(readRtcpFb(fb, where));
        }
        List<PayloadType> payloadTypes = new ArrayList<>();
        for (PayloadTypePacketExtension element : elements) {
            List<RtcpFbPacketExtension> own = element.getRtcpFeedbackTypeList();
            String pt = "payload-type " + shorten(element.getAttributeAsString(PayloadTypePacketExtension.ID_ATTR_NAME))
                    + " in " + where;
            JingleLimits.check(own.size(), limits.maxRtcpFbPerPayloadType(), "rtcp-fb per payload type", pt);
            feedbackInContent += own.size();
            JingleLimits.check(feedbackInContent, limits.maxRtcpFbPerContent(), "rtcp-fb per content", where);
            LinkedHashSet<RtcpFb> feedback = new LinkedHashSet<>();
            for (RtcpFbPacketExtension fb : own) {
                feedback.add(readRtcpFb(fb, where));
            }
            feedback.addAll(shared);
            JingleLimits.check(feedback.size(), limits.maxRtcpFbPerPayloadType(),
                    "rtcp-fb per payload type, with the description's", pt);
            payloadTypes.add(readPayloadType(element, List.copyOf(feedback), where));
        }
        return payloadTypes;
    }

    private PayloadType readPayloadType(PayloadTypePacketExtension element, List<RtcpFb> feedback, String content)
            throws MalformedJingleException {
        String where = "payload-type in " + content;
        int id = parseInt(element.getAttributeAsString(PayloadTypePacketExtension.ID_ATTR_NAME), "id of a " + where);
        String name = element.getAttributeAsString(PayloadTypePacketExtension.NAME_ATTR_NAME);
        JingleLimits.checkLength(name, limits.maxNameLength(), "a payload-type name", content);
        String clockrate = element.getAttributeAsString(PayloadTypePacketExtension.CLOCKRATE_ATTR_NAME);
        String channels = element.getAttributeAsString(PayloadTypePacketExtension.CHANNELS_ATTR_NAME);
        Map<String, String> parameters = parameters(element.getParameters(), where);
        try {
            return new PayloadType(
                    id,
                    name == null ? "" : name,
                    clockrate == null ? 0 : parseInt(clockrate, "clockrate of " + where),
                    channels == null ? 1 : parseInt(channels, "channels of " + where),
                    parameters,
                    feedback);
        } catch (IllegalArgumentException e) {
            throw new MalformedJingleException(where + ": " + e.getMessage(), e);
        }
    }

    private RtcpFb readRtcpFb(RtcpFbPacketExtension fb, String content) throws MalformedJingleException {
        String type = fb.getFeedbackType();
        if (type == null || type.isBlank()) {
            throw new MalformedJingleException("an rtcp-fb without type in " + content);
        }
        String subtype = fb.getFeedbackSubtype();
        JingleLimits.checkLength(type, limits.maxNameLength(), "an rtcp-fb type", content);
        JingleLimits.checkLength(subtype, limits.maxNameLength(), "an rtcp-fb subtype", content);
        return new RtcpFb(type, subtype);
    }

    private List<HeaderExtension> readHeaderExtensions(RtpDescriptionPacketExtension description, String where)
            throws MalformedJingleException {
        List<RTPHdrExtPacketExtension> elements = description.getExtmapList();
        JingleLimits.check(elements.size(), limits.maxHeaderExtensions(), "header extensions per content", where);
        List<HeaderExtension> extensions = new ArrayList<>();
        for (RTPHdrExtPacketExtension element : elements) {
            int id = parseInt(element.getAttributeAsString(RTPHdrExtPacketExtension.ID_ATTR_NAME), "rtp-hdrext id in " + where);
            String uri = element.getAttributeAsString(RTPHdrExtPacketExtension.URI_ATTR_NAME);
            if (uri == null || uri.isBlank()) {
                throw new MalformedJingleException("an rtp-hdrext without uri in " + where);
            }
            JingleLimits.checkLength(uri, limits.maxValueLength(), "an rtp-hdrext uri", where);
            try {
                extensions.add(new HeaderExtension(id, uri));
            } catch (IllegalArgumentException e) {
                throw new MalformedJingleException("rtp-hdrext in " + where + ": " + e.getMessage(), e);
            }
        }
        return extensions;
    }

    private List<SourceGroup> readSourceGroups(RtpDescriptionPacketExtension description, String where)
            throws MalformedJingleException {
        List<SourceGroupPacketExtension> elements = description.getChildExtensionsOfType(SourceGroupPacketExtension.class);
        JingleLimits.check(elements.size(), limits.maxSourceGroups(), "ssrc-groups per content", where);
        List<SourceGroup> groups = new ArrayList<>();
        for (SourceGroupPacketExtension element : elements) {
            String semantics = element.getSemantics();
            if (semantics == null || semantics.isBlank()) {
                throw new MalformedJingleException("an ssrc-group without semantics in " + where);
            }
            JingleLimits.checkLength(semantics, limits.maxNameLength(), "ssrc-group semantics", where);
            List<SourcePacketExtension> members = element.getSources();
            JingleLimits.check(members.size(), limits.maxSourcesPerGroup(), "sources per ssrc-group", where);
            List<Long> ssrcs = new ArrayList<>();
            for (SourcePacketExtension member : members) {
                ssrcs.add(parseSsrc(member.getAttributeAsString(SourcePacketExtension.SSRC_ATTR_NAME), where));
            }
            groups.add(new SourceGroup(semantics, ssrcs));
        }
        return groups;
    }

    /** An ICE-UDP transport with its fingerprint, rtcp-mux, candidates and gathering-complete. */
    public IceTransport readTransport(IceUdpTransportPacketExtension transport) throws MalformedJingleException {
        return readTransport(transport, new Totals());
    }

    private IceTransport readTransport(IceUdpTransportPacketExtension transport, Totals totals)
            throws MalformedJingleException {
        Fingerprint fingerprint = null;
        DtlsFingerprintPacketExtension fp = transport.getFirstChildOfType(DtlsFingerprintPacketExtension.class);
        if (fp != null) {
            String hash = fp.getHash();
            String value = fp.getFingerprint() == null ? null : fp.getFingerprint().trim();
            if (hash == null || hash.isBlank() || value == null || value.isEmpty()) {
                throw new MalformedJingleException("a DTLS fingerprint needs a hash and a value");
            }
            JingleLimits.checkLength(hash, limits.maxNameLength(), "a fingerprint hash", null);
            JingleLimits.checkLength(value, limits.maxFingerprintLength(), "a fingerprint", null);
            String setupValue = fp.getSetup();
            DtlsSetup setup = null;
            if (setupValue != null) {
                JingleLimits.checkLength(setupValue, limits.maxNameLength(), "a DTLS setup value", null);
                setup = DtlsSetup.fromXml(setupValue)
                        .orElseThrow(() -> new MalformedJingleException("unknown DTLS setup: " + setupValue));
            }
            fingerprint = new Fingerprint(hash, value, setup);
        }
        String ufrag = transport.getUfrag();
        String pwd = transport.getPassword();
        JingleLimits.checkLength(ufrag, limits.maxCredentialLength(), "an ICE ufrag", null);
        JingleLimits.checkLength(pwd, limits.maxCredentialLength(), "an ICE pwd", null);
        List<CandidatePacketExtension> elements = transport.getCandidateList();
        totals.candidates += elements.size();
        JingleLimits.check(totals.candidates, limits.maxCandidates(), "candidates per request", null);
        List<JingleCandidate> candidates = new ArrayList<>();
        for (CandidatePacketExtension candidate : elements) {
            candidates.add(readCandidate(candidate));
        }
        return new IceTransport(
                emptyToNull(ufrag),
                emptyToNull(pwd),
                fingerprint,
                transport.getFirstChildOfType(IceRtcpmuxPacketExtension.class) != null,
                candidates,
                transport.getFirstChildOfType(GatheringCompleteExtension.class) != null);
    }

    /** A candidate; {@code id}, {@code generation}, {@code network} and the related address may be absent. */
    public JingleCandidate readCandidate(CandidatePacketExtension c) throws MalformedJingleException {
        String[] names = {CandidatePacketExtension.FOUNDATION_ATTR_NAME, CandidatePacketExtension.PROTOCOL_ATTR_NAME,
            CandidatePacketExtension.TYPE_ATTR_NAME, CandidatePacketExtension.ID_ATTR_NAME,
            CandidatePacketExtension.TCPTYPE_ATTR_NAME};
        for (String name : names) {
            JingleLimits.checkLength(c.getAttributeAsString(name), limits.maxNameLength(), "a candidate's " + name, null);
        }
        JingleLimits.checkLength(c.getAttributeAsString(CandidatePacketExtension.IP_ATTR_NAME), limits.maxValueLength(),
                "a candidate's ip", null);
        JingleLimits.checkLength(c.getAttributeAsString(CandidatePacketExtension.REL_ADDR_ATTR_NAME),
                limits.maxValueLength(), "a candidate's rel-addr", null);
        try {
            return new JingleCandidate(
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

    private String contentName(ContentPacketExtension content) throws MalformedJingleException {
        String name = content.getName();
        if (name == null || name.isEmpty()) {
            throw new MalformedJingleException("a content without a name");
        }
        JingleLimits.checkLength(name, limits.maxNameLength(), "a content name", null);
        return name;
    }

    private static IceUdpTransportPacketExtension iceTransportOf(ContentPacketExtension content) {
        for (IceUdpTransportPacketExtension transport : content.getChildExtensionsOfType(IceUdpTransportPacketExtension.class)) {
            if (IceUdpTransportPacketExtension.NAMESPACE.equals(transport.getNamespace())) {
                return transport;
            }
        }
        return null;
    }

    private Map<String, String> parameters(List<ParameterPacketExtension> elements, String where)
            throws MalformedJingleException {
        JingleLimits.check(elements.size(), limits.maxParameters(), "parameters per element", where);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (ParameterPacketExtension parameter : elements) {
            String name = parameter.getName();
            String value = parameter.getValue();
            JingleLimits.checkLength(name, limits.maxNameLength(), "a parameter name", where);
            JingleLimits.checkLength(value, limits.maxValueLength(), "a parameter value", where);
            if (name != null && !name.isEmpty()) {
                parameters.put(name, value == null ? "" : value);
            }
        }
        return parameters;
    }

    private static String required(AbstractPacketExtension element, String attribute) {
        return JingleValues.required(element.getAttributeAsString(attribute), attribute);
    }

    private static Integer optionalInt(AbstractPacketExtension element, String attribute) {
        return JingleValues.optionalInt(element.getAttributeAsString(attribute), attribute);
    }
}
