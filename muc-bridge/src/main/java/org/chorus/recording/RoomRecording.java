package org.chorus.recording;

import java.util.HashSet;
import java.util.Set;
import org.chorus.muc.Room;
import org.xmpp.packet.JID;

/**
 * One room's recording session: one session id and folder, possibly written by several recorders
 * in turn when one fails. Confined to the signalling thread.
 */
final class RoomRecording {
    private final Room room;
    private final String sessionId;
    private final String callId;
    private final RecordingRequest request;
    private final Set<JID> tried = new HashSet<>();
    private RecordingState state = RecordingState.STARTING;
    private JID recorder;
    private int attempts;
    private boolean announcedOn;

    RoomRecording(Room room, String sessionId, String callId, RecordingRequest request) {
        this.room = room;
        this.sessionId = sessionId;
        this.callId = callId;
        this.request = request;
    }

    Room room() {
        return room;
    }

    String sessionId() {
        return sessionId;
    }

    String callId() {
        return callId;
    }

    RecordingRequest request() {
        return request;
    }

    RecordingState state() {
        return state;
    }

    boolean moveTo(RecordingState target) {
        if (!state.canMoveTo(target)) {
            return false;
        }
        state = target;
        return true;
    }

    /** The recorder of the current attempt, or null between attempts. */
    JID recorder() {
        return recorder;
    }

    int attempts() {
        return attempts;
    }

    Set<JID> tried() {
        return tried;
    }

    /** A new attempt on this recorder; returns the attempt number (1 for the first). */
    int attemptOn(JID next) {
        recorder = next;
        tried.add(next);
        return ++attempts;
    }

    void clearRecorder() {
        recorder = null;
    }

    /** Whether the recording was ever on (some media was written). */
    boolean wasOn() {
        return announcedOn;
    }

    /** True the first time the recording is announced as on. */
    boolean claimOnAnnouncement() {
        boolean first = !announcedOn;
        announcedOn = true;
        return first;
    }
}
