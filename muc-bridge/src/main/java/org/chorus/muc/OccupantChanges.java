package org.chorus.muc;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What another occupant's presence changes in a joined room: arrivals, exits with their reason,
 * nick changes, and affiliation changes; departures and lost memberships go to the
 * {@link RoomListener}. Confined to the signalling thread.
 */
final class OccupantChanges {
    private static final Logger log = LoggerFactory.getLogger(OccupantChanges.class);

    private final RoomListener listener;

    OccupantChanges(RoomListener listener) {
        this.listener = listener;
    }

    void apply(Room room, MucPresence p) {
        Map<String, Occupant> occupants = room.occupantMap();
        Occupant before = occupants.get(p.nick());
        if (!p.available()) {
            Occupant gone = occupants.remove(p.nick());
            if (p.statusCodes().contains(MucStatus.NICK_CHANGED) && p.newNick() != null && gone != null) {
                occupants.put(p.newNick(), new Occupant(p.newNick(), gone.realJid(), gone.affiliation(), gone.role()));
                return;
            }
            if (p.realJid() != null) {
                room.affiliation(p.realJid(), p.affiliation());
            }
            if (gone != null) {
                LeaveReason reason = LeaveReason.fromStatus(p);
                log.info("{}: {} left ({})", room.jid(), p.nick(), reason);
                listener.occupantLeft(room, gone, reason);
            }
            return;
        }
        Occupant now = p.toOccupant();
        occupants.put(p.nick(), now);
        if (now.realJid() != null) {
            room.affiliation(now.realJid(), now.affiliation());
        }
        if (before != null && before.affiliation().mayCall() && !now.affiliation().mayCall()) {
            log.info("{}: {} lost membership ({} -> {})", room.jid(), p.nick(), before.affiliation(), now.affiliation());
            listener.occupantLeft(room, before, LeaveReason.MEMBERSHIP_LOST);
        }
    }
}
