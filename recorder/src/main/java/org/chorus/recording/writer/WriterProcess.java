package org.chorus.recording.writer;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recording's output running in its own child JVM ({@link WriterMain}). FFmpeg is native code: a
 * crash in it kills the JVM it runs in, with no exception and no shutdown hook, so each recording
 * writes in a process of its own and a crash costs only that recording.
 *
 * <p>Every {@link MediaOutput} call becomes a message on the child's stdin (see
 * {@link WriterProtocol}); frames are copied into the pipe's buffer, which is flushed on
 * {@link #advance} and on stream and participant events. Once the child has died, calls are
 * dropped without an exception, and {@link #finish()} reports the crash. The child's log lines are
 * relayed to this process's log, prefixed with the recording's label.
 *
 * <p>The MediaOutput calls come from one thread; {@link #isAlive()}, {@link #onExit},
 * {@link #firstMediaWritten()} and {@link #crashForTest()} may be called from any thread.
 */
public final class WriterProcess implements MediaOutput {

    /**
     * How to run the child.
     *
     * @param label         names the recording in log lines (no secrets)
     * @param maxHeap       the child's {@code -Xmx}, e.g. {@code "256m"}
     * @param finishTimeout how long {@link #finish()} waits for trailers and exit
     */
    public record Options(String label, String maxHeap, Duration finishTimeout) {
        public Options {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(maxHeap, "maxHeap");
            Objects.requireNonNull(finishTimeout, "finishTimeout");
        }

        /** 256 MiB of heap, 30 s to finish. */
        public static Options defaults(String label) {
            return new Options(label, "256m", Duration.ofSeconds(30));
        }
    }

    /** The life of the pipe as the parent sees it. */
    private enum State {
        /** Messages are sent. */
        RUNNING,
        /** {@code FINISH} sent (or finishing failed); nothing more is sent. */
        FINISHING,
        /** Aborted: nothing more is sent. */
        ABORTED,
        /** The pipe broke or the child exited: calls are dropped. */
        DEAD
    }

    private static final Logger LOG = LoggerFactory.getLogger(WriterProcess.class);
    private static final String CACHE_DIR_PROPERTY = "org.bytedeco.javacpp.cachedir";
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);
    /** How long a control message waits for room in a full pipe before the writer is failed. */
    private static final long CONTROL_WAIT_NANOS = 2_000_000_000L;
    /** Buffered input the child has not read for this long: it hangs, and is killed. */
    public static final Duration STALL_TIMEOUT = Duration.ofSeconds(10);

    private final Options options;
    private final Process process;
    /** How much media the parent holds for a child that falls behind: about 10 s of a 4-person grid. */
    public static final int PIPE_BUFFER_BYTES = 8 * 1024 * 1024;
    private static final long DROP_LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PipeBuffer buffer;
    private final DataOutputStream pipe;
    /** Video streams that lost a frame to a full pipe: their frames wait for the next keyframe. */
    private final java.util.BitSet awaitingKeyframe = new java.util.BitSet();
    private long droppedFrames;
    private long lastDropLog;
    private final Thread replyReader;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> firstMedia = new CompletableFuture<>();
    private final List<OutputFile> files = new ArrayList<>();
    private volatile boolean finishedReply;
    private volatile String failureReply;
    private volatile State state = State.RUNNING;
    /** Why this side gave the child up (it hung, or its pipe broke), if it did. */
    private volatile String failure;

    private WriterProcess(Options options, Process process) {
        this.options = options;
        this.process = process;
        this.buffer = new PipeBuffer(process.getOutputStream(), PIPE_BUFFER_BYTES, "writer-" + options.label() + "-pipe",
                CONTROL_WAIT_NANOS);
        this.pipe = new DataOutputStream(buffer);
        this.replyReader = new Thread(this::readReplies, "writer-" + options.label() + "-replies");
        this.replyReader.setDaemon(true);
        Thread relay = new Thread(this::relayLog, "writer-" + options.label() + "-log");
        relay.setDaemon(true);
        replyReader.start();
        relay.start();
        process.onExit().thenRun(() -> {
            died();
            int code = process.exitValue();
            if (code == WriterExit.OK) {
                LOG.info("[{}] writer exited", options.label());
            } else {
                LOG.warn("[{}] writer exited with code {}", options.label(), code);
            }
        });
    }

    /**
     * Starts the child for one recording attempt and sends it the spec (stream URL included) over
     * its stdin. Returns at once; the child loads FFmpeg meanwhile.
     */
    public static WriterProcess start(OutputSpec spec, Options options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-Xmx" + options.maxHeap());
        command.add("-XX:+UseSerialGC");
        String cacheDir = System.getProperty(CACHE_DIR_PROPERTY);
        if (cacheDir != null) {
            command.add("-D" + CACHE_DIR_PROPERTY + "=" + cacheDir);
        }
        command.add(WriterMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        ChildEnvironment.clean(builder.environment());
        // Through the environment, the class path keeps the command line short enough to read in ps.
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Process process = builder.start();
        WriterProcess writer = new WriterProcess(options, process);
        LOG.info("[{}] writer started as process {} for {}", options.label(), process.pid(), spec);
        try {
            WriterProtocol.writeHeader(writer.pipe, options.label(), spec);
            writer.pipe.flush();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new IOException("the writer did not take its spec: " + e.getMessage(), e);
        }
        return writer;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Calls {@code listener} once with the child's exit code when it ends, for any reason (a crash
     * included), on a thread other than the caller's.
     */
    public void onExit(IntConsumer listener) {
        process.onExit().thenAcceptAsync(p -> listener.accept(p.exitValue()));
    }

    /** Completes when the child has loaded FFmpeg and created its output. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /**
     * Completes when the child reports that its first media reached a file (or stream); fails if
     * the child ends before that. The recorder reports status {@code on} only then.
     */
    public CompletableFuture<Void> firstMediaWritten() {
        return firstMedia;
    }

    @Override
    public void participantJoined(String participantId, String nick, long atMicros) {
        send(out -> {
            out.writeByte(WriterProtocol.JOINED);
            out.writeUTF(participantId);
            out.writeUTF(nick);
            out.writeLong(atMicros);
        }, true);
    }

    @Override
    public void participantLeft(String participantId, long atMicros) {
        send(out -> {
            out.writeByte(WriterProtocol.LEFT);
            out.writeUTF(participantId);
            out.writeLong(atMicros);
        }, true);
    }

    @Override
    public void addStream(StreamSpec spec) {
        send(out -> {
            out.writeByte(WriterProtocol.ADD_STREAM);
            out.writeInt(spec.streamId());
            out.writeUTF(spec.participantId());
            out.writeUTF(spec.nick());
            out.writeUTF(spec.codec().name());
        }, true);
    }

    @Override
    public void frame(int streamId, long ptsMicros, boolean keyframe, byte[] data, int offset, int length) {
        if (state != State.RUNNING) {
            return;
        }
        if (awaitingKeyframe.get(streamId)) {
            if (!keyframe) {
                dropped();
                return;
            }
            awaitingKeyframe.clear(streamId);
        }
        if (buffer.free() < length + FRAME_HEADER_BYTES) {
            // the child falls behind: drop rather than stall the thread that receives the media;
            // frames that depend on this one go too, until the stream's next keyframe
            awaitingKeyframe.set(streamId);
            dropped();
            return;
        }
        try {
            pipe.writeByte(WriterProtocol.FRAME);
            pipe.writeInt(streamId);
            pipe.writeLong(ptsMicros);
            pipe.writeBoolean(keyframe);
            pipe.writeInt(length);
            pipe.write(data, offset, length);
        } catch (IOException e) {
            pipeBroke(e);
        }
    }

    private static final int FRAME_HEADER_BYTES = 1 + 4 + 8 + 1 + 4;

    private void dropped() {
        droppedFrames++;
        long now = System.nanoTime();
        if (now - lastDropLog > DROP_LOG_INTERVAL_NANOS) {
            lastDropLog = now;
            LOG.warn("[{}] the writer falls behind: {} frame(s) dropped so far", options.label(), droppedFrames);
        }
    }

    /**
     * Fails the writer if it has not read its input for {@link #STALL_TIMEOUT}: a child that hangs
     * (a stuck disk, a stopped process) is killed, and its recording fails as after a crash.
     * Called from the thread that sends the MediaOutput calls.
     */
    public void checkStalled(long nowNanos) {
        if (state == State.RUNNING && buffer.stalledNanos(nowNanos) > STALL_TIMEOUT.toNanos()) {
            giveUp("the writer has not read its input for " + STALL_TIMEOUT.toSeconds() + " s");
        }
    }

    /** Why the writer failed, as this side or the child said, if it did. */
    public java.util.Optional<String> failure() {
        String own = failure;
        return java.util.Optional.ofNullable(own != null ? own : failureReply);
    }

    /** Bytes the parent holds that the child has not read yet. */
    public int bufferedBytes() {
        return PIPE_BUFFER_BYTES - buffer.free();
    }

    /** Frames dropped because the child fell behind. */
    public long droppedFrames() {
        return droppedFrames;
    }

    @Override
    public void removeStream(int streamId, long atMicros) {
        send(out -> {
            out.writeByte(WriterProtocol.REMOVE_STREAM);
            out.writeInt(streamId);
            out.writeLong(atMicros);
        }, true);
    }

    @Override
    public void advance(long nowMicros) {
        send(out -> {
            out.writeByte(WriterProtocol.ADVANCE);
            out.writeLong(nowMicros);
        }, true);
    }

    /**
     * Asks the child to write its trailers and waits (up to the finish timeout) for it to exit.
     *
     * @throws IOException when the child crashed, failed, or did not finish in time
     */
    @Override
    public List<OutputFile> finish() throws IOException {
        if (state == State.ABORTED) {
            throw new IOException("[" + options.label() + "] the writer was aborted");
        }
        if (transition(State.RUNNING, State.FINISHING)) {
            try {
                pipe.writeByte(WriterProtocol.FINISH);
                pipe.flush();
            } catch (IOException e) {
                LOG.debug("[{}] cannot send FINISH: {}", options.label(), e.getMessage());
            }
        }
        closePipe();
        boolean exited;
        try {
            exited = process.waitFor(options.finishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                replyReader.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("[" + options.label() + "] interrupted while the writer finished");
        }
        if (!exited) {
            process.destroyForcibly();
            throw new IOException("[" + options.label() + "] the writer did not finish within "
                    + options.finishTimeout().toSeconds() + " s and was killed");
        }
        int code = process.exitValue();
        if (code != WriterExit.OK || !finishedReply) {
            String reason = failureReply != null ? ": " + failureReply : "";
            throw new IOException("[" + options.label() + "] the writer crashed (exit code " + code + ")" + reason);
        }
        synchronized (files) {
            return List.copyOf(files);
        }
    }

    /** Tells the child to stop without trailers, and kills it if it has not gone within 2 s. Never throws. */
    @Override
    public void abort() {
        State was = state;
        synchronized (this) {
            state = State.ABORTED;
        }
        if (was == State.RUNNING) {
            try {
                pipe.writeByte(WriterProtocol.ABORT);
                pipe.flush();
            } catch (IOException e) {
                // already gone
            }
        }
        closePipe();
        process.onExit().completeOnTimeout(process, ABORT_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                .thenAccept(p -> {
                    if (p.isAlive()) {
                        LOG.warn("[{}] the writer did not stop; killing it", options.label());
                        p.destroyForcibly();
                    }
                });
    }

    /**
     * Test hook: makes the child halt at once with exit code {@link WriterExit#CRASH_FOR_TEST}, the
     * way a native crash ends it (no trailers, no cleanup). Only for tests of crash handling.
     */
    public void crashForTest() {
        send(out -> out.writeByte(WriterProtocol.CRASH_FOR_TEST), true);
    }

    private interface Message {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private void send(Message message, boolean flush) {
        if (state != State.RUNNING) {
            return;
        }
        try {
            message.writeTo(pipe);
            if (flush) {
                pipe.flush();
            }
        } catch (IOException e) {
            pipeBroke(e);
        }
    }

    /** The child is gone: from now on calls are dropped (an abort or finish already under way stays so). */
    private boolean died() {
        return transition(State.RUNNING, State.DEAD);
    }

    private synchronized boolean transition(State from, State to) {
        if (state == from) {
            state = to;
            return true;
        }
        return false;
    }

    private void pipeBroke(IOException e) {
        giveUp("its input failed: " + e.getMessage());
    }

    /** The child is of no more use: calls are dropped from now on, and a child still running is killed. */
    private void giveUp(String why) {
        if (died()) {
            failure = why;
            LOG.warn("[{}] giving the writer up: {}", options.label(), why);
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private void closePipe() {
        try {
            pipe.close();
        } catch (IOException e) {
            // the child is gone; finish() reports it
        }
    }

    private void readReplies() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.equals(WriterProtocol.READY)) {
                    ready.complete(null);
                } else if (line.equals(WriterProtocol.FIRST_MEDIA)) {
                    LOG.info("[{}] the writer wrote its first media", options.label());
                    firstMedia.complete(null);
                } else if (line.startsWith(WriterProtocol.FILE + " ")) {
                    synchronized (files) {
                        files.add(WriterProtocol.parseFileLine(line));
                    }
                } else if (line.equals(WriterProtocol.FINISHED)) {
                    finishedReply = true;
                } else if (line.startsWith(WriterProtocol.FAILED)) {
                    failureReply = line.substring(WriterProtocol.FAILED.length()).trim();
                    LOG.warn("[{}] the writer failed: {}", options.label(), failureReply);
                } else {
                    LOG.info("[{}] writer said: {}", options.label(), line);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("[{}] reading the writer's replies failed: {}", options.label(), e.toString());
        } finally {
            IOException ended = new IOException("[" + options.label() + "] the writer ended before writing media");
            ready.completeExceptionally(ended);
            firstMedia.completeExceptionally(ended);
        }
    }

    private void relayLog() {
        Logger childLog = LoggerFactory.getLogger(WriterMain.class);
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.contains(" ERROR ") || line.startsWith("writer:")) {
                    childLog.error("[{}] {}", options.label(), line);
                } else if (line.contains(" WARN ")) {
                    childLog.warn("[{}] {}", options.label(), line);
                } else {
                    childLog.info("[{}] {}", options.label(), line);
                }
            }
        } catch (IOException e) {
            LOG.debug("[{}] the writer's log ended: {}", options.label(), e.getMessage());
        }
    }
}
