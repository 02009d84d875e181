package org.chorus.jingle;

import java.util.Objects;
import org.dom4j.Element;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.SessionInfoType;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.xmpp.packet.IQ;

/**
 * A Jingle request as the gateway receives it (a Tinder {@link IQ}), checked before anything reads
 * its payload: it is {@code <jingle xmlns='urn:xmpp:jingle:1'>} within {@link JingleLimits} (see
 * {@link JingleSize}), with an XEP-0166 action, a sid, addresses that are JIDs, and known
 * session-info. Its contents are then read from {@link #jingle()} with {@link JingleElementReader}.
 *
 * @param action the XEP-0166 action
 * @param sid    the session id, within {@link JingleLimits#maxSidLength()}
 * @param jingle the {@code <jingle>} element, as it arrived
 */
public record InboundJingle(JingleAction action, String sid, Element jingle) {
    private static final int MAX_ERROR_TEXT = 200;

    public InboundJingle {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(jingle, "jingle");
    }

    /** {@link #read(IQ, JingleLimits)} within {@link JingleLimits#DEFAULTS}. */
    public static InboundJingle read(IQ iq) throws MalformedJingleException {
        return read(iq, JingleLimits.DEFAULTS);
    }

    /**
     * Checks a Jingle request.
     *
     * @throws MalformedJingleException when it is not {@code <jingle xmlns='urn:xmpp:jingle:1'>}, has no
     *         {@code sid}, no or a non-XEP-0166 {@code action}, is larger than {@code limits} allow, has an
     *         initiator or responder that is not a JID, or session-info that XEP-0167 does not define
     *         ({@link MalformedJingleException#unsupportedInfo}); the message says which, for the
     *         {@code bad-request} reply
     */
    public static InboundJingle read(IQ iq, JingleLimits limits) throws MalformedJingleException {
        Objects.requireNonNull(iq, "iq");
        Element jingle = iq.getChildElement();
        if (jingle == null || !JingleIQ.ELEMENT.equals(jingle.getName()) || !JingleIQ.NAMESPACE.equals(jingle.getNamespaceURI())) {
            throw new MalformedJingleException("not a Jingle request: expected <jingle xmlns='" + JingleIQ.NAMESPACE + "'>");
        }
        JingleSize.check(iq.getElement(), limits);
        String actionName = jingle.attributeValue(JingleIQ.ACTION_ATTR_NAME);
        if (actionName == null) {
            throw new MalformedJingleException("the jingle element has no action");
        }
        JingleAction action = JingleAction.parseString(actionName);
        if (action == null || !JingleStanzas.STANDARD_ACTIONS.contains(action)) {
            throw new MalformedJingleException("unknown Jingle action: " + shorten(actionName));
        }
        String sid = jingle.attributeValue(JingleIQ.SID_ATTR_NAME);
        if (sid == null || sid.isBlank()) {
            throw new MalformedJingleException("the jingle element has no sid");
        }
        JingleLimits.checkLength(sid, limits.maxSidLength(), "a sid", null);
        if (action == JingleAction.SESSION_INFO) {
            requireKnownSessionInfo(jingle);
        }
        requireJid(jingle, JingleIQ.INITIATOR_ATTR_NAME);
        requireJid(jingle, JingleIQ.RESPONDER_ATTR_NAME);
        return new InboundJingle(action, sid, jingle);
    }

    /** An initiator or responder, when present, must be a JID, as it must for Smack's Jingle provider. */
    private static void requireJid(Element jingle, String attribute) throws MalformedJingleException {
        String value = jingle.attributeValue(attribute);
        if (value == null) {
            return;
        }
        try {
            JidCreate.from(value);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            throw new MalformedJingleException("cannot read the Jingle request: " + shorten(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * XEP-0166 wants a session-info payload that the receiver does not understand answered with
     * {@code unsupported-info}; XEP-0167 defines those in its namespace.
     */
    private static void requireKnownSessionInfo(Element jingle) throws MalformedJingleException {
        for (Element child : jingle.elements()) {
            if (JingleStanzas.RTP_INFO_NAMESPACE.equals(child.getNamespaceURI())) {
                boolean known = false;
                for (SessionInfoType type : SessionInfoType.values()) {
                    known |= type.name().equals(child.getName());
                }
                if (!known) {
                    throw MalformedJingleException.unsupportedInfo("unsupported session-info: " + shorten(child.getName()));
                }
            }
        }
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "…";
    }
}
