package org.chorus.muc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xmpp.packet.Message;

/** Fans room events out to every interested part (calls, sessions, logging). */
public final class RoomEvents implements RoomListener {
    private final List<RoomListener> listeners = new CopyOnWriteArrayList<>();

    public void add(RoomListener listener) {
        listeners.add(listener);
    }

    @Override
    public void occupantLeft(Room room, Occupant occupant, LeaveReason reason) {
        listeners.forEach(l -> l.occupantLeft(room, occupant, reason));
    }

    @Override
    public void configChanged(Room room, RoomConfig before) {
        listeners.forEach(l -> l.configChanged(room, before));
    }

    @Override
    public void joined(Room room) {
        listeners.forEach(l -> l.joined(room));
    }

    @Override
    public void messageFromOccupant(Room room, Occupant sender, Message message) {
        listeners.forEach(l -> l.messageFromOccupant(room, sender, message));
    }

    @Override
    public void ownMessageEcho(Room room, Message message) {
        listeners.forEach(l -> l.ownMessageEcho(room, message));
    }
}
