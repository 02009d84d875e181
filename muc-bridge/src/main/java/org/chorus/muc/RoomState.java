package org.chorus.muc;

import java.util.EnumSet;
import java.util.Set;

/** The gateway's presence in one bound room, with its legal transitions. */
public enum RoomState {
    /** Bound, nothing sent yet. */
    NEW,
    /** disco#info sent to the room, to learn whether it exists and may carry calls. */
    PROBING,
    /** The room does not exist; looked for again later. Joining would create it, so the gateway waits. */
    MISSING,
    /** Join presence sent; occupants are arriving. */
    JOINING,
    /** In the room, with its occupants known. */
    JOINED,
    /** The room refused the gateway (not an admin of the MUC service, banned, kicked); tried again later. */
    REFUSED,
    /** The XMPP stream is down; the room is joined again after the reconnect. */
    OFFLINE,
    /** The gateway left for good (shutdown). */
    LEFT;

    static {
        NEW.next = EnumSet.of(PROBING, OFFLINE, LEFT);
        PROBING.next = EnumSet.of(JOINING, MISSING, REFUSED, OFFLINE, LEFT);
        MISSING.next = EnumSet.of(PROBING, OFFLINE, LEFT);
        JOINING.next = EnumSet.of(JOINED, MISSING, REFUSED, OFFLINE, LEFT);
        JOINED.next = EnumSet.of(PROBING, MISSING, REFUSED, OFFLINE, LEFT);
        REFUSED.next = EnumSet.of(PROBING, OFFLINE, LEFT);
        OFFLINE.next = EnumSet.of(PROBING, LEFT);
        LEFT.next = EnumSet.noneOf(RoomState.class);
    }

    private Set<RoomState> next;

    public boolean canMoveTo(RoomState target) {
        return next.contains(target);
    }

    /** Whether a call to the room should wait for the state to settle. */
    public boolean settling() {
        return this == NEW || this == PROBING || this == JOINING;
    }
}
