package org.chorus.conference;

import java.util.Locale;

/** Why a call ended, as the {@code reason} attribute of {@code <ended/>} spells it (PROTOCOL.md §4). */
public enum EndReason {
    ALL_LEFT, SCHEDULED_END, NO_SHOW, SHUTDOWN,
    /** The room stopped being members-only and non-anonymous (PROTOCOL.md §3). */
    ROOM_CHANGED;

    public String toXmpp() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
