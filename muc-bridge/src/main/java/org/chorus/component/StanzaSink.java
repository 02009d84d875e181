package org.chorus.component;

import org.xmpp.packet.Packet;

/** Sends stanzas on the gateway's stream. Stanzas sent while the stream is down are dropped. */
@FunctionalInterface
public interface StanzaSink {
    void send(Packet packet);
}
