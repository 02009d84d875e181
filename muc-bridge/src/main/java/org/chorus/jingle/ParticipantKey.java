package org.chorus.jingle;

import org.chorus.muc.Room;
import org.xmpp.packet.JID;

/** A participant: one member's full JID in one room's call. The same client may be in several rooms' calls. */
public record ParticipantKey(Room room, JID member) {}
