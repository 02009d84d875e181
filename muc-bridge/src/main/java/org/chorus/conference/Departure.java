package org.chorus.conference;

import org.chorus.muc.LeaveReason;

/**
 * Why a participant left a call, and so the Jingle reason its sessions end with (PROTOCOL.md §7).
 */
public enum Departure {
    /** It terminated its own sending session. */
    HUNG_UP("success"),
    /** It left the room or went offline. */
    GONE("gone"),
    /** It was kicked or banned, or lost its membership. */
    REMOVED("decline"),
    /** Its media or its ICE consent stopped. */
    TIMED_OUT("timeout"),
    /** The call itself ended (e.g. shutdown). */
    CALL_ENDED("success");

    /** The Jingle {@code <reason/>} condition for the participant's own sessions. */
    public final String jingleReason;

    Departure(String jingleReason) {
        this.jingleReason = jingleReason;
    }

    public static Departure from(LeaveReason reason) {
        return reason.removedByRoom() ? REMOVED : GONE;
    }
}
