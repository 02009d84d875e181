package org.chorus.muc;

import org.xmpp.packet.PacketError;

/** A room may not be bound (PROTOCOL.md §3): the error to answer the request with, and why. */
public final class BindRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient PacketError.Condition condition;

    BindRefused(PacketError.Condition condition, String message) {
        super(message, null, false, false);
        this.condition = condition;
    }

    public PacketError.Condition condition() {
        return condition;
    }
}
