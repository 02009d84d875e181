package org.chorus.jingle;

import org.chorus.media.MediaLeg;
import org.chorus.muc.Room;
import org.xmpp.packet.JID;

/** What both directions of session share: who, where, which sid, its leg and its state. */
public abstract sealed class GatewaySession permits PublishingSession, ForwardingSession {
    private final SessionKey key;
    private final Room room;
    private final MediaLeg leg;
    private GatewaySessionState state;
    private int remoteCandidates;

    GatewaySession(SessionKey key, Room room, MediaLeg leg, GatewaySessionState initial) {
        this.key = key;
        this.room = room;
        this.leg = leg;
        this.state = initial;
    }

    public SessionKey key() {
        return key;
    }

    /** The member's full JID at the other end. */
    public JID peer() {
        return key.peer();
    }

    public String sid() {
        return key.sid();
    }

    public Room room() {
        return room;
    }

    public MediaLeg leg() {
        return leg;
    }

    public GatewaySessionState state() {
        return state;
    }

    /**
     * Counts {@code n} more candidates from the peer; false, and nothing counted, when that would pass
     * {@link CandidateLimit#MAX}.
     */
    boolean admitCandidates(int n) {
        if (n > CandidateLimit.MAX - remoteCandidates) {
            return false;
        }
        remoteCandidates += n;
        return true;
    }

    /** Moves on; false (and no change) when the move is not legal, e.g. ending twice. */
    boolean moveTo(GatewaySessionState next) {
        if (!state.canMoveTo(next)) {
            return false;
        }
        state = next;
        return true;
    }
}
