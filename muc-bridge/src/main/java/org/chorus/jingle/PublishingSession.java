package org.chorus.jingle;

import org.chorus.media.MediaLeg;
import org.chorus.media.Publisher;
import org.chorus.muc.Room;

/** A member's own session to the conference, carrying its audio and video to the gateway (PROTOCOL.md §5). */
public final class PublishingSession extends GatewaySession {
    private final NegotiatedSession negotiated;
    private final Publisher publisher;
    private final String nick;

    PublishingSession(SessionKey key, Room room, MediaLeg leg, NegotiatedSession negotiated, Publisher publisher, String nick) {
        super(key, room, leg, GatewaySessionState.ACCEPTED);
        this.negotiated = negotiated;
        this.publisher = publisher;
        this.nick = nick;
    }

    public NegotiatedSession negotiated() {
        return negotiated;
    }

    public Publisher publisher() {
        return publisher;
    }

    public String nick() {
        return nick;
    }
}
