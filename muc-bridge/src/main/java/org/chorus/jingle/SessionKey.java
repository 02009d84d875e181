package org.chorus.jingle;

import org.xmpp.packet.JID;

/** A Jingle session as its peer names it: the peer's full JID and the sid (sids are only unique per peer). */
public record SessionKey(JID peer, String sid) {}
