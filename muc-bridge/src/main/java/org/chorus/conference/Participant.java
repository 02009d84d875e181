package org.chorus.conference;

import java.time.Instant;
import org.xmpp.packet.JID;

/**
 * A member taking part in a call.
 *
 * @param jid the member's full JID (the client that called)
 * @param nick its nickname in the room
 * @param joined when it joined
 */
public record Participant(JID jid, String nick, Instant joined) {}
