package org.chorus.recording.writer;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.StreamSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer child: one JVM per recording attempt, so that a native crash in FFmpeg costs only
 * that recording (a crash kills the whole JVM, shutdown hooks and all). {@link WriterProcess}
 * starts it and talks to it as {@link WriterProtocol} describes.
 *
 * <p>When its stdin ends without a {@code FINISH} (the recorder died, even by kill -9), it
 * finishes the files with their trailers and exits 0: a recorder crash must not cost the
 * recording's tail.
 */
public final class WriterMain {

    /** The life of the child. */
    private enum State {
        STARTING,
        WRITING,
        /** Trailers written or skipped; the child is about to exit. */
        DONE
    }

    private static final Logger LOG = LoggerFactory.getLogger(WriterMain.class);

    private final DataInputStream in;
    private final PrintStream replies;
    private State state = State.STARTING;
    private MediaOutput output;
    private boolean firstMediaReported;
    private byte[] frameBuffer = new byte[64 * 1024];
    private final WriteErrors writeErrors = new WriteErrors();

    private WriterMain(InputStream in, PrintStream replies) {
        this.in = new DataInputStream(new BufferedInputStream(in, 64 * 1024));
        this.replies = replies;
    }

    public static void main(String[] args) {
        // Replies own stdout; anything else printed (logs included) goes to stderr.
        PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        int code = new WriterMain(System.in, replies).run();
        replies.flush();
        System.exit(code);
    }

    private int run() {
        try {
            Loader.load(avformat.class);
            avutil.av_log_set_level(avutil.AV_LOG_WARNING);
            LOG.debug("FFmpeg avformat {}", avformat.avformat_version());
        } catch (Throwable t) {
            System.err.println("writer: cannot load the FFmpeg natives: " + t);
            return WriterExit.NATIVES_MISSING;
        }
        WriterProtocol.Header header;
        try {
            header = WriterProtocol.readHeader(in);
        } catch (IOException | RuntimeException e) {
            System.err.println("writer: bad header: " + e.getMessage());
            return WriterExit.BAD_INPUT;
        }
        boolean outputReports = LayoutOutputs.reportsFirstMedia(header.spec().layout());
        try {
            output = LayoutOutputs.forLayout(header.spec().layout()).create(header.spec(), this::firstMediaWritten);
        } catch (Exception e) {
            LOG.error("Cannot create the {} output: {}", header.spec().layout().wireName(), e.getMessage());
            reply(WriterProtocol.FAILED + " " + e.getMessage());
            return WriterExit.OUTPUT_FAILED;
        }
        state = State.WRITING;
        LOG.info("Writing {}", header.spec());
        reply(WriterProtocol.READY);
        return dispatch(outputReports);
    }

    private int dispatch(boolean outputReportsFirstMedia) {
        while (true) {
            int op;
            try {
                op = in.read();
                if (op < 0) {
                    LOG.warn("The recorder went away; finishing the files");
                    return finish();
                }
                switch (op) {
                    case WriterProtocol.JOINED -> output.participantJoined(in.readUTF(), in.readUTF(), in.readLong());
                    case WriterProtocol.LEFT -> output.participantLeft(in.readUTF(), in.readLong());
                    case WriterProtocol.ADD_STREAM -> output.addStream(
                            new StreamSpec(in.readInt(), in.readUTF(), in.readUTF(), Codec.valueOf(in.readUTF())));
                    case WriterProtocol.FRAME -> {
                        int streamId = in.readInt();
                        long pts = in.readLong();
                        boolean keyframe = in.readBoolean();
                        int length = in.readInt();
                        if (length < 0) {
                            throw new IOException("bad frame length " + length);
                        }
                        if (length > frameBuffer.length) {
                            frameBuffer = new byte[Math.max(length, frameBuffer.length * 2)];
                        }
                        in.readFully(frameBuffer, 0, length);
                        output.frame(streamId, pts, keyframe, frameBuffer, 0, length);
                        if (!outputReportsFirstMedia) {
                            firstMediaWritten();
                        }
                    }
                    case WriterProtocol.REMOVE_STREAM -> output.removeStream(in.readInt(), in.readLong());
                    case WriterProtocol.ADVANCE -> output.advance(in.readLong());
                    case WriterProtocol.FINISH -> {
                        return finish();
                    }
                    case WriterProtocol.ABORT -> {
                        LOG.info("Aborted");
                        state = State.DONE;
                        output.abort();
                        return WriterExit.OK;
                    }
                    case WriterProtocol.CRASH_FOR_TEST -> {
                        // Test hook only: end the way a native crash does, with no cleanup at all.
                        System.err.println("writer: crashing on request (test hook)");
                        Runtime.getRuntime().halt(WriterExit.CRASH_FOR_TEST);
                    }
                    default -> {
                        LOG.error("Unknown message {}; finishing the files", op);
                        finish();
                        return WriterExit.PROTOCOL_ERROR;
                    }
                }
            } catch (EOFException e) {
                LOG.warn("The recorder went away mid-message; finishing the files");
                return finish();
            } catch (IOException e) {
                LOG.warn("Reading from the recorder failed ({}); finishing the files", e.getMessage());
                return finish();
            } catch (java.io.UncheckedIOException e) {
                // the output gave up as a whole (the grid's encoder or sink failed): nothing more gets written
                LOG.error("The output failed for good: {}", e.getMessage());
                reply(WriterProtocol.FAILED + " " + e.getMessage());
                state = State.DONE;
                output.abort();
                return WriterExit.OUTPUT_FAILED;
            } catch (RuntimeException e) {
                if (writeErrors.record(System.nanoTime())) {
                    LOG.error("Giving up after {} write errors within {} s: {}", WriteErrors.LIMIT,
                            WriteErrors.WINDOW_NANOS / 1_000_000_000L, e.getMessage());
                    reply(WriterProtocol.FAILED + " repeated write errors: " + e.getMessage());
                    state = State.DONE;
                    output.abort();
                    return WriterExit.OUTPUT_FAILED;
                }
                if (writeErrors.total() == 1) {
                    LOG.error("The output failed", e);
                } else {
                    LOG.warn("The output failed again: {}", e.getMessage());
                }
            }
        }
    }

    private int finish() {
        if (state != State.WRITING) {
            return WriterExit.OK;
        }
        state = State.DONE;
        try {
            List<OutputFile> files = output.finish();
            for (OutputFile file : files) {
                reply(WriterProtocol.fileLine(file));
            }
            reply(WriterProtocol.FINISHED);
            LOG.info("Finished: {} file(s)", files.size());
            return WriterExit.OK;
        } catch (IOException | RuntimeException e) {
            LOG.error("Finishing failed: {}", e.toString());
            reply(WriterProtocol.FAILED + " " + e.getMessage());
            return WriterExit.OUTPUT_FAILED;
        }
    }

    private void firstMediaWritten() {
        if (!firstMediaReported) {
            firstMediaReported = true;
            reply(WriterProtocol.FIRST_MEDIA);
        }
    }

    private void reply(String line) {
        replies.println(line.replace('\n', ' '));
    }
}
