package org.chorus.recording.grid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.MediaKind;
import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code grid} layout (PROTOCOL.md §10): every participant's video decoded and composited
 * into one 1280×720@30 picture, their audio mixed, encoded to H.264 (openh264) + AAC, and written
 * as a fragmented MP4 ({@link Mode#FILE}) or pushed as FLV to an RTMP URL ({@link Mode#STREAM}).
 *
 * <p>The output clock emits tick {@code k} (time {@code k/30} s of the recording clock) once
 * {@link #advance} reports {@code now >= k/30 s + }{@link #OUTPUT_DELAY_MICROS}, so frames that
 * arrive a little after their time still make it into their tick. Each tick shows, per tile, the
 * participant's decoded frame nearest to the tick, and carries exactly 1/30 s of mixed audio, so
 * the encoder gets continuous constant-rate video and gap-free audio from t=0 (it ignores frame
 * timestamps). Tiles follow the gateway's join and leave signalling, never media timeouts.
 *
 * <p>It runs in the recorder's child process (native FFmpeg may crash it) and is called from one
 * thread. Live streams are sent from a thread of their own, so that a dead ingest never stalls
 * these calls.
 */
public final class GridOutput implements MediaOutput {
    private static final Logger LOG = LoggerFactory.getLogger(GridOutput.class);

    public static final int WIDTH = 1280;
    public static final int HEIGHT = 720;
    public static final int FRAME_RATE = GridEncoder.FRAME_RATE;
    /**
     * How far the output runs behind the recording clock. The parent process already runs the
     * jitter buffer and lip sync before calling {@link #frame}, so frames arrive at most a few
     * hundred milliseconds after their time; one second leaves room to spare.
     */
    public static final long OUTPUT_DELAY_MICROS = 1_000_000;
    static final int SAMPLES_PER_TICK = AudioMixer.SAMPLE_RATE / FRAME_RATE;
    /** Audio may arrive this far ahead of the output clock (the delay plus generous slack). */
    private static final int MIXER_CAPACITY_SAMPLES = 4 * AudioMixer.SAMPLE_RATE;
    private static final String CODEC = "h264+aac";

    /** OPEN until the recording ends; FAILED when a file write failed (the error was thrown once). */
    private enum State {
        OPEN,
        FINISHED,
        ABORTED,
        FAILED
    }

    private final String fileName;
    private final TickSink sink;
    private final Roster roster = new Roster();
    private final Map<Integer, VideoTrack> videoTracks = new LinkedHashMap<>();
    private final Map<Integer, AudioTrack> audioTracks = new LinkedHashMap<>();
    private final AudioMixer mixer = new AudioMixer(MIXER_CAPACITY_SAMPLES);
    private final Compositor compositor = new Compositor(new GridGeometry(WIDTH, HEIGHT));
    private final List<String> present = new ArrayList<>();
    private final AVFrame[] pictures = new AVFrame[GridGeometry.MAX_TILES];
    private State state = State.OPEN;
    private String failure;
    private long nextTick;
    private long lastAdvanceMicros;

    /**
     * Opens the output: creates the MP4 file or starts connecting to the stream URL.
     *
     * @throws UncheckedIOException when the file cannot be written or H.264 is not available
     */
    public GridOutput(OutputSpec spec) {
        if (spec.layout() != Layout.GRID) {
            throw new IllegalArgumentException("not a grid layout: " + spec.layout().wireName());
        }
        if (spec.mode() == Mode.FILE) {
            this.fileName = spec.filePrefix() + "grid.mp4";
            Path file = spec.folder().resolve(fileName);
            try {
                this.sink = new FileSink(file, WIDTH, HEIGHT, SAMPLES_PER_TICK);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LOG.info("Grid recording to {}", file);
        } else {
            this.fileName = null;
            this.sink = new StreamSink(spec.streamUrl(), WIDTH, HEIGHT, SAMPLES_PER_TICK);
            LOG.info("Grid streaming to the stream URL");
        }
    }

    @Override
    public void participantJoined(String participantId, String nick, long atMicros) {
        roster.joined(participantId, atMicros);
    }

    @Override
    public void participantLeft(String participantId, long atMicros) {
        roster.left(participantId, atMicros);
    }

    @Override
    public void addStream(StreamSpec stream) {
        if (state != State.OPEN) {
            return;
        }
        Integer id = stream.streamId();
        if (videoTracks.containsKey(id) || audioTracks.containsKey(id)) {
            throw new IllegalArgumentException("stream " + id + " exists already");
        }
        if (stream.kind() == MediaKind.VIDEO) {
            videoTracks.put(id, new VideoTrack(stream));
        } else {
            audioTracks.put(id, new AudioTrack(stream));
        }
    }

    @Override
    public void frame(int streamId, long ptsMicros, boolean keyframe, byte[] data, int offset, int length) {
        if (state != State.OPEN) {
            return;
        }
        VideoTrack video = videoTracks.get(streamId);
        if (video != null) {
            video.offer(ptsMicros, keyframe, data, offset, length);
            return;
        }
        AudioTrack audio = audioTracks.get(streamId);
        if (audio != null && !roster.goneAt(audio.spec().participantId(), ptsMicros)) {
            audio.decode(ptsMicros, data, offset, length, mixer);
        }
    }

    @Override
    public void removeStream(int streamId, long atMicros) {
        VideoTrack video = videoTracks.get(streamId);
        if (video != null) {
            video.end(atMicros); // closed once the output clock passes its end
        }
        AudioTrack audio = audioTracks.remove(streamId);
        if (audio != null) {
            audio.end(atMicros);
            audio.close();
        }
    }

    @Override
    public void advance(long nowMicros) {
        if (state != State.OPEN) {
            return;
        }
        lastAdvanceMicros = Math.max(lastAdvanceMicros, nowMicros);
        while (tickMicros(nextTick) + OUTPUT_DELAY_MICROS <= nowMicros) {
            emitTick(false);
        }
    }

    /**
     * Emits the ticks up to the last {@link #advance}, writes the trailer and closes.
     *
     * @return the MP4 file for {@link Mode#FILE}; nothing for {@link Mode#STREAM}, which writes no file
     */
    @Override
    public List<OutputFile> finish() throws IOException {
        if (state == State.FAILED) {
            throw new IOException("the grid output failed earlier: " + failure);
        }
        if (state != State.OPEN) {
            throw new IllegalStateException("the grid output is " + state.name().toLowerCase());
        }
        try {
            while (tickMicros(nextTick) < lastAdvanceMicros) {
                emitTick(true);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        state = State.FINISHED;
        try {
            sink.finish();
        } finally {
            releaseTracks();
        }
        long duration = tickMicros(nextTick);
        LOG.info("Grid output finished: {} ticks, {} ms", nextTick, duration / 1000);
        if (fileName == null) {
            return List.of();
        }
        return List.of(new OutputFile(fileName, null, null, CODEC, 0, duration));
    }

    @Override
    public void abort() {
        if (state == State.FINISHED || state == State.ABORTED) {
            return;
        }
        boolean sinkOpen = state == State.OPEN;
        state = State.ABORTED;
        try {
            if (sinkOpen) {
                sink.abort();
            }
            releaseTracks();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Aborting the grid output: {}", e.toString());
        }
    }

    /** How many ticks have been emitted (composited, whether or not a live stream took them). */
    public long ticksEmitted() {
        return nextTick;
    }

    static long tickMicros(long tick) {
        return tick * 1_000_000L / FRAME_RATE;
    }

    private void emitTick(boolean draining) {
        long t = tickMicros(nextTick);
        // every track decodes up to the tick, shown or not, so that its decoder stays in step
        Iterator<VideoTrack> it = videoTracks.values().iterator();
        while (it.hasNext()) {
            VideoTrack track = it.next();
            track.pictureAt(t);
            if (track.finishedAt(t)) {
                track.close();
                it.remove();
            }
        }
        TickBuffer buffer = sink.acquire(draining);
        if (buffer == null) {
            mixer.take(SAMPLES_PER_TICK, null); // a live stream is down: the clock runs on
        } else {
            roster.presentAt(t, present);
            int tiles = Math.min(present.size(), GridGeometry.MAX_TILES);
            for (int i = 0; i < tiles; i++) {
                pictures[i] = pictureOf(present.get(i), t);
            }
            compositor.compose(buffer.canvas, pictures, tiles);
            mixer.take(SAMPLES_PER_TICK, buffer.audio);
            buffer.tick = nextTick;
            try {
                sink.submit(buffer);
            } catch (IOException e) {
                fail(e);
            }
        }
        nextTick++;
    }

    /** The picture of the participant's newest live video stream at {@code t}, or null (black). */
    private AVFrame pictureOf(String participantId, long t) {
        AVFrame picture = null;
        for (VideoTrack track : videoTracks.values()) {
            if (track.spec().participantId().equals(participantId) && !track.finishedAt(t)) {
                picture = track.pictureAt(t);
            }
        }
        return picture;
    }

    private void fail(IOException e) {
        state = State.FAILED;
        failure = e.getMessage();
        LOG.error("Grid output failed: {}", failure);
        sink.abort();
        releaseTracks();
        throw new UncheckedIOException(e);
    }

    private void releaseTracks() {
        videoTracks.values().forEach(VideoTrack::close);
        videoTracks.clear();
        audioTracks.values().forEach(AudioTrack::close);
        audioTracks.clear();
        compositor.close();
    }
}
