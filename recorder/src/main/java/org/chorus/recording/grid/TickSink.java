package org.chorus.recording.grid;

import java.io.IOException;

/**
 * Where composited ticks go: a file written in step with the output clock, or a live stream that
 * must never hold that clock up.
 */
interface TickSink {

    /**
     * A buffer to fill for the next tick, or null when this tick is to be dropped (stream down or
     * busy). With {@code mayWait} (while finishing) a live stream waits for a free buffer instead
     * of dropping.
     */
    TickBuffer acquire(boolean mayWait);

    /** Hands over a buffer from {@link #acquire}, filled. */
    void submit(TickBuffer buffer) throws IOException;

    /** Writes out what is pending and the trailer, and closes. */
    void finish() throws IOException;

    /** Closes at once without a trailer. Never throws. */
    void abort();
}
