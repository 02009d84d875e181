package org.chorus.recording;

import org.xmpp.packet.JID;

/**
 * A recorder in the brewery room, as its {@code jibri-status} presence describes it.
 *
 * @param occupant its occupant address in the brewery ({@code brewery@conference/nick})
 * @param realJid  its own full JID (the brewery is non-anonymous), where Jibri IQs and calls go
 * @param idle     {@code busy-status} is {@code idle}
 * @param healthy  {@code health-status} is {@code healthy}
 */
public record Recorder(JID occupant, JID realJid, boolean idle, boolean healthy) {
    public boolean available() {
        return idle && healthy && realJid != null;
    }
}
