package org.chorus.jingle;

import java.util.List;
import java.util.Objects;
import org.jitsi.xmpp.extensions.jingle.ContentPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.jitsi.xmpp.extensions.jingle.ReasonPacketExtension;
import org.jitsi.xmpp.extensions.jingle.SessionInfoPacketExtension;
import org.jitsi.xmpp.extensions.jingle.SessionInfoType;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;

/**
 * Builds the Jingle IQs (type {@code set}) that Chorus sends, as jitsi-xmpp-extensions' {@link JingleIQ}.
 * The gateway sends them through {@link JingleStanzas#toTinder}, always from the conference's bare
 * JID (PROTOCOL.md §11); Smack-based programs send them as they are.
 */
public final class JingleMessages {
    private JingleMessages() {}

    /**
     * The session-accept of a member's call: the negotiated codecs, the gateway's transport with
     * {@code setup} active or passive, BUNDLE and {@code <conference-info isfocus='true'/>}.
     * {@code responder} is the conference.
     */
    public static JingleIQ sessionAccept(Jid conference, Jid member, String sid, NegotiatedSession session, LocalTransport local) {
        return sessionAccept(conference, member, sid, session.answer(local));
    }

    /** A session-accept with any description; {@code responder} is {@code from}. */
    public static JingleIQ sessionAccept(Jid from, Jid to, String sid, SessionDescription answer) {
        JingleIQ iq = jingle(JingleAction.SESSION_ACCEPT, from, to, sid);
        iq.setResponder(from);
        JingleConverter.writeSession(iq, answer);
        return iq;
    }

    /** The session-initiate of a forwarding session (§6); {@code initiator} is the conference. */
    public static JingleIQ sessionInitiate(Jid conference, Jid receiver, ForwardingOffer offer) {
        return sessionInitiate(conference, receiver, offer.sid(), offer.description());
    }

    /** A session-initiate with any description; {@code initiator} is {@code from}. */
    public static JingleIQ sessionInitiate(Jid from, Jid to, String sid, SessionDescription offer) {
        JingleIQ iq = jingle(JingleAction.SESSION_INITIATE, from, to, sid);
        iq.setInitiator(from);
        JingleConverter.writeSession(iq, offer);
        return iq;
    }

    /**
     * A trickled candidate: one transport-info per candidate, on the given content (with BUNDLE, the
     * first one), with the ICE credentials it belongs to.
     */
    public static JingleIQ transportInfo(Jid from, Jid to, String sid, String contentName, String ufrag, String pwd, JingleCandidate candidate) {
        Objects.requireNonNull(candidate, "candidate");
        return transportInfo(from, to, sid, contentName, new IceTransport(ufrag, pwd, null, false, List.of(candidate), false));
    }

    /** The end of trickled candidates: a transport-info with {@code <gathering-complete/>}. */
    public static JingleIQ gatheringComplete(Jid from, Jid to, String sid, String contentName, String ufrag, String pwd) {
        return transportInfo(from, to, sid, contentName, new IceTransport(ufrag, pwd, null, false, List.of(), true));
    }

    /** A transport-info with any transport on one content. */
    public static JingleIQ transportInfo(Jid from, Jid to, String sid, String contentName, IceTransport transport) {
        JingleIQ iq = jingle(JingleAction.TRANSPORT_INFO, from, to, sid);
        ContentPacketExtension content = new ContentPacketExtension();
        content.setCreator(ContentPacketExtension.CreatorEnum.initiator);
        content.setName(Objects.requireNonNull(contentName, "contentName"));
        IceUdpTransportPacketExtension element = JingleConverter.writeTransport(transport);
        content.addChildExtension(element);
        iq.addContent(content);
        return iq;
    }

    /**
     * A session-terminate with a reason and an optional {@code <text>}: success, gone, decline (§7 wants
     * a text), timeout, failed-application, failed-transport, security-error, expired, …
     */
    public static JingleIQ sessionTerminate(Jid from, Jid to, String sid, Reason reason, String text) {
        Objects.requireNonNull(reason, "reason");
        if (reason == Reason.UNDEFINED) {
            throw new IllegalArgumentException("a session-terminate needs a defined reason");
        }
        JingleIQ iq = jingle(JingleAction.SESSION_TERMINATE, from, to, sid);
        iq.setReason(new ReasonPacketExtension(reason, text == null || text.isEmpty() ? null : text, null));
        return iq;
    }

    /** {@code <decline/>} with the text §7 asks for (kicked, banned, lost membership). */
    public static JingleIQ decline(Jid from, Jid to, String sid, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a decline says why");
        }
        return sessionTerminate(from, to, sid, Reason.DECLINE, text);
    }

    /** The session-terminate for a failed negotiation; an IQ-error failure has none. */
    public static JingleIQ sessionTerminate(Jid from, Jid to, String sid, NegotiationFailure failure) {
        Reason reason = failure.terminateReason()
                .orElseThrow(() -> new IllegalArgumentException("a bad-request is answered with an IQ error, not a session-terminate"));
        return sessionTerminate(from, to, sid, reason, failure.text());
    }

    /** A session-info such as {@code <ringing/>} or {@code <mute/>} (XEP-0167 §7). */
    public static JingleIQ sessionInfo(Jid from, Jid to, String sid, SessionInfoType type) {
        JingleIQ iq = jingle(JingleAction.SESSION_INFO, from, to, sid);
        iq.setSessionInfo(new SessionInfoPacketExtension(type));
        return iq;
    }

    private static JingleIQ jingle(JingleAction action, Jid from, Jid to, String sid) {
        Objects.requireNonNull(sid, "sid");
        if (sid.isBlank()) {
            throw new IllegalArgumentException("a Jingle IQ needs a sid");
        }
        JingleIQ iq = new JingleIQ(action, sid);
        iq.setType(IQ.Type.set);
        iq.setFrom(from);
        iq.setTo(to);
        return iq;
    }
}
