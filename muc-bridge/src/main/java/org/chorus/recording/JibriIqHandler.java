package org.chorus.recording;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.chorus.command.RoomLookup;
import org.chorus.gateway.IqHandler;
import org.chorus.xmpp.Namespaces;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError.Condition;

/**
 * {@code <jibri xmlns='http://jitsi.org/protocol/jibri'/>} IQs to a conference JID: a recorder's
 * status reports, and Jitsi-style {@code action='start|stop'} requests from the room's owners and
 * admins (PROTOCOL.md §8, §10).
 */
public final class JibriIqHandler implements IqHandler {
    private final RoomLookup lookup;
    private final RecordingManager recordings;
    private final String defaultLayout;
    private final StreamHosts streamHosts;

    public JibriIqHandler(org.chorus.conference.ConferenceJids jids, org.chorus.muc.RoomRegistry rooms,
            RecordingManager recordings, String defaultLayout, StreamHosts streamHosts) {
        this.lookup = new RoomLookup(jids, rooms);
        this.recordings = recordings;
        this.defaultLayout = defaultLayout;
        this.streamHosts = streamHosts;
    }

    @Override
    public CompletionStage<IQ> handle(IQ iq) {
        return CompletableFuture.completedFuture(answer(iq));
    }

    private IQ answer(IQ iq) {
        if (iq.getType() != IQ.Type.set) {
            return Stanzas.error(iq, Condition.bad_request, "jibri requests are IQ sets");
        }
        Element jibri = iq.getChildElement();
        String action = jibri.attributeValue(JibriIq.ACTION);
        if (action == null && jibri.attributeValue(JibriIq.STATUS) != null) {
            return recordings.onStatus(iq);
        }
        RoomLookup.Found found = lookup.ownerRoom(iq);
        if (found.error() != null) {
            return found.error();
        }
        Optional<RecordingManager.Refusal> refusal;
        // the session a stop ends: the answer names it (docs/protocol.md), though the room no longer has it
        Optional<String> stoppedSession = "stop".equals(action) ? recordings.sessionOf(found.room()) : Optional.empty();
        if ("start".equals(action)) {
            RecordingRequest request;
            try {
                request = RecordingRequest.of(jibri.attributeValue(JibriIq.RECORDING_MODE), null,
                        jibri.attributeValue(JibriIq.STREAM_ID), iq.getFrom().asBareJID(), defaultLayout);
                streamHosts.check(request);
            } catch (IllegalArgumentException e) {
                // Jitsi's request names the URL streamid
                return Stanzas.error(iq, Condition.bad_request, e.getMessage().replace("stream_url", "streamid"));
            }
            refusal = recordings.start(found.room(), request);
        } else if ("stop".equals(action)) {
            refusal = recordings.stop(found.room(), iq.getFrom());
        } else {
            return Stanzas.error(iq, Condition.bad_request, "action must be start or stop");
        }
        if (refusal.isPresent()) {
            return Stanzas.error(iq, refusal.get().condition(), refusal.get().text());
        }
        IQ result = IQ.createResultIQ(iq);
        Element status = result.setChildElement("jibri", Namespaces.JIBRI);
        status.addAttribute(JibriIq.STATUS, "start".equals(action) ? "pending" : "off");
        ("start".equals(action) ? recordings.sessionOf(found.room()) : stoppedSession)
                .ifPresent(id -> status.addAttribute(JibriIq.SESSION_ID, id));
        return result;
    }
}
