package org.chorus.jingle;

import org.xmpp.packet.JID;

/**
 * A Jingle session as its two ends name it: the member's full JID, the conference JID, and the sid.
 * A sid is unique between one member and one conference, in both directions (XEP-0166): the
 * gateway's own sids and the member's share one space.
 */
public record SessionKey(JID peer, JID conference, String sid) {
    public SessionKey {
        conference = conference.asBareJID();
    }
}
