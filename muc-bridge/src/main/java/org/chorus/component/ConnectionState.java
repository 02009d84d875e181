package org.chorus.component;

import java.util.EnumSet;
import java.util.Set;

/** The lifecycle of the gateway's XEP-0114 stream, with its legal transitions. */
public enum ConnectionState {
    /** Not started yet. */
    NEW,
    /** A TCP connect and handshake is under way. */
    CONNECTING,
    /** The stream is up and authenticated. */
    CONNECTED,
    /** The stream dropped or a reconnect failed; the next attempt is scheduled. */
    BACKING_OFF,
    /** Stopped for good (shutdown, or the first connect failed). */
    STOPPED;

    static {
        NEW.next = EnumSet.of(CONNECTING, STOPPED);
        CONNECTING.next = EnumSet.of(CONNECTED, BACKING_OFF, STOPPED);
        CONNECTED.next = EnumSet.of(BACKING_OFF, STOPPED);
        BACKING_OFF.next = EnumSet.of(CONNECTING, STOPPED);
        STOPPED.next = EnumSet.noneOf(ConnectionState.class);
    }

    private Set<ConnectionState> next;

    public boolean canMoveTo(ConnectionState target) {
        return next.contains(target);
    }
}
