package org.chorus.recording.session;

/** What a recording tells the recorder, which reports it to the gateway as Jibri status. */
public interface StatusListener {
    /** The first media reached a file or the stream: status {@code on}. */
    void recording(RecordingSession session);

    /** The writer failed: status {@code off} with {@code error}; the session then finalizes. */
    void failed(RecordingSession session, String why, boolean shouldRetry);

    /** Finalized (metadata written, finalize script run): status {@code off}, and the slot is free. */
    void finished(RecordingSession session);
}
