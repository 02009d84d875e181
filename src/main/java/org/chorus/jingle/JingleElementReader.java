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
import org.dom4j.Element;

/**
 * Reads the model ({@link SessionDescription} and its parts) straight from the dom4j elements of a
 * Jingle request, as the gateway receives it: one pass, no text round trip, no Smack. It reads what
 * {@link JingleReader} reads from jitsi-xmpp-extensions' classes, element for element (an element
 * counts when its name and namespace are those that jitsi-xmpp-extensions registers for it), within
 * the same {@link JingleLimits} and with the same errors. The request itself (name, action, sid,
 * size) is {@link InboundJingle}'s to check first. Stateless: one reader serves any number of threads.
 */
public final class JingleElementReader {
    /** A reader with the default limits. */
    public static final JingleElementReader DEFAULT = new JingleElementReader(JingleLimits.DEFAULTS);

    static final String JINGLE = "urn:xmpp:jingle:1";
    static final String RTP = "urn:xmpp:jingle:apps:rtp:1";
    static final String RTCP_FB = "urn:xmpp:jingle:apps:rtp:rtcp-fb:0";
    static final String HDREXT = "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0";
    static final String SSMA = "urn:xmpp:jingle:apps:rtp:ssma:0";
    static final String ICE_UDP = "urn:xmpp:jingle:transports:ice-udp:1";
    static final String RAW_UDP = "urn:xmpp:jingle:transports:raw-udp:1";
    static final String DTLS = "urn:xmpp:jingle:apps:dtls:0";
    static final String GROUPING = "urn:xmpp:jingle:apps:grouping:0";
    static final String COIN = "urn:xmpp:coin:1";

    private final JingleLimits limits;

    public JingleElementReader(JingleLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Counts over a whole request. */
    private static final class Totals {
        int sources;
        int candidates;
    }

    /** {@link JingleReader#readSession}, from the {@code <jingle>} element. */
    public SessionDescription readSession(Element jingle) throws MalformedJingleException {
        List<Element> contentElements = children(jingle, "content", JINGLE);
        JingleLimits.check(contentElements.size(), limits.maxContents(), "contents", null);
        Totals totals = new Totals();
        List<MediaContent> contents = new ArrayList<>();
        Map<String, Element> byName = new LinkedHashMap<>();
        for (Element element : contentElements) {
            MediaContent content = readContent(element, totals);
            if (byName.putIfAbsent(content.name(), element) != null) {
                throw new MalformedJingleException("two contents are named '" + content.name() + "'");
            }
            contents.add(content);
        }
        List<String> bundle = readBundle(jingle);
        IceTransport transport = null;
        List<String> order = new ArrayList<>(bundle);
        order.addAll(byName.keySet());
        for (String name : order) {
            Element element = byName.get(name);
            Element ice = element == null ? null : first(element, "transport", ICE_UDP);
            if (ice != null) {
                transport = readTransport(ice, totals);
                break;
            }
        }
        return new SessionDescription(contents, transport, bundle, readConferenceInfo(jingle).orElse(null));
    }

    /** {@link JingleReader#readTransportInfo}, from the {@code <jingle>} element. */
    public List<TransportUpdate> readTransportInfo(Element jingle) throws MalformedJingleException {
        List<Element> contents = children(jingle, "content", JINGLE);
        JingleLimits.check(contents.size(), limits.maxContents(), "contents", null);
        Totals totals = new Totals();
        List<TransportUpdate> updates = new ArrayList<>();
        for (Element content : contents) {
            String name = contentName(content);
            Element ice = first(content, "transport", ICE_UDP);
            if (ice != null) {
                updates.add(new TransportUpdate(name, readTransport(ice, totals)));
            }
        }
        return updates;
    }

    /** The content names of the first BUNDLE group (XEP-0338); empty when there is none. */
    public List<String> readBundle(Element jingle) throws MalformedJingleException {
        for (Element group : children(jingle, "group", GROUPING)) {
            if (!JingleConverter.BUNDLE.equals(group.attributeValue("semantics"))) {
                continue;
            }
            List<Element> members = children(group, "content", null);
            JingleLimits.check(members.size(), limits.maxContents(), "contents in a BUNDLE group", null);
            LinkedHashSet<String> names = new LinkedHashSet<>();
            for (Element content : members) {
                String name = content.attributeValue("name");
                JingleLimits.checkLength(name, limits.maxNameLength(), "a content name", "BUNDLE group");
                if (name != null) {
                    names.add(name);
                }
            }
            return List.copyOf(names);
        }
        return List.of();
    }

    /** COIN's conference-info (XEP-0298), when the Jingle element carries one. */
    public Optional<ConferenceInfo> readConferenceInfo(Element jingle) throws MalformedJingleException {
        Element coin = first(jingle, "conference-info", COIN);
        if (coin == null) {
            return Optional.empty();
        }
        String isFocus = coin.attributeValue("isfocus");
        boolean focus = Boolean.parseBoolean(isFocus) || "1".equals(isFocus);
        List<ConferenceUser> users = new ArrayList<>();
        for (Element list : children(coin, "users", COIN)) {
            List<Element> elements = children(list, "user", COIN);
            JingleLimits.check(users.size() + elements.size(), limits.maxConferenceUsers(), "users in conference-info", null);
            for (Element user : elements) {
                String entity = user.attributeValue("entity");
                Element displayText = first(user, "display-text", COIN);
                String display = displayText == null ? null : displayText.getText();
                JingleLimits.checkLength(entity, limits.maxValueLength(), "a conference-info user", null);
                JingleLimits.checkLength(display, limits.maxValueLength(), "a display-text", null);
                if (entity != null) {
                    users.add(new ConferenceUser(entity, display));
                }
            }
        }
        return Optional.of(new ConferenceInfo(focus, users));
    }

    private MediaContent readContent(Element content, Totals totals) throws MalformedJingleException {
        String name = contentName(content);
        String where = "content '" + name + "'";
        String sendersValue = content.attributeValue("senders");
        JingleLimits.checkLength(sendersValue, limits.maxNameLength(), "a senders value", where);
        Senders senders = Senders.fromXml(sendersValue)
                .orElseThrow(() -> new MalformedJingleException(where + " has an unknown senders value: " + sendersValue));
        Element description = first(content, "description", RTP);
        if (description == null) {
            throw new MalformedJingleException(where + " has no RTP description (" + RTP + ")");
        }
        String mediaValue = description.attributeValue("media");
        JingleLimits.checkLength(mediaValue, limits.maxNameLength(), "a media value", where);
        MediaType media = MediaType.fromXml(mediaValue)
                .orElseThrow(() -> new MalformedJingleException(where + " has an unknown media: " + mediaValue));

        List<PayloadType> payloadTypes = readPayloadTypes(description, where);
        List<HeaderExtension> extensions = readHeaderExtensions(description, where);
        List<Element> sourceElements = children(description, "source", SSMA);
        JingleLimits.check(sourceElements.size(), limits.maxSources(), "sources per content", where);
        totals.sources += sourceElements.size();
        JingleLimits.check(totals.sources, limits.maxSourcesPerSession(), "sources in all contents", null);
        List<Source> sources = new ArrayList<>();
        for (Element element : sourceElements) {
            String ssrc = element.attributeValue("ssrc");
            if (ssrc == null) {
                continue; // a rid-only source (RFC 8851 simulcast), which Chorus does not use
            }
            sources.add(new Source(parseSsrc(ssrc, where), parameters(element, "a source in " + where)));
        }
        List<SourceGroup> groups = readSourceGroups(description, where);
        boolean rtcpMux = first(description, "rtcp-mux", RTP) != null;
        return new MediaContent(name, media, senders, rtcpMux, payloadTypes, extensions, sources, groups);
    }

    private List<PayloadType> readPayloadTypes(Element description, String where) throws MalformedJingleException {
        List<Element> elements = children(description, "payload-type", RTP);
        JingleLimits.check(elements.size(), limits.maxPayloadTypes(), "payload types per content", where);
        List<Element> sharedElements = children(description, "rtcp-fb", RTCP_FB);
        int feedbackInContent = sharedElements.size();
        JingleLimits.check(feedbackInContent, limits.maxRtcpFbPerContent(), "rtcp-fb per content", where);
        LinkedHashSet<RtcpFb> shared = new LinkedHashSet<>();
        for (Element fb : sharedElements) {
            shared.add(readRtcpFb(fb, where));
        }
        List<PayloadType> payloadTypes = new ArrayList<>();
        for (Element element : elements) {
            List<Element> own = children(element, "rtcp-fb", RTCP_FB);
            String pt = "payload-type " + shorten(element.attributeValue("id")) + " in " + where;
            JingleLimits.check(own.size(), limits.maxRtcpFbPerPayloadType(), "rtcp-fb per payload type", pt);
            feedbackInContent += own.size();
            JingleLimits.check(feedbackInContent, limits.maxRtcpFbPerContent(), "rtcp-fb per content", where);
            LinkedHashSet<RtcpFb> feedback = new LinkedHashSet<>();
            for (Element fb : own) {
                feedback.add(readRtcpFb(fb, where));
            }
            feedback.addAll(shared);
            JingleLimits.check(feedback.size(), limits.maxRtcpFbPerPayloadType(),
                    "rtcp-fb per payload type, with the description's", pt);
            payloadTypes.add(readPayloadType(element, List.copyOf(feedback), where));
        }
        return payloadTypes;
    }

    private PayloadType readPayloadType(Element element, List<RtcpFb> feedback, String content)
            throws MalformedJingleException {
        String where = "payload-type in " + content;
        int id = parseInt(element.attributeValue("id"), "id of a " + where);
        String name = element.attributeValue("name");
        JingleLimits.checkLength(name, limits.maxNameLength(), "a payload-type name", content);
        String clockrate = element.attributeValue("clockrate");
        String channels = element.attributeValue("channels");
        Map<String, String> parameters = parameters(element, where);
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

    private RtcpFb readRtcpFb(Element fb, String content) throws MalformedJingleException {
        String type = fb.attributeValue("type");
        if (type == null || type.isBlank()) {
            throw new MalformedJingleException("an rtcp-fb without type in " + content);
        }
        String subtype = fb.attributeValue("subtype");
        JingleLimits.checkLength(type, limits.maxNameLength(), "an rtcp-fb type", content);
        JingleLimits.checkLength(subtype, limits.maxNameLength(), "an rtcp-fb subtype", content);
        return new RtcpFb(type, subtype);
    }

    private List<HeaderExtension> readHeaderExtensions(Element description, String where) throws MalformedJingleException {
        List<Element> elements = children(description, "rtp-hdrext", HDREXT);
        JingleLimits.check(elements.size(), limits.maxHeaderExtensions(), "header extensions per content", where);
        List<HeaderExtension> extensions = new ArrayList<>();
        for (Element element : elements) {
            int id = parseInt(element.attributeValue("id"), "rtp-hdrext id in " + where);
            String uri = element.attributeValue("uri");
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

    /** The ssrc-groups; jitsi-xmpp-extensions reads a rid-group as one too. */
    private List<SourceGroup> readSourceGroups(Element description, String where) throws MalformedJingleException {
        List<Element> elements = new ArrayList<>();
        for (Element child : description.elements()) {
            if (SSMA.equals(child.getNamespaceURI())
                    && ("ssrc-group".equals(child.getName()) || "rid-group".equals(child.getName()))) {
                elements.add(child);
            }
        }
        JingleLimits.check(elements.size(), limits.maxSourceGroups(), "ssrc-groups per content", where);
        List<SourceGroup> groups = new ArrayList<>();
        for (Element element : elements) {
            String semantics = element.attributeValue("semantics");
            if (semantics == null || semantics.isBlank()) {
                throw new MalformedJingleException("an ssrc-group without semantics in " + where);
            }
            JingleLimits.checkLength(semantics, limits.maxNameLength(), "ssrc-group semantics", where);
            List<Element> members = children(element, "source", SSMA);
            JingleLimits.check(members.size(), limits.maxSourcesPerGroup(), "sources per ssrc-group", where);
            List<Long> ssrcs = new ArrayList<>();
            for (Element member : members) {
                ssrcs.add(parseSsrc(member.attributeValue("ssrc"), where));
            }
            groups.add(new SourceGroup(semantics, ssrcs));
        }
        return groups;
    }

    /** An ICE-UDP transport with its fingerprint, rtcp-mux, candidates and gathering-complete. */
    public IceTransport readTransport(Element transport) throws MalformedJingleException {
        return readTransport(transport, new Totals());
    }

    private IceTransport readTransport(Element transport, Totals totals) throws MalformedJingleException {
        Fingerprint fingerprint = null;
        Element fp = first(transport, "fingerprint", DTLS);
        if (fp != null) {
            String hash = fp.attributeValue("hash");
            String value = fp.getText() == null ? null : fp.getText().trim();
            if (hash == null || hash.isBlank() || value == null || value.isEmpty()) {
                throw new MalformedJingleException("a DTLS fingerprint needs a hash and a value");
            }
            JingleLimits.checkLength(hash, limits.maxNameLength(), "a fingerprint hash", null);
            JingleLimits.checkLength(value, limits.maxFingerprintLength(), "a fingerprint", null);
            String setupValue = fp.attributeValue("setup");
            DtlsSetup setup = null;
            if (setupValue != null) {
                JingleLimits.checkLength(setupValue, limits.maxNameLength(), "a DTLS setup value", null);
                setup = DtlsSetup.fromXml(setupValue)
                        .orElseThrow(() -> new MalformedJingleException("unknown DTLS setup: " + setupValue));
            }
            fingerprint = new Fingerprint(hash, value, setup);
        }
        String ufrag = transport.attributeValue("ufrag");
        String pwd = transport.attributeValue("pwd");
        JingleLimits.checkLength(ufrag, limits.maxCredentialLength(), "an ICE ufrag", null);
        JingleLimits.checkLength(pwd, limits.maxCredentialLength(), "an ICE pwd", null);
        List<Element> elements = new ArrayList<>();
        for (Element child : transport.elements()) {
            // jitsi-xmpp-extensions keeps ICE-UDP and raw-UDP candidates alike
            if ("candidate".equals(child.getName())
                    && (ICE_UDP.equals(child.getNamespaceURI()) || RAW_UDP.equals(child.getNamespaceURI()))) {
                elements.add(child);
            }
        }
        totals.candidates += elements.size();
        JingleLimits.check(totals.candidates, limits.maxCandidates(), "candidates per request", null);
        List<JingleCandidate> candidates = new ArrayList<>();
        for (Element candidate : elements) {
            candidates.add(readCandidate(candidate));
        }
        return new IceTransport(
                emptyToNull(ufrag),
                emptyToNull(pwd),
                fingerprint,
                first(transport, "rtcp-mux", ICE_UDP) != null,
                candidates,
                first(transport, GatheringCompleteExtension.ELEMENT, GatheringCompleteExtension.NAMESPACE) != null);
    }

    /** A candidate; {@code id}, {@code generation}, {@code network} and the related address may be absent. */
    public JingleCandidate readCandidate(Element c) throws MalformedJingleException {
        for (String name : new String[] {"foundation", "protocol", "type", "id", "tcptype"}) {
            JingleLimits.checkLength(c.attributeValue(name), limits.maxNameLength(), "a candidate's " + name, null);
        }
        JingleLimits.checkLength(c.attributeValue("ip"), limits.maxValueLength(), "a candidate's ip", null);
        JingleLimits.checkLength(c.attributeValue("rel-addr"), limits.maxValueLength(), "a candidate's rel-addr", null);
        try {
            return new JingleCandidate(
                    required(c, "foundation"),
                    parseInt(required(c, "component"), "candidate component"),
                    required(c, "protocol"),
                    parseLong(required(c, "priority"), "candidate priority"),
                    required(c, "ip"),
                    parseInt(required(c, "port"), "candidate port"),
                    required(c, "type"),
                    optionalInt(c, "generation"),
                    c.attributeValue("id"),
                    optionalInt(c, "network"),
                    c.attributeValue("rel-addr"),
                    optionalInt(c, "rel-port"),
                    c.attributeValue("tcptype"));
        } catch (IllegalArgumentException e) {
            throw new MalformedJingleException("candidate: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private String contentName(Element content) throws MalformedJingleException {
        String name = content.attributeValue("name");
        if (name == null || name.isEmpty()) {
            throw new MalformedJingleException("a content without a name");
        }
        JingleLimits.checkLength(name, limits.maxNameLength(), "a content name", null);
        return name;
    }

    /** The parameters of a payload-type or source (XEP-0167's and XEP-0339's alike); those without a name are left out. */
    private Map<String, String> parameters(Element parent, String where) throws MalformedJingleException {
        List<Element> elements = new ArrayList<>();
        for (Element child : parent.elements()) {
            if ("parameter".equals(child.getName())
                    && (RTP.equals(child.getNamespaceURI()) || SSMA.equals(child.getNamespaceURI()))) {
                elements.add(child);
            }
        }
        JingleLimits.check(elements.size(), limits.maxParameters(), "parameters per element", where);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Element parameter : elements) {
            String name = parameter.attributeValue("name");
            String value = parameter.attributeValue("value");
            JingleLimits.checkLength(name, limits.maxNameLength(), "a parameter name", where);
            JingleLimits.checkLength(value, limits.maxValueLength(), "a parameter value", where);
            if (name != null && !name.isEmpty()) {
                parameters.put(name, value == null ? "" : value);
            }
        }
        return parameters;
    }

    /** The children with that name, and that namespace unless it is null. */
    private static List<Element> children(Element parent, String name, String namespace) {
        List<Element> out = new ArrayList<>();
        for (Element child : parent.elements()) {
            if (name.equals(child.getName()) && (namespace == null || namespace.equals(child.getNamespaceURI()))) {
                out.add(child);
            }
        }
        return out;
    }

    private static Element first(Element parent, String name, String namespace) {
        for (Element child : parent.elements()) {
            if (name.equals(child.getName()) && namespace.equals(child.getNamespaceURI())) {
                return child;
            }
        }
        return null;
    }

    private static String required(Element element, String attribute) {
        return JingleValues.required(element.attributeValue(attribute), attribute);
    }

    private static Integer optionalInt(Element element, String attribute) {
        return JingleValues.optionalInt(element.attributeValue(attribute), attribute);
    }
}
