package org.chorus.muc;

/** Why an occupant left a room, as far as calls are concerned (PROTOCOL.md §3, §7). */
public enum LeaveReason {
    /** It left the room or went offline. */
    LEFT,
    /** A moderator kicked it. */
    KICKED,
    /** An admin banned it. */
    BANNED,
    /** It lost its membership, or the room became members-only without it. */
    MEMBERSHIP_LOST,
    /** The room or the MUC service shut down. */
    ROOM_CLOSED,
    /** It was gone when the gateway came back after a lost stream. */
    GONE_WHILE_DISCONNECTED;

    /** Reasons where the member did not choose to leave; PROTOCOL.md §7 answers them with {@code <decline/>}. */
    public boolean removedByRoom() {
        return this == KICKED || this == BANNED || this == MEMBERSHIP_LOST;
    }

    static LeaveReason fromStatus(MucPresence presence) {
        if (presence.statusCodes().contains(MucStatus.BANNED)) {
            return BANNED;
        }
        if (presence.statusCodes().contains(MucStatus.KICKED)) {
            return KICKED;
        }
        if (presence.statusCodes().contains(MucStatus.AFFILIATION_CHANGED)
                || presence.statusCodes().contains(MucStatus.MEMBERS_ONLY)) {
            return MEMBERSHIP_LOST;
        }
        if (presence.statusCodes().contains(MucStatus.SHUTDOWN)) {
            return ROOM_CLOSED;
        }
        return LEFT;
    }
}
