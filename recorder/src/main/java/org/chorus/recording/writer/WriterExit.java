package org.chorus.recording.writer;

/** The writer child's exit codes, so that the recorder can tell why a recording's writer ended. */
public final class WriterExit {

    /** Trailers written, files listed. */
    public static final int OK = 0;
    /** The pipe did not start with a valid header. */
    public static final int BAD_INPUT = 2;
    /** The FFmpeg natives could not be loaded. */
    public static final int NATIVES_MISSING = 3;
    /** The output could not be created or finished. */
    public static final int OUTPUT_FAILED = 4;
    /** An unknown message arrived; the files were finished anyway. */
    public static final int PROTOCOL_ERROR = 5;
    /** The test hook's halt; also what a native crash (SIGABRT) looks like. */
    public static final int CRASH_FOR_TEST = 134;

    private WriterExit() {
    }
}
