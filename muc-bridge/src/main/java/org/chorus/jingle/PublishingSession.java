package org.chorus.jingle;

import org.chorus.media.MediaLeg;
import org.chorus.muc.Room;

/** A member's own session to the conference, carrying its audio and video to the gateway (PROTOCOL.md §5). */
public final class PublishingSession extends GatewaySession {
    private final NegotiatedSession negotiated;
    private final String nick;

    PublishingSession(SessionKey key, Room room, MediaLeg leg, NegotiatedSession negotiated, String nick) {
        super(key, room, leg, GatewaySessionState.ACCEPTED);
        this.negotiated = negotiated;
        this.nick = nick;
    }

    public NegotiatedSession negotiated() {
        return negotiated;
    }

    public String nick() {
        return nick;
    }
}
