package org.chorus.conference;

import java.util.EnumSet;
import java.util.Set;

/** The lifecycle of one call in a room (PROTOCOL.md §4), with its legal transitions. */
public enum CallState {
    /** Announced (a member's propose, or a scheduled start), nobody in it yet; ends as no-show if nobody comes. */
    PROPOSED,
    /** At least one participant. */
    ACTIVE,
    /** Over; announced with {@code <ended/>}. */
    ENDED;

    static {
        PROPOSED.next = EnumSet.of(ACTIVE, ENDED);
        ACTIVE.next = EnumSet.of(ACTIVE, ENDED);
        ENDED.next = EnumSet.noneOf(CallState.class);
    }

    private Set<CallState> next;

    public boolean canMoveTo(CallState target) {
        return next.contains(target);
    }
}
