package org.chorus.testing.fakes;

import java.util.ArrayList;
import java.util.List;
import org.chorus.muc.LeaveReason;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.muc.RoomConfig;
import org.chorus.muc.RoomListener;
import org.xmpp.packet.Message;

/**
 * Records what the room registry tells calls, and passes it on to the listeners added with
 * {@link #forwardTo(RoomListener)} (none by default), e.g. the call manager under test.
 */
public final class RecordingRoomListener implements RoomListener {

    public record Left(Room room, Occupant occupant, LeaveReason reason) {
        public String nick() {
            return occupant.nick();
        }
    }

    public record ConfigChange(Room room, RoomConfig before, RoomConfig after) {}

    public final List<Left> left = new ArrayList<>();
    public final List<ConfigChange> configChanges = new ArrayList<>();
    public final List<Room> joins = new ArrayList<>();
    private final List<RoomListener> forwards = new ArrayList<>();

    /** Passes every event on to {@code next} as well, after recording it. */
    public RecordingRoomListener forwardTo(RoomListener next) {
        forwards.add(next);
        return this;
    }

    @Override
    public void occupantLeft(Room room, Occupant occupant, LeaveReason reason) {
        left.add(new Left(room, occupant, reason));
        forwards.forEach(l -> l.occupantLeft(room, occupant, reason));
    }

    @Override
    public void configChanged(Room room, RoomConfig before) {
        configChanges.add(new ConfigChange(room, before, room.config()));
        forwards.forEach(l -> l.configChanged(room, before));
    }

    @Override
    public void joined(Room room) {
        joins.add(room);
        forwards.forEach(l -> l.joined(room));
    }

    @Override
    public void messageFromOccupant(Room room, Occupant sender, Message message) {
        forwards.forEach(l -> l.messageFromOccupant(room, sender, message));
    }

    @Override
    public void ownMessageEcho(Room room, Message message) {
        forwards.forEach(l -> l.ownMessageEcho(room, message));
    }

    public void clear() {
        left.clear();
        configChanges.clear();
        joins.clear();
    }
}
