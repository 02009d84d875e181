package org.chorus.component;

import org.chorus.xmpp.Stanzas;
import java.util.ArrayDeque;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError.Condition;
import org.xmpp.packet.Presence;

/**
 * An element read from the stream, as the packet the gateway handles, or as the reason it is not
 * handled. Addresses are kept as the server routed them (no second stringprep), and elements nested
 * deeper than {@value #MAX_DEPTH} are refused here: no stanza Chorus understands comes close, and
 * deep trees would make every recursive walk of them (copying, writing) a risk to the stack.
 */
final class InboundStanza {
    /** Nesting depth of the stanza element itself and its descendants, the stanza counting as 1. */
    static final int MAX_DEPTH = 32;

    /** Exactly one of packet (to handle), answer (to send back at once) or neither (drop) is set. */
    record Result(Packet packet, IQ answer, String reason) {}

    private InboundStanza() {}

    static Result read(Element element) {
        String name = element.getName();
        if (!"iq".equals(name) && !"message".equals(name) && !"presence".equals(name)) {
            return new Result(null, null, "not a stanza");
        }
        if (deeperThan(element, MAX_DEPTH)) {
            String why = "the stanza is nested deeper than " + MAX_DEPTH + " elements";
            return new Result(null, "iq".equals(name) ? refusal(element, why) : null, why);
        }
        Packet packet = switch (name) {
            case "iq" -> new IQ(element, true);
            case "message" -> new Message(element, true);
            default -> new Presence(element, true);
        };
        return new Result(packet, null, null);
    }

    /** A bad-request answer to an IQ request, or null when the element is no request one can answer. */
    private static IQ refusal(Element element, String why) {
        String type = element.attributeValue("type");
        if (element.attributeValue("id") == null || element.attributeValue("from") == null
                || !("get".equals(type) || "set".equals(type))) {
            return null;
        }
        Element head = DocumentHelper.createElement("iq"); // the addresses only, never the deep payload
        for (String attribute : new String[] {"type", "id", "from", "to"}) {
            head.addAttribute(attribute, element.attributeValue(attribute));
        }
        return Stanzas.error(new IQ(head, true), Condition.bad_request, why);
    }

    /** Whether any element below this one lies deeper than the limit; iterative, so any depth is safe. */
    static boolean deeperThan(Element root, int limit) {
        ArrayDeque<Element> stack = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        stack.push(root);
        depths.push(1);
        while (!stack.isEmpty()) {
            Element e = stack.pop();
            int depth = depths.pop();
            if (depth > limit) {
                return true;
            }
            for (Element child : e.elements()) {
                stack.push(child);
                depths.push(depth + 1);
            }
        }
        return false;
    }
}
