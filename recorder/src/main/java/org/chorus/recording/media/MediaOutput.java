package org.chorus.recording.media;

import java.io.IOException;
import java.util.List;

/**
 * Where a recording's encoded media goes: the tracks writer, the grid compositor, or (in the
 * recorder's main process) the pipe to the child process that runs one of those.
 *
 * <p>All times are microseconds on the recording clock: 0 is the moment the recording started, and
 * the recorder maps every stream onto it with its sender reports (lip sync). Calls come from one
 * thread. Within a stream, {@link #frame} timestamps never decrease.
 */
public interface MediaOutput {

    /** A participant is in the call from {@code atMicros} on (a grid gives it a tile). */
    void participantJoined(String participantId, String nick, long atMicros);

    /** A participant left at {@code atMicros} (its tile goes, its streams end). */
    void participantLeft(String participantId, long atMicros);

    /** A new stream; frames for it follow. */
    void addStream(StreamSpec spec);

    /**
     * One whole encoded frame: a VP8 frame, an H.264 access unit in Annex B, or one Opus packet.
     * The bytes are only valid during the call.
     */
    void frame(int streamId, long ptsMicros, boolean keyframe, byte[] data, int offset, int length);

    /** The stream ended at {@code atMicros}; no more frames for it. */
    void removeStream(int streamId, long atMicros);

    /**
     * The recording clock has reached {@code nowMicros}: called about every 100 ms, also when no
     * frame arrives, so that outputs can flush and a composite can emit its ticks.
     */
    void advance(long nowMicros);

    /** Ends the recording: trailers written, files closed. Returns what was written. */
    List<OutputFile> finish() throws IOException;

    /** Ends at once, without waiting for trailers (the recording failed). Never throws. */
    void abort();
}
