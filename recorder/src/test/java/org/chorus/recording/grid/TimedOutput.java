package org.chorus.recording.grid;

import java.io.IOException;
import java.util.List;
import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.StreamSpec;

/** Passes calls on and remembers the longest {@code frame} or {@code advance} call since the last reset. */
final class TimedOutput implements MediaOutput {
    private final MediaOutput target;
    private long longestNanos;

    TimedOutput(MediaOutput target) {
        this.target = target;
    }

    long longestMillis() {
        return longestNanos / 1_000_000;
    }

    void reset() {
        longestNanos = 0;
    }

    private void took(long start) {
        longestNanos = Math.max(longestNanos, System.nanoTime() - start);
    }

    @Override
    public void participantJoined(String participantId, String nick, long atMicros) {
        target.participantJoined(participantId, nick, atMicros);
    }

    @Override
    public void participantLeft(String participantId, long atMicros) {
        target.participantLeft(participantId, atMicros);
    }

    @Override
    public void addStream(StreamSpec spec) {
        target.addStream(spec);
    }

    @Override
    public void frame(int streamId, long ptsMicros, boolean keyframe, byte[] data, int offset, int length) {
        long start = System.nanoTime();
        target.frame(streamId, ptsMicros, keyframe, data, offset, length);
        took(start);
    }

    @Override
    public void removeStream(int streamId, long atMicros) {
        target.removeStream(streamId, atMicros);
    }

    @Override
    public void advance(long nowMicros) {
        long start = System.nanoTime();
        target.advance(nowMicros);
        took(start);
    }

    @Override
    public List<OutputFile> finish() throws IOException {
        return target.finish();
    }

    @Override
    public void abort() {
        target.abort();
    }
}
