package org.chorus.conference;

import org.chorus.muc.LeaveReason;

/**
 * Why a participant left a call, and so the Jingle reason its sessions end with (PROTOCOL.md §7).
 */
public enum Departure {
    /** It terminated its own sending session. */
    HUNG_UP("success", null),
    /** It left the room or went offline. */
    GONE("gone", null),
    /** It was kicked or banned, or lost its membership. */
    REMOVED("decline", "removed from the room"),
    /** Its media or its ICE consent stopped. */
    TIMED_OUT("timeout", null),
    /** The call itself ended (e.g. shutdown). */
    CALL_ENDED("success", null),
    /** The room stopped being members-only and non-anonymous (PROTOCOL.md §3): its call ended. */
    ROOM_CHANGED("decline", "the room is no longer members-only and non-anonymous");

    /** The Jingle {@code <reason/>} condition for the participant's own sessions. */
    public final String jingleReason;
    /** The {@code <text/>} that goes with it, or null. */
    public final String text;

    Departure(String jingleReason, String text) {
        this.jingleReason = jingleReason;
        this.text = text;
    }

    public static Departure from(LeaveReason reason) {
        return reason.removedByRoom() ? REMOVED : GONE;
    }
}
