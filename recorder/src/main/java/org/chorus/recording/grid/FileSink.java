package org.chorus.recording.grid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes the grid to a fragmented MP4. Encoding (most of the grid's cost) runs on a thread of its
 * own while the caller decodes and composes the next tick, so a 2-core machine uses both; a small
 * pool of tick buffers passes ticks between the two. A file never drops a tick: {@link #acquire}
 * waits for a free buffer when the encoder is behind.
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
    /** Ticks in flight: one being composed, one being encoded, one spare. */
    private static final int BUFFERS = 3;
    private static final TickBuffer END = null;

    private final GridEncoder encoder;
    private final TickBuffer[] all = new TickBuffer[BUFFERS];
    private final BlockingQueue<TickBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<java.util.Optional<TickBuffer>> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread encoding;
    private volatile IOException failure;

    FileSink(Path file, int width, int height, int samplesPerTick) throws IOException {
        this.encoder = GridEncoder.start(file.toString(), "mp4", MP4_OPTIONS, new UrlRedactor(null), width, height);
        for (int i = 0; i < BUFFERS; i++) {
            all[i] = new TickBuffer(width, height, samplesPerTick);
            free.add(all[i]);
        }
        this.encoding = new Thread(this::encodeLoop, "grid-encoder");
        this.encoding.setDaemon(true);
        this.encoding.start();
    }

    @Override
    public TickBuffer acquire(boolean mayWait) {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void submit(TickBuffer tick) throws IOException {
        throwIfFailed();
        filled.add(java.util.Optional.of(tick));
    }

    @Override
    public void finish() throws IOException {
        try {
            filled.add(java.util.Optional.ofNullable(END));
            encoding.join();
            throwIfFailed();
            encoder.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the grid was finishing");
        } finally {
            closeBuffers();
        }
    }

    @Override
    public void abort() {
        encoding.interrupt();
        try {
            encoding.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        encoder.release();
        closeBuffers();
    }

    private void encodeLoop() {
        try {
            while (true) {
                java.util.Optional<TickBuffer> next = filled.take();
                if (next.isEmpty()) {
                    return;
                }
                TickBuffer tick = next.get();
                try {
                    if (failure == null) {
                        encoder.encode(tick);
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                } finally {
                    free.add(tick);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void throwIfFailed() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void closeBuffers() {
        for (TickBuffer b : all) {
            b.close();
        }
    }
}
