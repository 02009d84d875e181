package org.chorus.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;

/** An IQ with an arbitrary child element, for sending exactly what a test needs (good or bad). */
final class RawIq extends IQ {
    private final Map<String, String> attributes;
    private final String innerXml;

    RawIq(Type type, Jid to, String element, String namespace, Map<String, String> attributes, String innerXml) {
        super(element, namespace);
        setType(type);
        setTo(to);
        this.attributes = new LinkedHashMap<>(attributes);
        this.innerXml = innerXml;
    }

    static RawIq get(Jid to, String element, String namespace) {
        return new RawIq(Type.get, to, element, namespace, Map.of(), "");
    }

    /** A Jingle session-initiate with one audio content, in the shape a conference call has. */
    static RawIq sessionInitiate(Jid to, String initiator) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("action", "session-initiate");
        attrs.put("sid", "sid-" + System.nanoTime());
        if (initiator != null) {
            attrs.put("initiator", initiator);
        }
        return new RawIq(Type.set, to, "jingle", "urn:xmpp:jingle:1", attrs,
                "<content creator='initiator' name='0' senders='initiator'>"
                        + "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
                        + "<payload-type id='111' name='opus' clockrate='48000' channels='2'/></description>"
                        + "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='abcd' pwd='0123456789abcdefghijkl'/>"
                        + "</content>");
    }

    static RawIq jingle(Jid to, Map<String, String> attrs, String inner) {
        return new RawIq(Type.set, to, "jingle", "urn:xmpp:jingle:1", attrs, inner);
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        attributes.forEach(xml::attribute);
        if (innerXml.isEmpty()) {
            xml.setEmptyElement();
        } else {
            xml.rightAngleBracket();
            xml.append(innerXml);
        }
        return xml;
    }
}
