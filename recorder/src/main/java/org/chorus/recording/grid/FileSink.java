package org.chorus.recording.grid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the grid to a fragmented MP4, synchronously on the caller's thread: every tick is encoded
 * before the next one is composited, so nothing is ever dropped.
 *
 * <p>Crash safety: with {@code frag_keyframe+empty_moov+default_base_moof}, a one-second
 * {@code frag_duration} and {@code flush_packets=1} each fragment reaches the disk as soon as it is
 * complete, so a killed recorder leaves a playable file missing at most about a second.
 */
final class FileSink implements TickSink {
    private static final Map<String, String> MP4_OPTIONS = Map.of(
            "movflags", "frag_keyframe+empty_moov+default_base_moof",
            "frag_duration", "1000000",
            "flush_packets", "1");

    private final GridEncoder encoder;
    private final TickBuffer buffer;

    FileSink(Path file, int width, int height, int samplesPerTick) throws IOException {
        this.encoder = GridEncoder.start(file.toString(), "mp4", MP4_OPTIONS, new UrlRedactor(null), width, height);
        this.buffer = new TickBuffer(width, height, samplesPerTick);
    }

    @Override
    public TickBuffer acquire(boolean mayWait) {
        return buffer;
    }

    @Override
    public void submit(TickBuffer tick) throws IOException {
        encoder.encode(tick);
    }

    @Override
    public void finish() throws IOException {
        try {
            encoder.finish();
        } finally {
            buffer.close();
        }
    }

    @Override
    public void abort() {
        encoder.release();
        buffer.close();
    }
}
