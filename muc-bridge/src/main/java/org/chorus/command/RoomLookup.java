package org.chorus.command;

import java.util.Optional;
import org.chorus.conference.ConferenceJids;
import org.chorus.muc.Room;
import org.chorus.muc.RoomRegistry;
import org.chorus.muc.RoomState;
import org.chorus.xmpp.Stanzas;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError.Condition;

/**
 * Finds the room behind a request to a conference JID and checks that the sender may run
 * recording commands there: owners and admins only (PROTOCOL.md §8).
 */
public final class RoomLookup {
    /** The room, or the error to answer. */
    public record Found(Room room, IQ error) {}

    private final ConferenceJids jids;
    private final RoomRegistry rooms;

    public RoomLookup(ConferenceJids jids, RoomRegistry rooms) {
        this.jids = jids;
        this.rooms = rooms;
    }

    public Found ownerRoom(IQ iq) {
        JID roomJid;
        try {
            roomJid = jids.roomFor(iq.getTo());
        } catch (IllegalArgumentException e) {
            return new Found(null, Stanzas.error(iq, Condition.item_not_found, "not a conference JID"));
        }
        Optional<Room> room = rooms.room(roomJid);
        if (room.isEmpty()) {
            return new Found(null, Stanzas.error(iq, Condition.item_not_found, "no such conference"));
        }
        return recheck(iq, room.get()).map(error -> new Found(null, error)).orElseGet(() -> new Found(room.get(), null));
    }

    /**
     * The same check again for a room found earlier, after a wait (a host name lookup): empty when
     * the room is still joined and the sender still one of its owners or admins, else the error.
     */
    public static Optional<IQ> recheck(IQ iq, Room room) {
        if (room.state() != RoomState.JOINED) {
            return Optional.of(Stanzas.error(iq, Condition.item_not_found, "no such conference"));
        }
        if (iq.getFrom() == null || !room.affiliationOf(iq.getFrom().asBareJID()).mayConfigure()) {
            return Optional.of(Stanzas.error(iq, Condition.forbidden, "only the room's owners and admins may do this"));
        }
        return Optional.empty();
    }
}
