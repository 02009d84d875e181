package org.chorus.recording.grid;

import java.util.ArrayList;
import java.util.List;

/**
 * Who is in the call at a given time of the recording clock, in the order they joined.
 *
 * <p>The gateway signals joins and leaves ahead of the output clock (ticks are emitted with a
 * delay), so the roster keeps the times and answers for any tick instead of tracking "now". A
 * participant who leaves and comes back gets a new stay, and with it a new place at the end.
 */
final class Roster {

    /** One continuous stay of a participant in the call. */
    static final class Stay {
        final String participantId;
        final long joinedMicros;
        long leftMicros = Long.MAX_VALUE;

        Stay(String participantId, long joinedMicros) {
            this.participantId = participantId;
            this.joinedMicros = joinedMicros;
        }

        boolean presentAt(long micros) {
            return joinedMicros <= micros && micros < leftMicros;
        }
    }

    private final List<Stay> stays = new ArrayList<>();

    void joined(String participantId, long atMicros) {
        Stay open = openStay(participantId);
        if (open != null) {
            return; // a repeated join changes nothing
        }
        stays.add(new Stay(participantId, atMicros));
    }

    void left(String participantId, long atMicros) {
        Stay open = openStay(participantId);
        if (open != null) {
            open.leftMicros = Math.max(open.joinedMicros, atMicros);
        }
    }

    /** Fills {@code out} with the participants present at {@code micros}, in join order. */
    void presentAt(long micros, List<String> out) {
        out.clear();
        for (int i = 0; i < stays.size(); i++) {
            Stay s = stays.get(i);
            if (s.presentAt(micros)) {
                out.add(s.participantId);
            }
        }
    }

    /** True when the participant's latest stay ended at or before {@code micros}. */
    boolean goneAt(String participantId, long micros) {
        for (int i = stays.size() - 1; i >= 0; i--) {
            Stay s = stays.get(i);
            if (s.participantId.equals(participantId)) {
                return s.leftMicros <= micros;
            }
        }
        return false;
    }

    private Stay openStay(String participantId) {
        for (int i = stays.size() - 1; i >= 0; i--) {
            Stay s = stays.get(i);
            if (s.participantId.equals(participantId) && s.leftMicros == Long.MAX_VALUE) {
                return s;
            }
        }
        return null;
    }
}
