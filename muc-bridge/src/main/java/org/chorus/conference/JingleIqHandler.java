package org.chorus.conference;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.chorus.xmpp.IqHandler;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.muc.BindRefused;
import org.chorus.muc.RoomRegistry;
import org.chorus.xmpp.Namespaces;
import org.chorus.xmpp.Stanzas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.PacketError.Condition;

/**
 * Jingle IQs to the gateway (PROTOCOL.md §3, §5): shape checks, conference addressing, room binding
 * and the call decision. Authorized calls, and IQs on running sessions, go to the session layer.
 */
public final class JingleIqHandler implements IqHandler {
    private static final Logger log = LoggerFactory.getLogger(JingleIqHandler.class);

    /** Where authorized calls and Jingle IQs on running sessions go. */
    public interface Sessions {
        /** An authorized member's session-initiate; returns the IQ answer. */
        IQ initiate(IQ iq, Room room, Occupant caller);

        /** A Jingle IQ on one of the gateway's sessions; empty when there is no such session. */
        Optional<IQ> onSessionIq(IQ iq);
    }

    private final ConferenceJids jids;
    private final RoomRegistry rooms;
    private final CallAuthorizer authorizer;
    private final Sessions sessions;
    /**
     * Session-initiates still waiting for their room to be bound, by sender and sid, with the last
     * IQ queued behind each. Clients trickle candidates right after the initiate, before its answer
     * (PROTOCOL.md §11); those IQs wait for the session instead of finding none.
     */
    private final Map<String, CompletableFuture<IQ>> pending = new HashMap<>();

    public JingleIqHandler(ConferenceJids jids, RoomRegistry rooms, CallAuthorizer authorizer, Sessions sessions) {
        this.jids = jids;
        this.rooms = rooms;
        this.authorizer = authorizer;
        this.sessions = sessions;
    }

    @Override
    public CompletionStage<IQ> handle(IQ iq) {
        JingleRequest request;
        try {
            request = JingleRequest.parse(iq);
        } catch (JingleRequest.Malformed e) {
            return done(Stanzas.error(iq, Condition.bad_request, e.getMessage()));
        }
        boolean initiate = "session-initiate".equals(request.action());
        if (jids.isServiceAddress(iq.getTo())) {
            return done(initiate
                    ? Stanzas.error(iq, Condition.bad_request, "call a conference JID such as room@" + jids.gatewayDomain())
                    : unknownSession(iq));
        }
        JID roomJid;
        try {
            roomJid = jids.roomFor(iq.getTo());
        } catch (IllegalArgumentException e) {
            return done(Stanzas.error(iq, Condition.jid_malformed, e.getMessage()));
        }
        String key = iq.getFrom() + " " + request.sid();
        if (!initiate) {
            CompletableFuture<IQ> before = pending.get(key);
            if (before == null) {
                return done(onSession(iq));
            }
            return queue(key, before.handle((answer, failure) -> onSession(iq)));
        }
        try {
            request.requireInitiateShape();
        } catch (JingleRequest.Malformed e) {
            return done(Stanzas.error(iq, Condition.bad_request, e.getMessage()));
        }
        CompletableFuture<IQ> answer = rooms.bind(roomJid, iq.getFrom()).handle((room, failure) -> {
            if (failure instanceof BindRefused refused) {
                return Stanzas.error(iq, refused.condition(), refused.getMessage());
            }
            if (failure != null) {
                throw new java.util.concurrent.CompletionException(failure);
            }
            return decide(iq, request, room);
        });
        return answer.isDone() ? answer : queue(key, answer);
    }

    private IQ onSession(IQ iq) {
        return sessions.onSessionIq(iq).orElseGet(() -> unknownSession(iq));
    }

    /** Makes {@code step} the last IQ of a session that waits for its initiate, until it is answered. */
    private CompletableFuture<IQ> queue(String key, CompletableFuture<IQ> step) {
        pending.put(key, step);
        step.whenComplete((answer, failure) -> pending.remove(key, step));
        return step;
    }

    private IQ decide(IQ iq, JingleRequest request, Room room) {
        switch (room.state()) {
            case JOINED -> { }
            case MISSING -> {
                return Stanzas.error(iq, Condition.item_not_found, "there is no room " + room.jid());
            }
            default -> {
                return Stanzas.error(iq, Condition.service_unavailable, "the gateway cannot enter " + room.jid() + " now");
            }
        }
        CallDecision decision = authorizer.decide(room, iq.getFrom(), request.initiator());
        log.info("{}: session-initiate from {}: {}", room.jid(), iq.getFrom(), decision.getClass().getSimpleName());
        if (!(decision instanceof CallDecision.MayCall)) {
            // a room bound only to look at this caller is not kept for it
            rooms.releaseSoon(room);
        }
        if (decision instanceof CallDecision.Forbidden forbidden) {
            return Stanzas.error(iq, Condition.forbidden, forbidden.reason());
        }
        if (decision instanceof CallDecision.NotAcceptable notAcceptable) {
            if (room.occupantByRealJid(iq.getFrom()).isPresent()) {
                // PROTOCOL.md §3: explained in the room only to its own occupants, never for a stranger
                rooms.postUnsuitableNoticeOnce(room);
            }
            // PROTOCOL.md §3: the room itself will not carry calls, so retrying with changes will not help
            return Stanzas.error(iq, Condition.not_acceptable, PacketError.Type.cancel, notAcceptable.reason());
        }
        return sessions.initiate(iq, room, ((CallDecision.MayCall) decision).occupant());
    }

    private static IQ unknownSession(IQ iq) {
        return Stanzas.error(iq, Condition.item_not_found, "unknown-session", Namespaces.JINGLE_ERRORS);
    }

    private static CompletionStage<IQ> done(IQ reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
