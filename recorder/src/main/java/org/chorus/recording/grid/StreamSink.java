package org.chorus.recording.grid;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the grid live as FLV to an RTMP ingest, on its own thread, so that a slow, hung or
 * vanished ingest never holds up the output clock.
 *
 * <p>The caller fills pooled tick buffers and hands them over; when the stream is down, or the
 * pool is empty because the ingest is slow, the tick is dropped at once rather than queued, so a
 * reconnect does not burst stale media at the ingest. The sender thread connects, writes, and on an
 * error (a broken pipe, a refused connection, or a write that hit {@code rw_timeout}) releases the
 * recorder and reconnects with backoff; each connection starts a new FLV with a keyframe.
 *
 * <p>The URL is a secret: it never appears in a log line or an exception message.
 */
final class StreamSink implements TickSink {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSink.class);

    /** A write may block this long on a hung ingest before it fails with ETIMEDOUT (µs). */
    static final long RW_TIMEOUT_MICROS = 5_000_000;
    /** Buffers between the clock and the sender: about 0.3 s of ticks absorbs encoder hiccups. */
    private static final int POOL_SIZE = 8;
    private static final long FIRST_BACKOFF_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    private static final long FINISH_WAIT_MILLIS = 2 * RW_TIMEOUT_MICROS / 1000 + 5_000;
    private static final long ABORT_WAIT_MILLIS = 1_000;

    /** The sender's connection: it moves CONNECTING → CONNECTED → BACKING_OFF → CONNECTING …, then CLOSED. */
    enum Connection {
        CONNECTING,
        CONNECTED,
        BACKING_OFF,
        CLOSED
    }

    /** What the owner asked for. */
    private enum Request {
        RUN,
        FINISH,
        ABORT
    }

    private final String url;
    private final UrlRedactor redactor;
    private final int width;
    private final int height;
    private final BlockingQueue<TickBuffer> free = new ArrayBlockingQueue<>(POOL_SIZE);
    private final BlockingQueue<TickBuffer> filled = new ArrayBlockingQueue<>(POOL_SIZE);
    private final TickBuffer[] all = new TickBuffer[POOL_SIZE];
    private final Thread sender;
    private volatile Connection connection = Connection.CONNECTING;
    private volatile Request request = Request.RUN;
    private volatile IOException finishFailure;
    private long droppedTicks;
    private volatile long connections;

    StreamSink(String url, int width, int height, int samplesPerTick) {
        this.url = url;
        this.redactor = new UrlRedactor(url);
        this.width = width;
        this.height = height;
        for (int i = 0; i < POOL_SIZE; i++) {
            all[i] = new TickBuffer(width, height, samplesPerTick);
            free.add(all[i]);
        }
        sender = new Thread(this::run, "grid-stream-sender");
        sender.setDaemon(true);
        sender.start();
    }

    Connection connection() {
        return connection;
    }

    /** How many connections were made so far (the first one and each reconnect). */
    long connections() {
        return connections;
    }

    long droppedTicks() {
        return droppedTicks;
    }

    @Override
    public TickBuffer acquire(boolean mayWait) {
        TickBuffer buffer = null;
        if (connection == Connection.CONNECTED) {
            buffer = mayWait ? waitForFree() : free.poll();
        }
        if (buffer == null) {
            droppedTicks++;
        }
        return buffer;
    }

    private TickBuffer waitForFree() {
        try {
            return free.poll(2 * RW_TIMEOUT_MICROS, TimeUnit.MICROSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void submit(TickBuffer buffer) {
        if (!filled.offer(buffer)) {
            free.offer(buffer); // cannot happen: the pool is the bound of both queues
        }
    }

    @Override
    public void finish() throws IOException {
        request = Request.FINISH;
        sender.interrupt(); // wakes a backoff sleep; a blocked native write ends by rw_timeout
        if (!join(FINISH_WAIT_MILLIS)) {
            throw new IOException("the stream sender did not stop in time");
        }
        closeBuffers();
        if (finishFailure != null) {
            throw finishFailure;
        }
    }

    @Override
    public void abort() {
        request = Request.ABORT;
        sender.interrupt();
        if (join(ABORT_WAIT_MILLIS)) {
            closeBuffers();
        } // else the sender still uses native buffers; the process is about to end anyway
    }

    private boolean join(long millis) {
        try {
            sender.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !sender.isAlive();
    }

    private void closeBuffers() {
        for (TickBuffer b : all) {
            b.close();
        }
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        GridEncoder encoder = null;
        try {
            while (request == Request.RUN) {
                switch (connection) {
                    case CONNECTING -> {
                        encoder = connect();
                        if (encoder != null) {
                            backoff = FIRST_BACKOFF_MILLIS;
                            recycleFilled(); // anything queued before is stale
                            connection = Connection.CONNECTED;
                        } else {
                            connection = Connection.BACKING_OFF;
                        }
                    }
                    case CONNECTED -> {
                        TickBuffer tick = filled.poll(100, TimeUnit.MILLISECONDS);
                        if (tick != null && !send(encoder, tick)) {
                            encoder.release();
                            encoder = null;
                            connection = Connection.BACKING_OFF;
                        }
                    }
                    case BACKING_OFF -> {
                        recycleFilled();
                        Thread.sleep(backoff);
                        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                        connection = Connection.CONNECTING;
                    }
                    case CLOSED -> request = Request.ABORT;
                }
            }
        } catch (InterruptedException e) {
            // finish or abort: handled below
        } finally {
            Thread.interrupted();
            close(encoder);
            connection = Connection.CLOSED;
        }
    }

    private GridEncoder connect() {
        try {
            GridEncoder encoder = GridEncoder.start(url, "flv",
                    Map.of("rw_timeout", Long.toString(RW_TIMEOUT_MICROS),
                            // a live FLV cannot seek back to patch its header
                            "flvflags", "no_duration_filesize"), redactor, width, height);
            connections++;
            LOG.info("Streaming to the stream URL (connection {})", connections);
            return encoder;
        } catch (IOException e) {
            LOG.warn("Could not connect to the stream URL: {}", redactor.redact(e.getMessage()));
            return null;
        }
    }

    /** Encodes one tick; false when the ingest is gone. The buffer goes back to the pool either way. */
    private boolean send(GridEncoder encoder, TickBuffer tick) {
        try {
            encoder.encode(tick);
            return true;
        } catch (IOException e) {
            int code = GridEncoder.errorCode(e.getMessage());
            LOG.warn("The stream to the stream URL broke (error {}); reconnecting", code);
            return false;
        } finally {
            free.offer(tick);
        }
    }

    private void close(GridEncoder encoder) {
        if (encoder == null) {
            return;
        }
        if (request == Request.FINISH) {
            TickBuffer tick;
            boolean ok = true;
            while (ok && (tick = filled.poll()) != null) {
                ok = send(encoder, tick);
            }
            if (ok) {
                try {
                    encoder.finish();
                    LOG.info("Stream to the stream URL finished");
                    return;
                } catch (IOException e) {
                    finishFailure = new IOException(redactor.redact(e.getMessage()));
                }
            }
        }
        encoder.release();
    }

    private void recycleFilled() {
        TickBuffer tick;
        while ((tick = filled.poll()) != null) {
            free.offer(tick);
        }
    }
}
