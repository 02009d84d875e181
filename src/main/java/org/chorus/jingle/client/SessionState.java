package org.chorus.jingle.client;

/**
 * The life of a client session: {@code PENDING → CONNECTING → SECURE → ENDED}, and from any state to
 * {@code ENDED}.
 */
public enum SessionState {
    /** A join's session-initiate is sent; the conference has not accepted yet. */
    PENDING,
    /** The session is accepted (by the conference, or by us); ICE and DTLS are under way. */
    CONNECTING,
    /** DTLS-SRTP is established: media flows. */
    SECURE,
    /** Terminated, by either side or by a failure; see the session's end reason. Final. */
    ENDED
}
