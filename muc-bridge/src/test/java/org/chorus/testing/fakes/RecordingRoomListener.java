package org.chorus.testing.fakes;

import java.util.ArrayList;
import java.util.List;
import org.chorus.muc.LeaveReason;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.muc.RoomConfig;
import org.chorus.muc.RoomListener;

/** Records what the room registry tells calls. */
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

    @Override
    public void occupantLeft(Room room, Occupant occupant, LeaveReason reason) {
        left.add(new Left(room, occupant, reason));
    }

    @Override
    public void configChanged(Room room, RoomConfig before) {
        configChanges.add(new ConfigChange(room, before, room.config()));
    }

    @Override
    public void joined(Room room) {
        joins.add(room);
    }

    public void clear() {
        left.clear();
        configChanges.clear();
        joins.clear();
    }
}
