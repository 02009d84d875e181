package org.chorus.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.chorus.component.IqTracker;
import org.chorus.component.StanzaSink;
import org.chorus.muc.RoomRegistry;
import org.chorus.xmpp.IqHandler;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError.Condition;
import org.xmpp.packet.Presence;

/**
 * Sends each incoming stanza where it belongs. Every IQ request gets exactly one answer: its
 * handler's, {@code service-unavailable} for a namespace nobody handles, {@code bad-request} for an
 * IQ without exactly one child, {@code jid-malformed} for an address the gateway's stringprep refuses,
 * and {@code internal-server-error} if a handler fails.
 */
public final class StanzaRouter {
    private static final Logger log = LoggerFactory.getLogger(StanzaRouter.class);

    private final StanzaSink sink;
    private final IqTracker tracker;
    private final RoomRegistry rooms;
    private final Map<String, IqHandler> handlers = new HashMap<>();
    private java.util.function.Predicate<Presence> otherPresence = p -> false;

    public StanzaRouter(StanzaSink sink, IqTracker tracker, RoomRegistry rooms) {
        this.sink = sink;
        this.tracker = tracker;
        this.rooms = rooms;
    }

    public StanzaRouter handle(String namespace, IqHandler handler) {
        handlers.put(namespace, handler);
        return this;
    }

    /** Presences that concern no bound room go here (the recorders' brewery). */
    public StanzaRouter otherPresence(java.util.function.Predicate<Presence> handler) {
        this.otherPresence = handler;
        return this;
    }

    public void route(Packet packet) {
        try {
            if (!addressable(packet.getTo())) {
                log.debug("Refused a {} to an address this gateway cannot handle: {}", packet.getElement().getName(), packet.getTo());
                if (packet instanceof IQ iq && isRequest(iq)) {
                    sink.send(Stanzas.error(iq, Condition.jid_malformed,
                            "the address holds characters this service does not handle"));
                }
                return;
            }
            if (packet instanceof IQ iq) {
                routeIq(iq);
            } else if (packet instanceof Presence presence) {
                if (!rooms.onPresence(presence)) {
                    otherPresence.test(presence);
                }
            } else if (packet instanceof Message message) {
                rooms.onMessage(message);
            }
        } catch (RuntimeException e) {
            log.error("Failed to handle a {} from {}", packet.getElement().getName(), packet.getFrom(), e);
            if (packet instanceof IQ iq && isRequest(iq)) {
                sink.send(Stanzas.error(iq, Condition.internal_server_error));
            }
        }
    }

    /**
     * Whether the address survives the gateway's own stringprep. The stream hands addresses over as the
     * server routed them; the server's profile accepts some (characters outside the Basic Multilingual
     * Plane, among others) that the gateway's JID library refuses, and every handler builds JIDs from
     * the address it was sent to.
     */
    private static boolean addressable(JID to) {
        if (to == null) {
            return true;
        }
        try {
            new JID(to.getNode(), to.getDomain(), to.getResource());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isRequest(IQ iq) {
        try {
            return iq.isRequest();
        } catch (RuntimeException e) {
            return false; // an invalid type attribute: nothing sensible to answer
        }
    }

    private void routeIq(IQ iq) {
        if (iq.getType() == null) {
            return;
        }
        if (!iq.isRequest()) {
            if (!tracker.answer(iq)) {
                log.debug("Unmatched IQ {} from {}", iq.getType(), iq.getFrom());
            }
            return;
        }
        if (iq.getElement().elements().size() != 1 || iq.getChildElement() == null) {
            sink.send(Stanzas.error(iq, Condition.bad_request, "an IQ request carries exactly one child element"));
            return;
        }
        Element child = iq.getChildElement();
        IqHandler handler = handlers.get(child.getNamespaceURI());
        if (handler == null) {
            sink.send(Stanzas.error(iq, Condition.service_unavailable));
            return;
        }
        CompletionStage<IQ> reply = handler.handle(iq);
        reply.whenComplete((answer, failure) -> {
            if (failure != null || answer == null) {
                log.error("Handler for {} failed on a request from {}", child.getNamespaceURI(), iq.getFrom(), failure);
                sink.send(Stanzas.error(iq, Condition.internal_server_error));
            } else {
                sink.send(answer);
            }
        });
    }
}
