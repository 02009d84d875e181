package org.chorus.recording.tracks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.chorus.recording.media.MediaKind;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.StreamSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of the tracks layout, copied into its own file. The file is created at the first
 * frame that can start it: any Opus packet, or a video keyframe (the container header needs the
 * picture size); video frames before that are dropped. Opus gaps are filled with TOC-only packets
 * so that the decoded audio keeps the timeline.
 */
final class TrackWriter {

    /** The life of a track. */
    enum State {
        /** No file yet: waiting for the first frame that can start it. */
        WAITING,
        /** The file is open. */
        WRITING,
        /** Closed with a trailer, or never started. */
        ENDED,
        /** Opening or writing failed; frames are ignored. */
        FAILED
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrackWriter.class);
    /** H.264 picture size when the SPS cannot be read; players take the real size from the stream. */
    private static final int[] FALLBACK_SIZE = {1280, 720};

    private final StreamSpec stream;
    private final TrackFormat format;
    private final Path path;
    private final Runnable onFirstPacket;
    private State state = State.WAITING;
    private TrackMuxer muxer;

    private long firstPts = -1;
    private long lastPts = -1;
    /** Audio: the packet's own duration. Video: the last interval between frames. */
    private long lastDuration;
    private boolean wroteSinceFlush;

    private long written;
    private long droppedBeforeStart;
    private long droppedBackwards;
    private long gapFills;
    /** How far later audio is moved back after a gap longer than the fill cap. */
    private long audioShiftMicros;

    TrackWriter(StreamSpec stream, TrackFormat format, Path path, Runnable onFirstPacket) {
        this.stream = stream;
        this.format = format;
        this.path = path;
        this.onFirstPacket = onFirstPacket;
    }

    State state() {
        return state;
    }

    StreamSpec stream() {
        return stream;
    }

    void frame(long ptsMicros, boolean keyframe, byte[] data, int offset, int length) {
        if (state == State.WAITING) {
            if (ptsMicros < 0 || !start(keyframe, data, offset, length)) {
                droppedBeforeStart++;
                return;
            }
        }
        if (state != State.WRITING) {
            return;
        }
        if (stream.kind() == MediaKind.AUDIO) {
            writeAudio(ptsMicros, data, offset, length);
        } else {
            writeVideo(ptsMicros, keyframe, data, offset, length);
        }
    }

    private boolean start(boolean keyframe, byte[] data, int offset, int length) {
        try {
            muxer = switch (format) {
                case OPUS_WEBM -> TrackMuxer.openAudio(path, format.muxer(), format.codecId(),
                        OpusPackets.SAMPLE_RATE, 2, OpusPackets.opusHead(2));
                case VP8_WEBM -> {
                    if (!Vp8Keyframe.isKeyframe(data, offset, length)) {
                        yield null;
                    }
                    yield TrackMuxer.openVideo(path, format.muxer(), format.codecId(),
                            Vp8Keyframe.width(data, offset, length), Vp8Keyframe.height(data, offset, length), null);
                }
                case H264_MKV -> {
                    byte[] parameterSets = H264AccessUnit.parameterSets(data, offset, length);
                    if (!keyframe || parameterSets == null) {
                        yield null;
                    }
                    int[] size = H264AccessUnit.pictureSize(data, offset, length);
                    if (size == null) {
                        LOG.warn("Stream {}: cannot read the H.264 picture size; writing {}x{}", stream.streamId(),
                                FALLBACK_SIZE[0], FALLBACK_SIZE[1]);
                        size = FALLBACK_SIZE;
                    }
                    yield TrackMuxer.openVideo(path, format.muxer(), format.codecId(), size[0], size[1],
                            parameterSets);
                }
            };
        } catch (IOException e) {
            LOG.warn("Stream {}: {}", stream.streamId(), e.getMessage());
            state = State.FAILED;
            deleteQuietly();
            return false;
        }
        if (muxer == null) {
            return false;
        }
        state = State.WRITING;
        LOG.info("Stream {} ({} of {}) writes {}", stream.streamId(), stream.codec(), stream.participantId(),
                path.getFileName());
        return true;
    }

    private void writeAudio(long ptsMicros, byte[] data, int offset, int length) {
        long pts = ptsMicros - audioShiftMicros;
        if (lastPts >= 0) {
            long at = lastPts + lastDuration;
            if (pts - at > MAX_GAP_FILL_MICROS) {
                // far more than a pause: fill the cap, and move the rest of the track back onto it
                LOG.warn("Stream {}: a gap of {} s in the audio; it keeps {} s of silence", stream.streamId(),
                        (pts - at) / 1_000_000, MAX_GAP_FILL_MICROS / 1_000_000);
                audioShiftMicros += pts - at - MAX_GAP_FILL_MICROS;
                pts = at + MAX_GAP_FILL_MICROS;
            }
            while (pts - at >= OpusPackets.GAP_FILL_MICROS / 2) {
                write(at, OpusPackets.GAP_FILL_MICROS, true, GAP_FILL, 0, 1);
                gapFills++;
                at += OpusPackets.GAP_FILL_MICROS;
            }
        }
        long duration = OpusPackets.durationMicros(data, offset, length);
        write(pts, duration > 0 ? duration : OpusPackets.GAP_FILL_MICROS, true, data, offset, length);
    }

    private static final byte[] GAP_FILL = {OpusPackets.GAP_FILL_TOC};
    /** The most silence one gap gets: the receivers re-anchor timestamps that jump, this bounds the rest. */
    static final long MAX_GAP_FILL_MICROS = 600_000_000L;

    private void writeVideo(long ptsMicros, boolean keyframe, byte[] data, int offset, int length) {
        long interval = lastPts >= 0 ? ptsMicros - lastPts : 0;
        if (write(ptsMicros, 0, keyframe, data, offset, length) && interval > 0) {
            lastDuration = interval;
        }
    }

    private boolean write(long ptsMicros, long durationMicros, boolean keyframe, byte[] data, int offset, int length) {
        switch (muxer.write(ptsMicros, durationMicros, keyframe, data, offset, length)) {
            case WRITTEN -> {
                if (firstPts < 0) {
                    firstPts = ptsMicros;
                    onFirstPacket.run();
                }
                lastPts = ptsMicros;
                if (durationMicros > 0) {
                    lastDuration = durationMicros;
                }
                written++;
                wroteSinceFlush = true;
                return true;
            }
            case DROPPED_BACKWARDS -> {
                droppedBackwards++;
                return false;
            }
            default -> throw new TrackWriteException("writing " + path.getFileName() + " failed");
        }
    }

    /** Closes the open cluster and flushes the file if anything was written since the last flush. */
    void flush() {
        if (state == State.WRITING && wroteSinceFlush) {
            muxer.flush();
            wroteSinceFlush = false;
        }
    }

    /**
     * Writes the trailer and closes the file. Returns what it holds, or null when nothing was
     * written (the file, if any, is deleted).
     */
    OutputFile end() {
        State was = state;
        state = State.ENDED;
        if (was == State.WRITING) {
            try {
                muxer.finish();
            } catch (IOException e) {
                LOG.warn("Stream {}: {}", stream.streamId(), e.getMessage());
            } finally {
                muxer.close();
            }
        } else if (was == State.FAILED && muxer != null) {
            muxer.close();
        }
        if (was == State.WAITING || was == State.ENDED) {
            return null;
        }
        LOG.info("Stream {} ended: {} packets ({} gap fills), {} dropped before the start, {} going backwards",
                stream.streamId(), written, gapFills, droppedBeforeStart, droppedBackwards);
        if (firstPts < 0) {
            deleteQuietly();
            return null;
        }
        return new OutputFile(path.getFileName().toString(), stream.participantId(), stream.kind(),
                format.codecName(), firstPts, lastPts + lastDuration - firstPts);
    }

    /** Closes the file without a trailer. Never throws. */
    void abort() {
        state = State.ENDED;
        if (muxer != null) {
            muxer.close();
        }
    }

    long droppedBackwards() {
        return droppedBackwards;
    }

    long gapFills() {
        return gapFills;
    }

    /** A packet the muxer could not write (the disk is full, the file is too large, ...). */
    static final class TrackWriteException extends RuntimeException {
        TrackWriteException(String message) {
            super(message, null, false, false);
        }
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", path.getFileName(), e.getMessage());
        }
    }
}
