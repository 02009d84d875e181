package org.chorus.jingle;

import org.chorus.media.MediaLeg;
import org.chorus.muc.Room;

/** A session the conference opens to a member to carry one other participant's streams (PROTOCOL.md §6). */
public final class ForwardingSession extends GatewaySession {
    private final PublishingSession source;
    private final ForwardingOffer offer;

    ForwardingSession(SessionKey key, Room room, MediaLeg leg, PublishingSession source, ForwardingOffer offer) {
        super(key, room, leg, GatewaySessionState.OFFERED);
        this.source = source;
        this.offer = offer;
    }

    /** The publisher's session whose streams this one carries. */
    public PublishingSession source() {
        return source;
    }

    public ForwardingOffer offer() {
        return offer;
    }
}
