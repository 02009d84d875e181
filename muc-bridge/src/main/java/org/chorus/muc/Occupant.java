package org.chorus.muc;

import org.xmpp.packet.JID;

/**
 * A room occupant as the gateway sees it from presence.
 *
 * @param nick the occupant's nickname
 * @param realJid the occupant's real full JID, or null when the room hides it
 * @param affiliation its affiliation with the room
 * @param role its role ({@code moderator}, {@code participant}, {@code visitor})
 */
public record Occupant(String nick, JID realJid, Affiliation affiliation, String role) {

    public JID realBareJid() {
        return realJid == null ? null : realJid.asBareJID();
    }
}
