package org.chorus.jingle;

import java.util.concurrent.CompletableFuture;
import org.chorus.component.IqTracker;
import org.chorus.muc.Room;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.jxmpp.jid.Jid;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * The Jingle requests the gateway sends for its sessions, from the conference JID to the member,
 * each tracked until its answer. Confined to the signalling thread.
 */
final class SessionMessages {
    private final IqTracker tracker;

    SessionMessages(IqTracker tracker) {
        this.tracker = tracker;
    }

    /** session-terminate of a member's offer that negotiation refused. */
    void refuse(Room room, JID member, String sid, NegotiationFailure why) {
        send(JingleMessages.sessionTerminate(conference(room), smack(member), sid, why));
    }

    /** session-accept of a member's own session, with the gateway's transport. */
    void accept(PublishingSession session, LocalTransport local) {
        send(JingleMessages.sessionAccept(conference(session.room()), smack(session.peer()), session.sid(),
                session.negotiated(), local));
    }

    /** session-initiate of a forwarding session; completes with the receiver's answer. */
    CompletableFuture<IQ> offer(Room room, JID receiver, ForwardingOffer offer) {
        return send(JingleMessages.sessionInitiate(conference(room), smack(receiver), offer));
    }

    /** session-terminate of any session, with the reason and an optional text. */
    void terminate(GatewaySession session, Reason reason, String text) {
        send(JingleMessages.sessionTerminate(conference(session.room()), smack(session.peer()), session.sid(), reason, text));
    }

    private CompletableFuture<IQ> send(JingleIQ jingle) {
        return tracker.request(JingleStanzas.toTinder(jingle));
    }

    private static Jid conference(Room room) {
        return JingleStanzas.smackJid(room.conferenceJid());
    }

    private static Jid smack(JID jid) {
        return JingleStanzas.smackJid(jid);
    }
}
