package org.chorus.recording.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Who was in the recording, and when (recording-clock µs and wall-clock ms), for metadata.json. */
final class ParticipantLog {
    /** One stay of one participant: a join and, once over, a leave. */
    static final class Stay {
        final String participantId;
        final String nick;
        final long joinMicros;
        final long joinEpochMillis;
        long leaveMicros = -1;
        long leaveEpochMillis = -1;

        Stay(String participantId, String nick, long joinMicros, long joinEpochMillis) {
            this.participantId = participantId;
            this.nick = nick;
            this.joinMicros = joinMicros;
            this.joinEpochMillis = joinEpochMillis;
        }
    }

    private final List<Stay> stays = new ArrayList<>();
    private final Map<String, Stay> present = new LinkedHashMap<>();

    boolean isPresent(String participantId) {
        return present.containsKey(participantId);
    }

    void joined(String participantId, String nick, long atMicros, long epochMillis) {
        Stay stay = new Stay(participantId, nick, atMicros, epochMillis);
        stays.add(stay);
        present.put(participantId, stay);
    }

    void left(String participantId, long atMicros, long epochMillis) {
        Stay stay = present.remove(participantId);
        if (stay != null) {
            stay.leaveMicros = atMicros;
            stay.leaveEpochMillis = epochMillis;
        }
    }

    List<String> presentIds() {
        return List.copyOf(present.keySet());
    }

    List<Stay> stays() {
        return stays;
    }
}
