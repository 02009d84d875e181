package org.chorus.recording;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.chorus.command.RoomLookup;
import org.chorus.xmpp.IqHandler;
import org.chorus.muc.Room;
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
        if (iq.getType() != IQ.Type.set) {
            return done(Stanzas.error(iq, Condition.bad_request, "jibri requests are IQ sets"));
        }
        Element jibri = iq.getChildElement();
        String action = jibri.attributeValue(JibriIq.ACTION);
        if (action == null && jibri.attributeValue(JibriIq.STATUS) != null) {
            return done(recordings.onStatus(iq));
        }
        RoomLookup.Found found = lookup.ownerRoom(iq);
        if (found.error() != null) {
            return done(found.error());
        }
        if ("start".equals(action)) {
            RecordingRequest request;
            try {
                request = RecordingRequest.of(jibri.attributeValue(JibriIq.RECORDING_MODE), null,
                        jibri.attributeValue(JibriIq.STREAM_ID), iq.getFrom().asBareJID(), defaultLayout);
            } catch (IllegalArgumentException e) {
                return done(streamIdError(iq, Condition.bad_request, e.getMessage()));
            }
            // a stream URL's host may have to be looked up: the answer comes when that is done
            return streamHosts.check(request).thenApply(refused -> refused.isPresent()
                    ? streamIdError(iq, refused.get().condition(), refused.get().text())
                    : start(iq, found.room(), request));
        }
        if ("stop".equals(action)) {
            // the session a stop ends: the answer names it (docs/protocol.md), though the room no longer has it
            Optional<String> stoppedSession = recordings.sessionOf(found.room());
            return done(answer(iq, recordings.stop(found.room(), iq.getFrom()), "off", stoppedSession));
        }
        return done(Stanzas.error(iq, Condition.bad_request, "action must be start or stop"));
    }

    /** Starts, if the room and the sender's rights are still what they were before the lookup. */
    private IQ start(IQ iq, Room room, RecordingRequest request) {
        Optional<IQ> changed = RoomLookup.recheck(iq, room);
        if (changed.isPresent()) {
            return changed.get();
        }
        Optional<RecordingManager.Refusal> refusal = recordings.start(room, request);
        return answer(iq, refusal, "pending", recordings.sessionOf(room));
    }

    private static IQ answer(IQ iq, Optional<RecordingManager.Refusal> refusal, String status, Optional<String> session) {
        if (refusal.isPresent()) {
            return Stanzas.error(iq, refusal.get().condition(), refusal.get().text());
        }
        IQ result = IQ.createResultIQ(iq);
        Element jibri = result.setChildElement("jibri", Namespaces.JIBRI);
        jibri.addAttribute(JibriIq.STATUS, status);
        session.ifPresent(id -> jibri.addAttribute(JibriIq.SESSION_ID, id));
        return result;
    }

    /** Jitsi's request names the URL {@code streamid}. */
    private static IQ streamIdError(IQ iq, Condition condition, String text) {
        return Stanzas.error(iq, condition, text.replace("stream_url", "streamid"));
    }

    private static CompletionStage<IQ> done(IQ answer) {
        return CompletableFuture.completedFuture(answer);
    }
}
