package org.chorus.disco;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.chorus.conference.ActiveCalls;
import org.chorus.conference.ConferenceJids;
import org.chorus.xmpp.IqHandler;
import org.chorus.muc.RoomConfig;
import org.chorus.muc.RoomRegistry;
import org.chorus.xmpp.Namespaces;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.xmpp.forms.DataForm;
import org.xmpp.forms.FormField;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError.Condition;

/**
 * disco#info (XEP-0030) on the gateway domain and on conference JIDs. A conference JID answers only
 * when its room exists and may carry calls; its answer carries the call state as a XEP-0128 form for
 * the room's members only (others learn that a conference is there, not whether a call runs in it).
 */
public final class DiscoInfoHandler implements IqHandler {
    private final ConferenceJids jids;
    private final RoomRegistry rooms;
    private final ActiveCalls calls;

    public DiscoInfoHandler(ConferenceJids jids, RoomRegistry rooms, ActiveCalls calls) {
        this.jids = jids;
        this.rooms = rooms;
        this.calls = calls;
    }

    @Override
    public CompletionStage<IQ> handle(IQ iq) {
        if (iq.getType() != IQ.Type.get) {
            return done(Stanzas.error(iq, Condition.bad_request, "disco#info is queried with type get"));
        }
        String node = iq.getChildElement().attributeValue("node");
        if (node != null && !Namespaces.COMMANDS.equals(node)) {
            return done(Stanzas.error(iq, Condition.item_not_found, "no such node"));
        }
        if (jids.isServiceAddress(iq.getTo())) {
            return done(node == null ? describe(iq, null) : commandList(iq));
        }
        JID room;
        try {
            room = jids.roomFor(iq.getTo());
        } catch (IllegalArgumentException e) {
            return done(Stanzas.error(iq, Condition.jid_malformed, e.getMessage()));
        }
        JID conference = iq.getTo().asBareJID();
        return rooms.lookUp(room).handle((config, failure) -> {
            if (failure != null) {
                Throwable cause = failure.getCause() == null ? failure : failure.getCause();
                return cause instanceof TimeoutException
                        ? Stanzas.error(iq, Condition.remote_server_timeout, "the room did not answer")
                        : Stanzas.error(iq, Condition.service_unavailable, "the room could not be looked up");
            }
            return answerFor(iq, node, conference, config);
        });
    }

    private IQ answerFor(IQ iq, String node, JID conference, Optional<RoomConfig> config) {
        if (config.isEmpty()) {
            return Stanzas.error(iq, Condition.item_not_found, "there is no such room");
        }
        if (!config.get().callable()) {
            return Stanzas.error(iq, Condition.item_not_found, config.get().whyNotCallable());
        }
        if (node != null) {
            return commandList(iq);
        }
        IQ reply = describe(iq, conference);
        if (isMember(jids.roomFor(conference), iq.getFrom())) {
            reply.getChildElement().add(callStateForm(conference).getElement());
        }
        return reply;
    }

    private boolean isMember(JID room, JID requester) {
        return requester != null
                && rooms.room(room).map(r -> r.affiliationOf(requester.asBareJID()).mayCall()).orElse(false);
    }

    private IQ describe(IQ iq, JID conference) {
        IQ reply = IQ.createResultIQ(iq);
        Element query = reply.setChildElement("query", Namespaces.DISCO_INFO);
        query.addElement("identity")
                .addAttribute("category", Features.IDENTITY_CATEGORY)
                .addAttribute("type", Features.IDENTITY_TYPE)
                .addAttribute("name", conference == null ? "Chorus group calls" : "Call in " + ConferenceJids.label(jids.roomFor(conference)));
        for (String feature : Features.ALL) {
            query.addElement("feature").addAttribute("var", feature);
        }
        return reply;
    }

    private DataForm callStateForm(JID conference) {
        Optional<ActiveCalls.CallInfo> call = calls.call(conference);
        DataForm form = new DataForm(DataForm.Type.result);
        form.addField("FORM_TYPE", null, FormField.Type.hidden).addValue(Namespaces.AV_CONFERENCES_INFO_FORM);
        form.addField("call_id", null, null).addValue(call.map(ActiveCalls.CallInfo::callId).orElse(""));
        form.addField("participants", null, null)
                .addValue(String.valueOf(call.map(ActiveCalls.CallInfo::participants).orElse(0)));
        form.addField("recording", null, null).addValue(call.map(ActiveCalls.CallInfo::recording).orElse("off"));
        return form;
    }

    private static IQ commandList(IQ iq) {
        IQ reply = IQ.createResultIQ(iq);
        Element query = reply.setChildElement("query", Namespaces.DISCO_INFO);
        query.addAttribute("node", Namespaces.COMMANDS);
        query.addElement("identity").addAttribute("category", "automation").addAttribute("type", "command-list");
        return reply;
    }

    private static CompletionStage<IQ> done(IQ reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
