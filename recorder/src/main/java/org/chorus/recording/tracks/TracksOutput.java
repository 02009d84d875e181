package org.chorus.recording.tracks;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tracks} layout (PROTOCOL.md §10): every participant stream is copied, without
 * transcoding, into its own file: VP8 and Opus into WebM, H.264 into Matroska. One stream per
 * file means no interleaving, so a muted camera cannot hold back anyone's audio.
 *
 * <p>Each file keeps the recording clock: a stream that starts 5 s into the recording has its
 * first packet at 5 s, so the files line up when played together. Files are written as they go and
 * flushed twice a second (driven by {@link #advance}), so a killed writer loses at most about
 * half a second; {@link Remux} repairs the missing duration of such a file afterwards.
 *
 * <p>Calls come from one thread, as {@link MediaOutput} says. A failure of one stream's file is
 * logged and costs only that stream.
 */
public final class TracksOutput implements MediaOutput {

    /** The life of the whole output. */
    private enum State {
        OPEN,
        FINISHED,
        ABORTED
    }

    private static final Logger LOG = LoggerFactory.getLogger(TracksOutput.class);
    private static final long FLUSH_INTERVAL_MICROS = 500_000;

    private final OutputSpec spec;
    private final Runnable onFirstMediaWritten;
    private final Map<Integer, TrackWriter> open = new LinkedHashMap<>();
    private final List<OutputFile> ended = new ArrayList<>();
    private State state = State.OPEN;
    private boolean firstMediaWritten;
    private long lastFlushMicros;

    public TracksOutput(OutputSpec spec) {
        this(spec, () -> { });
    }

    /**
     * @param onFirstMediaWritten run once, on the calling thread, when the first packet of any
     *                            stream has been written to a file
     */
    public TracksOutput(OutputSpec spec, Runnable onFirstMediaWritten) {
        this.spec = spec;
        this.onFirstMediaWritten = onFirstMediaWritten;
    }

    @Override
    public void participantJoined(String participantId, String nick, long atMicros) {
        // Files are per stream; a participant without streams writes nothing.
    }

    @Override
    public void participantLeft(String participantId, long atMicros) {
        List<Integer> theirs = new ArrayList<>();
        open.forEach((id, track) -> {
            if (track.stream().participantId().equals(participantId)) {
                theirs.add(id);
            }
        });
        theirs.forEach(id -> removeStream(id, atMicros));
    }

    @Override
    public void addStream(StreamSpec stream) {
        if (state != State.OPEN) {
            return;
        }
        if (open.containsKey(stream.streamId())) {
            LOG.warn("Stream {} added twice; keeping the first", stream.streamId());
            return;
        }
        try {
            Files.createDirectories(spec.folder());
        } catch (IOException e) {
            LOG.warn("Cannot create the recording folder: {}", e.getMessage());
        }
        TrackFormat format = TrackFormat.of(stream.codec());
        String name = TrackFileNames.fileName(spec.filePrefix(), stream, format);
        open.put(stream.streamId(), new TrackWriter(stream, format, spec.folder().resolve(name), this::firstPacket));
    }

    @Override
    public void frame(int streamId, long ptsMicros, boolean keyframe, byte[] data, int offset, int length) {
        if (state != State.OPEN) {
            return;
        }
        TrackWriter track = open.get(streamId);
        if (track != null) {
            track.frame(ptsMicros, keyframe, data, offset, length);
        }
    }

    @Override
    public void removeStream(int streamId, long atMicros) {
        TrackWriter track = open.remove(streamId);
        if (track != null) {
            OutputFile file = track.end();
            if (file != null) {
                ended.add(file);
            }
        }
    }

    @Override
    public void advance(long nowMicros) {
        if (state != State.OPEN || nowMicros - lastFlushMicros < FLUSH_INTERVAL_MICROS) {
            return;
        }
        lastFlushMicros = nowMicros;
        for (TrackWriter track : open.values()) {
            track.flush();
        }
    }

    @Override
    public List<OutputFile> finish() {
        if (state == State.OPEN) {
            state = State.FINISHED;
            for (TrackWriter track : open.values()) {
                OutputFile file = track.end();
                if (file != null) {
                    ended.add(file);
                }
            }
            open.clear();
        }
        List<OutputFile> files = new ArrayList<>(ended);
        files.sort(Comparator.comparing(OutputFile::name));
        return files;
    }

    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        for (TrackWriter track : open.values()) {
            try {
                track.abort();
            } catch (RuntimeException e) {
                LOG.warn("Aborting stream {}: {}", track.stream().streamId(), e.toString());
            }
        }
        open.clear();
    }

    private void firstPacket() {
        if (!firstMediaWritten) {
            firstMediaWritten = true;
            onFirstMediaWritten.run();
        }
    }
}
