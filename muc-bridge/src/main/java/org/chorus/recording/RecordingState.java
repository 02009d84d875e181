package org.chorus.recording;

import java.util.EnumSet;
import java.util.Set;

/**
 * The gateway's view of one room's recording (PROTOCOL.md §10). Retries on another recorder go
 * from {@link #STARTING} or {@link #ON} back to {@link #STARTING}; {@link #OFF} is final.
 */
public enum RecordingState {
    /** A recorder was asked to start, or answered {@code pending}: the room shows {@code pending}. */
    STARTING,
    /** The recorder writes media: the room shows {@code on}. */
    ON,
    /** Stop was sent; the recorder finalizes. */
    STOPPING,
    /** Over. */
    OFF;

    private Set<RecordingState> next() {
        return switch (this) {
            case STARTING -> EnumSet.of(STARTING, ON, STOPPING, OFF);
            case ON -> EnumSet.of(STARTING, STOPPING, OFF);
            case STOPPING -> EnumSet.of(OFF);
            case OFF -> EnumSet.noneOf(RecordingState.class);
        };
    }

    public boolean canMoveTo(RecordingState target) {
        return next().contains(target);
    }

    /** The {@code status} of {@code <jibri-recording-status>} in this state. */
    public String jibriStatus() {
        return switch (this) {
            case STARTING -> "pending";
            case ON, STOPPING -> "on";
            case OFF -> "off";
        };
    }
}
