package org.chorus.jingle;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.chorus.media.CallMedia;
import org.chorus.media.MediaPlane;
import org.chorus.muc.Room;

/**
 * The media graph of each room's call ({@link CallMedia}), made when the room's first participant
 * or recorder needs it and dropped when nothing is left in it. Confined to the signalling thread.
 */
final class CallMediaTable {
    private final MediaPlane plane;
    private final Map<Room, CallMedia> calls = new HashMap<>();

    CallMediaTable(MediaPlane plane) {
        this.plane = plane;
    }

    /** The room's call media, made if it has none. */
    CallMedia of(Room room) {
        return calls.computeIfAbsent(room, r -> new CallMedia(plane));
    }

    Optional<CallMedia> find(Room room) {
        return Optional.ofNullable(calls.get(room));
    }

    /** Drops the room's call media if nothing is left in it. */
    void release(Room room) {
        CallMedia media = calls.get(room);
        if (media != null && media.isEmpty()) {
            calls.remove(room);
        }
    }

    /** Every second: bandwidth estimates to every call's publishers. */
    void tick(long rembBitrate) {
        for (CallMedia media : calls.values()) {
            media.tick(rembBitrate);
        }
    }

    int size() {
        return calls.size();
    }
}
