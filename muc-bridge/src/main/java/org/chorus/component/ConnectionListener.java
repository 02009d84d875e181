package org.chorus.component;

import org.xmpp.packet.Packet;

/** What the rest of the gateway hears from the stream. Every call runs on the signalling thread. */
public interface ConnectionListener {
    /** The stream is up; {@code reconnected} is false only for the first connect. */
    void onConnected(boolean reconnected);

    /** The stream dropped; a reconnect is scheduled. Media keeps flowing meanwhile. */
    void onDisconnected();

    /** A stanza arrived. */
    void onPacket(Packet packet);
}
