package org.chorus.jingle;

/** The life of a Jingle session on the gateway, in either direction, with its legal transitions. */
public enum GatewaySessionState {
    /** The gateway sent session-initiate to a receiver and waits for its session-accept. */
    OFFERED,
    /** The session is agreed (accept sent or received); ICE and DTLS are under way. */
    ACCEPTED,
    /** Media flows. */
    ACTIVE,
    /** Over: terminated by either side, replaced, or failed. */
    ENDED;

    public boolean canMoveTo(GatewaySessionState next) {
        return switch (this) {
            case OFFERED -> next == ACCEPTED || next == ENDED;
            case ACCEPTED -> next == ACTIVE || next == ENDED;
            case ACTIVE -> next == ENDED;
            case ENDED -> false;
        };
    }
}
