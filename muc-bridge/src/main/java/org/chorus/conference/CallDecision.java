package org.chorus.conference;

import org.chorus.muc.Occupant;
import org.chorus.muc.Room;

/**
 * Whether someone may call a room's conference (PROTOCOL.md §3): the one decision that joining a call,
 * receiving streams and running commands all reuse.
 */
public sealed interface CallDecision {
    /** Allowed: the caller is this occupant of the room. */
    record MayCall(Room room, Occupant occupant) implements CallDecision {}

    /** Not allowed for this caller; answered with {@code forbidden} (auth). */
    record Forbidden(String reason) implements CallDecision {}

    /** Not allowed in this room at all; answered with {@code not-acceptable} (cancel) and explained in the room. */
    record NotAcceptable(String reason) implements CallDecision {}
}
