package org.chorus.conference;

import java.util.List;
import java.util.Set;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.xmpp.packet.IQ;

/**
 * The parts of a Jingle IQ that routing and authorization look at, checked for shape (XEP-0166).
 * Full parsing of descriptions and transports belongs to the session that accepts the call.
 */
public record JingleRequest(String action, String sid, String initiator, List<Element> contents) {

    public static final Set<String> ACTIONS = Set.of(
            "content-accept", "content-add", "content-modify", "content-reject", "content-remove",
            "description-info", "security-info", "session-accept", "session-info", "session-initiate",
            "session-terminate", "transport-accept", "transport-info", "transport-reject", "transport-replace");

    /** Reads the request; throws {@link Malformed} with the reason for {@code bad-request}. */
    public static JingleRequest parse(IQ iq) {
        Element jingle = iq.getChildElement();
        if (jingle == null || !"jingle".equals(jingle.getName()) || !Namespaces.JINGLE.equals(jingle.getNamespaceURI())) {
            throw new Malformed("not a Jingle request");
        }
        if (iq.getType() != IQ.Type.set) {
            throw new Malformed("Jingle requests are IQs of type set");
        }
        String action = jingle.attributeValue("action");
        if (action == null || !ACTIONS.contains(action)) {
            throw new Malformed(action == null ? "the jingle element has no action" : "unknown Jingle action: " + action);
        }
        String sid = jingle.attributeValue("sid");
        if (sid == null || sid.isBlank()) {
            throw new Malformed("the jingle element has no sid");
        }
        int maxSid = org.chorus.jingle.JingleLimits.DEFAULTS.maxSidLength();
        if (sid.length() > maxSid) {
            // checked before the sid is used as a key or written to a log
            throw new Malformed("over the gateway's limit of " + maxSid + " characters of sid");
        }
        List<Element> contents = jingle.elements("content");
        return new JingleRequest(action, sid, jingle.attributeValue("initiator"), contents);
    }

    /** A session-initiate needs at least one content, each with a name and a description. */
    public void requireInitiateShape() {
        if (contents.isEmpty()) {
            throw new Malformed("session-initiate without content");
        }
        for (Element content : contents) {
            if (content.attributeValue("name") == null) {
                throw new Malformed("a content without a name");
            }
            if (content.element("description") == null) {
                throw new Malformed("content '" + content.attributeValue("name") + "' has no description");
            }
        }
    }

    /** The request is not well-formed Jingle; answered with {@code bad-request}. */
    public static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Malformed(String message) {
            super(message);
        }
    }
}
