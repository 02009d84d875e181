package org.chorus.jingle;

import java.util.ArrayList;
import org.dom4j.Element;
import org.dom4j.Node;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.xmpp.packet.IQ;

/**
 * Tests' way from a Tinder stanza to Smack's {@link JingleIQ}, as a Smack client's connection would
 * parse the same XML: {@link InboundJingle}'s checks, then Smack with jitsi-xmpp-extensions'
 * providers. The gateway once read its requests this way; it now reads the dom4j element straight
 * into the model, and {@link JingleElementReaderTest} holds both ways to the same result.
 */
public final class SmackJingleReading {
    private static final int MAX_ERROR_TEXT = 200;

    private SmackJingleReading() {}

    /**
     * The request as Smack reads it, within {@link JingleLimits#DEFAULTS}.
     *
     * @throws MalformedJingleException as {@link InboundJingle#read} does, or when Smack cannot read it
     */
    public static JingleIQ toJingleIq(IQ iq) throws MalformedJingleException {
        InboundJingle.read(iq, JingleLimits.DEFAULTS);
        JingleStanzas.registerProviders();
        org.jivesoftware.smack.packet.IQ parsed;
        try {
            XmlPullParser parser = PacketParserUtils.getParserFor(withoutIndentation(iq.getElement()).asXML());
            parsed = PacketParserUtils.parseIQ(parser);
        } catch (Exception e) {
            throw new MalformedJingleException("cannot read the Jingle request: " + describe(e), e);
        }
        if (!(parsed instanceof JingleIQ jingleIq)) {
            throw new MalformedJingleException("cannot read the Jingle request");
        }
        return jingleIq;
    }

    /**
     * A copy without whitespace-only text between elements: jitsi-xmpp-extensions' Jingle provider
     * fails on it under Smack's StAX parser.
     */
    private static Element withoutIndentation(Element stanza) {
        Element copy = stanza.createCopy();
        stripWhitespaceText(copy);
        return copy;
    }

    private static void stripWhitespaceText(Element element) {
        for (Node node : new ArrayList<>(element.content())) {
            if (node instanceof Element child) {
                stripWhitespaceText(child);
            } else if (node.getNodeType() == Node.TEXT_NODE && node.getText().isBlank()) {
                element.remove(node);
            }
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        String text = message == null ? cause.getClass().getSimpleName() : message;
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "…";
    }
}
