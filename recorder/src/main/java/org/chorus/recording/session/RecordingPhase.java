package org.chorus.recording.session;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of one recording in a recorder, after Jibri's service state machine: it starts, records
 * once media is written, stops (finalizing its files and running the finalize script) and ends,
 * or fails. Only {@link #DONE} and {@link #FAILED} free the recorder's slot.
 */
public enum RecordingPhase {
    /** The writer runs; waiting for the first media to be written. */
    STARTING,
    /** Media is being written (Jibri status {@code on}). */
    RECORDING,
    /** Stop requested: trailers, metadata.json, fix-up, finalize script. */
    FINALIZING,
    /** Finished; the files are final. */
    DONE,
    /** The writer died or could not start; what was written stays, finalized. */
    FAILED;

    private Set<RecordingPhase> next() {
        return switch (this) {
            case STARTING -> EnumSet.of(RECORDING, FINALIZING, FAILED);
            case RECORDING -> EnumSet.of(FINALIZING, FAILED);
            case FINALIZING -> EnumSet.of(DONE, FAILED);
            case DONE, FAILED -> EnumSet.noneOf(RecordingPhase.class);
        };
    }

    public boolean canMoveTo(RecordingPhase target) {
        return next().contains(target);
    }

    public boolean isOver() {
        return this == DONE || this == FAILED;
    }
}
