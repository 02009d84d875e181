package org.chorus.jingle;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.chorus.conference.Call;
import org.chorus.muc.Room;
import org.xmpp.packet.JID;

/**
 * Who a call's streams go to besides its participants, and which streams they turned down
 * (PROTOCOL.md §6, §10): the room's recorders, receive-only peers called once per participant; and
 * the streams a member declined, which are not offered to it again in that call. Confined to the
 * signalling thread.
 */
final class Receivers {
    private record Declined(String callId, JID receiver, JID publisher) {}

    private final Set<Declined> declined = new HashSet<>();
    private final Map<Room, Set<JID>> recorders = new HashMap<>();

    /** Adds a recorder to the room; false if it already is one. */
    boolean addRecorder(Room room, JID recorder) {
        return recorders.computeIfAbsent(room, r -> new HashSet<>()).add(recorder);
    }

    /** Removes a recorder from the room; false if it was not one. */
    boolean removeRecorder(Room room, JID recorder) {
        Set<JID> set = recorders.get(room);
        if (set == null || !set.remove(recorder)) {
            return false;
        }
        if (set.isEmpty()) {
            recorders.remove(room);
        }
        return true;
    }

    Set<JID> recorders(Room room) {
        return Set.copyOf(recorders.getOrDefault(room, Set.of()));
    }

    void declined(Call call, JID receiver, JID publisher) {
        declined.add(new Declined(call.id(), receiver, publisher));
    }

    boolean hasDeclined(Call call, JID receiver, JID publisher) {
        return declined.contains(new Declined(call.id(), receiver, publisher));
    }

    /** Whether {@code receiver} is one the call's streams go to: a participant, or the room's recorder. */
    boolean receives(Call call, JID receiver) {
        return call.participant(receiver).isPresent()
                || recorders.getOrDefault(call.room(), Set.of()).contains(receiver);
    }

    /** The call is over: forgets what was declined in it; returns the recorders it had. */
    Set<JID> callEnded(Call call) {
        declined.removeIf(d -> d.callId().equals(call.id()));
        Set<JID> gone = recorders.remove(call.room());
        return gone == null ? Set.of() : gone;
    }
}
