package org.chorus.jingle;

/**
 * How much one call, one user and one client may take (PROTOCOL.md §5): a pure decision on counts
 * the session layer keeps.
 *
 * @param maxParticipants participants in one call; the next caller gets {@code resource-constraint}
 * @param callsPerUser    calls one user (bare JID, any of its clients) may send in at once
 * @param sessionsPerJid  sessions (both directions) a client may have and still call
 */
public record CallLimits(int maxParticipants, int callsPerUser, int sessionsPerJid) {

    /** What a new call looks like against the limits. */
    public record Request(int participantsInCall, boolean alreadyInCall, boolean replacing, int callsOfUser,
            int sessionsOfClient) {}

    /** Why the call is refused, naming the limit, or null when it fits. */
    public String refusal(Request r) {
        if (!r.alreadyInCall() && r.participantsInCall() >= maxParticipants) {
            return "the call is full (max-participants: " + maxParticipants + ")";
        }
        if (!r.replacing() && r.callsOfUser() >= callsPerUser) {
            return "you are in too many calls (max-calls-per-user: " + callsPerUser + ")";
        }
        if (r.sessionsOfClient() >= sessionsPerJid) {
            return "this client has too many sessions (max-sessions-per-jid: " + sessionsPerJid + ")";
        }
        return null;
    }
}
