package org.chorus.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.chorus.conference.ConferenceJids;
import org.chorus.disco.CommandCatalog;
import org.chorus.xmpp.IqHandler;
import org.chorus.muc.RoomRegistry;
import org.chorus.xmpp.Namespaces;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError.Condition;

/**
 * XEP-0050 on conference JIDs (PROTOCOL.md §8): {@code execute} without a form answers the
 * command's form; a submitted form ({@code execute} or {@code complete}) runs it; {@code cancel}
 * cancels. Only the room's owners and admins may run commands; others get {@code forbidden}.
 * Single-stage commands keep no state between the two steps beyond the session id they echo.
 */
public final class AdHocCommands implements IqHandler {
    private final RoomLookup lookup;
    private final CommandCatalog catalog;
    private final Map<String, AdHocCommand> commands = new LinkedHashMap<>();

    public AdHocCommands(ConferenceJids jids, RoomRegistry rooms, CommandCatalog catalog) {
        this.lookup = new RoomLookup(jids, rooms);
        this.catalog = catalog;
    }

    public AdHocCommands register(AdHocCommand command) {
        commands.put(command.node(), command);
        catalog.register(new CommandCatalog.Command(command.node(), command.name(), true));
        return this;
    }

    @Override
    public CompletionStage<IQ> handle(IQ iq) {
        if (iq.getType() != IQ.Type.set) {
            return done(Stanzas.error(iq, Condition.bad_request, "commands are run with IQ set"));
        }
        Element command = iq.getChildElement();
        AdHocCommand target = commands.get(command.attributeValue("node"));
        if (target == null) {
            return done(Stanzas.error(iq, Condition.item_not_found, "no such command"));
        }
        RoomLookup.Found found = lookup.ownerRoom(iq);
        if (found.error() != null) {
            return done(found.error());
        }
        String action = command.attributeValue("action", "execute");
        String session = command.attributeValue("sessionid");
        if (session == null) {
            session = UUID.randomUUID().toString();
        }
        if ("cancel".equals(action)) {
            return done(reply(iq, target, session, "canceled"));
        }
        Element x = command.element(org.dom4j.QName.get("x", Namespaces.DATA_FORMS));
        boolean submitted = x != null && "submit".equals(x.attributeValue("type"));
        if (!submitted) {
            if (!"execute".equals(action)) {
                return done(Stanzas.error(iq, Condition.bad_request, "malformed-action", Namespaces.COMMANDS));
            }
            IQ reply = reply(iq, target, session, "executing");
            Element cmd = reply.getChildElement();
            cmd.addElement("actions").addAttribute("execute", "complete").addElement("complete");
            cmd.add(target.form(found.room()));
            return done(reply);
        }
        String sessionId = session;
        // the command may answer later (it may have to look something up); its answer arrives on the signalling thread
        return target.submit(iq, found.room(), CommandForm.read(x)).thenApply(result -> {
            if (result.getType() == IQ.Type.result && result.getChildElement() != null) {
                result.getChildElement().addAttribute("sessionid", sessionId);
            }
            return result;
        });
    }

    private static CompletionStage<IQ> done(IQ answer) {
        return CompletableFuture.completedFuture(answer);
    }

    /** A reply with the command element and its status. */
    public static IQ reply(IQ iq, AdHocCommand command, String session, String status) {
        IQ reply = IQ.createResultIQ(iq);
        reply.setChildElement("command", Namespaces.COMMANDS)
                .addAttribute("node", command.node())
                .addAttribute("sessionid", session)
                .addAttribute("status", status);
        return reply;
    }

    /** A completed reply with an informational note. */
    public static IQ completed(IQ iq, AdHocCommand command, String note) {
        IQ reply = reply(iq, command, null, "completed");
        reply.getChildElement().addElement("note").addAttribute("type", "info").setText(note);
        return reply;
    }
}
