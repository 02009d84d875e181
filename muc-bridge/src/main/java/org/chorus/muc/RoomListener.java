package org.chorus.muc;

import org.xmpp.packet.Message;

/** What calls need to hear from the rooms. Every call runs on the signalling thread. */
public interface RoomListener {
    /** An occupant left, or lost the right to be in a call. */
    default void occupantLeft(Room room, Occupant occupant, LeaveReason reason) {}

    /** The room's configuration changed; {@link Room#config()} holds the new one. */
    default void configChanged(Room room, RoomConfig before) {}

    /** The gateway is in the room with a fresh occupant list (first join or rejoin). */
    default void joined(Room room) {}

    /** A groupchat message from an occupant other than the gateway (e.g. a member's own propose). */
    default void messageFromOccupant(Room room, Occupant sender, Message message) {}

    /** The room's copy of a message the gateway sent, with the stanza-id the room gave it, if any. */
    default void ownMessageEcho(Room room, Message message) {}
}
