package org.chorus.disco;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.chorus.conference.ActiveCalls;
import org.chorus.conference.ConferenceJids;
import org.chorus.xmpp.IqHandler;
import org.chorus.muc.Affiliation;
import org.chorus.muc.RoomRegistry;
import org.chorus.xmpp.Namespaces;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError.Condition;

/**
 * disco#items (XEP-0030): on the gateway domain, the active conferences whose room the requester is
 * a member of, and no others; on a conference JID with the commands node, the commands the requester
 * may run (PROTOCOL.md §2, §8).
 */
public final class DiscoItemsHandler implements IqHandler {
    private final ConferenceJids jids;
    private final RoomRegistry rooms;
    private final ActiveCalls calls;
    private final CommandCatalog commands;

    public DiscoItemsHandler(ConferenceJids jids, RoomRegistry rooms, ActiveCalls calls, CommandCatalog commands) {
        this.jids = jids;
        this.rooms = rooms;
        this.calls = calls;
        this.commands = commands;
    }

    @Override
    public CompletionStage<IQ> handle(IQ iq) {
        if (iq.getType() != IQ.Type.get) {
            return done(Stanzas.error(iq, Condition.bad_request, "disco#items is queried with type get"));
        }
        String node = iq.getChildElement().attributeValue("node");
        IQ reply = IQ.createResultIQ(iq);
        Element query = reply.setChildElement("query", Namespaces.DISCO_ITEMS);
        JID requester = iq.getFrom() == null ? null : iq.getFrom().asBareJID();
        if (jids.isServiceAddress(iq.getTo())) {
            if (node != null) {
                return done(Stanzas.error(iq, Condition.item_not_found, "no such node"));
            }
            for (ActiveCalls.CallInfo call : calls.visibleTo(c -> isMember(c.room(), requester))) {
                query.addElement("item")
                        .addAttribute("jid", call.conference().toBareJID())
                        .addAttribute("name", ConferenceJids.label(call.room()));
            }
            return done(reply);
        }
        JID room;
        try {
            room = jids.roomFor(iq.getTo());
        } catch (IllegalArgumentException e) {
            return done(Stanzas.error(iq, Condition.jid_malformed, e.getMessage()));
        }
        if (Namespaces.COMMANDS.equals(node)) {
            query.addAttribute("node", Namespaces.COMMANDS);
            Affiliation affiliation = requester == null ? Affiliation.NONE
                    : rooms.room(room).map(r -> r.affiliationOf(requester)).orElse(Affiliation.NONE);
            for (CommandCatalog.Command command : commands.available(affiliation)) {
                query.addElement("item")
                        .addAttribute("jid", iq.getTo().asBareJID().toBareJID())
                        .addAttribute("node", command.node())
                        .addAttribute("name", command.name());
            }
        } else if (node != null) {
            return done(Stanzas.error(iq, Condition.item_not_found, "no such node"));
        }
        return done(reply);
    }

    private boolean isMember(JID room, JID requester) {
        return requester != null && rooms.room(room).map(r -> r.affiliationOf(requester).mayCall()).orElse(false);
    }

    private static CompletionStage<IQ> done(IQ reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
