package org.chorus.recording.writer;

import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.OutputSpec;

/**
 * Makes the output for a recording inside the writer child.
 */
@FunctionalInterface
public interface OutputFactory {

    /**
     * @param onFirstMediaWritten to be run once when the first media reaches a file or stream, if
     *                            the output can tell; otherwise the child reports its first frame
     */
    MediaOutput create(OutputSpec spec, Runnable onFirstMediaWritten) throws Exception;
}
