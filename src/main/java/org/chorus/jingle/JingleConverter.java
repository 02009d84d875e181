package org.chorus.jingle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

/**
 * Converts between the model ({@link SessionDescription} and its parts) and jitsi-xmpp-extensions'
 * Jingle elements, both ways. Reading is {@link JingleReader}'s, within {@link JingleLimits}; the
 * static read methods here use the default limits. Policy (what Chorus accepts) is
 * {@link Negotiation}'s.
 */
public final class JingleConverter {
    private JingleConverter() {}

    public static final String SSMA_NAMESPACE = SourcePacketExtension.NAMESPACE;
    public static final String BUNDLE = GroupPacketExtension.SEMANTICS_BUNDLE;

    // ---------------------------------------------------------------------------------------------
    // Reading, within the default limits (see JingleReader)
    // ---------------------------------------------------------------------------------------------

    /** {@link JingleReader#readSession} within {@link JingleLimits#DEFAULTS}. */
    public static SessionDescription readSession(JingleIQ iq) throws MalformedJingleException {
        return JingleReader.DEFAULT.readSession(iq);
    }

    /** {@link JingleReader#readTransportInfo} within {@link JingleLimits#DEFAULTS}. */
    public static List<TransportUpdate> readTransportInfo(JingleIQ iq) throws MalformedJingleException {
        return JingleReader.DEFAULT.readTransportInfo(iq);
    }

    /** {@link JingleReader#readBundle} within {@link JingleLimits#DEFAULTS}. */
    public static List<String> readBundle(JingleIQ iq) throws MalformedJingleException {
        return JingleReader.DEFAULT.readBundle(iq);
    }

    /** {@link JingleReader#readConferenceInfo} within {@link JingleLimits#DEFAULTS}. */
    public static Optional<ConferenceInfo> readConferenceInfo(JingleIQ iq) throws MalformedJingleException {
        return JingleReader.DEFAULT.readConferenceInfo(iq);
    }

    /** {@link JingleReader#readContent} within {@link JingleLimits#DEFAULTS}. */
    public static MediaContent readContent(ContentPacketExtension content) throws MalformedJingleException {
        return JingleReader.DEFAULT.readContent(content);
    }

    /** {@link JingleReader#readTransport} within {@link JingleLimits#DEFAULTS}. */
    public static IceTransport readTransport(IceUdpTransportPacketExtension transport) throws MalformedJingleException {
        return JingleReader.DEFAULT.readTransport(transport);
    }

    /** {@link JingleReader#readCandidate} within {@link JingleLimits#DEFAULTS}. */
    public static JingleCandidate readCandidate(CandidatePacketExtension c) throws MalformedJingleException {
        return JingleReader.DEFAULT.readCandidate(c);
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
        for (JingleCandidate candidate : transport.candidates()) {
            element.addCandidate(writeCandidate(candidate));
        }
        if (transport.gatheringComplete()) {
            element.addChildExtension(new GatheringCompleteExtension());
        }
        return element;
    }

    public static IceCandidatePacketExtension writeCandidate(JingleCandidate candidate) {
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
}
