package org.chorus.recording.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.rtp.ParticipantClock;
import org.chorus.recording.writer.WriterProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recording in the recorder: the gateway's forwarding sessions for one call come in, their
 * RTP goes through jitter buffers and lip sync into the writer process, and on stop (or failure)
 * the files are finalized, {@code metadata.json} is written and the finalize script runs.
 *
 * <p>Media threads call {@link #rtp}/{@link #rtcp}, the recorder's poll thread calls
 * {@link #poll}; they share one lock, so the receivers and the output see one thread at a time.
 */
public final class RecordingSession {
    private static final Logger log = LoggerFactory.getLogger(RecordingSession.class);
    private static final long ADVANCE_INTERVAL_NANOS = 100_000_000L;

    /**
     * Process-level settings every recording uses.
     *
     * @param gatewayTimeout a recording with no session from its gateway and nothing else heard from
     *     the gateway this long is orphaned: it ends and is finalized
     */
    public record Settings(Path recordingsDir, String writerMaxHeap, FinalizeScript finalizeScript,
            java.time.Duration gatewayTimeout) {}

    private final StartRequest request;
    private final Path folder;
    private final StatusListener listener;
    private final Settings settings;
    private final Executor finalizer;
    private final Object lock = new Object();
    /** The recording clock's zero: when the first participant's session became secure. */
    private long startNanos = -1;
    private long startEpochMillis;
    private final ParticipantLog participants = new ParticipantLog();
    private final Map<String, StreamTap> taps = new HashMap<>();
    private final Map<String, String> participantOfSession = new HashMap<>();
    private final Map<String, ParticipantClock> clocks = new HashMap<>();
    private final int rtcpSsrc;
    private WriterProcess writer;
    private RecordingPhase phase = RecordingPhase.STARTING;
    private int nextStreamId;
    private long lastAdvance;
    /** Why the recording failed; set once, before the listener hears {@code failed}. */
    private volatile String failure;
    /** The writer died or was killed: its files are repaired rather than finished. */
    private volatile boolean writerLost;
    /** When the gateway was last heard of: a session event, its media, or a request (System.nanoTime()). */
    private long lastGatewayNanos = System.nanoTime();

    private RecordingSession(StartRequest request, Path folder, StatusListener listener, Settings settings,
            Executor finalizer, int rtcpSsrc) {
        this.request = request;
        this.folder = folder;
        this.listener = listener;
        this.settings = settings;
        this.finalizer = finalizer;
        this.rtcpSsrc = rtcpSsrc;
        this.startEpochMillis = System.currentTimeMillis();
    }

    /** Creates the session folder and starts the writer process. */
    public static RecordingSession start(StartRequest request, StatusListener listener, Settings settings,
            Executor finalizer, int rtcpSsrc) throws IOException {
        Path folder = folderFor(settings.recordingsDir(), request);
        Files.createDirectories(folder);
        RecordingSession session = new RecordingSession(request, folder, listener, settings, finalizer, rtcpSsrc);
        OutputSpec spec = new OutputSpec(folder, request.layout(), request.mode(), request.streamUrl(),
                "a" + request.attempt() + "-");
        session.writer = WriterProcess.start(spec, session.writerOptions());
        session.writer.firstMediaWritten().thenRun(session::mediaWritten);
        session.writer.onExit(session::writerExited);
        log.info("Recording {} of {} started into {}", request.sessionId(), request.room(), folder);
        return session;
    }

    /**
     * {@code <recordings dir>/<room>/<session id>/}: the room with every character outside
     * {@code [A-Za-z0-9._@-]} replaced (and never "." or ".."), and a folder that must stay inside the
     * recordings folder once normalized.
     *
     * @throws IllegalArgumentException when the folder would be elsewhere
     */
    public static Path folderFor(Path recordingsDir, StartRequest request) {
        String room = request.room().replaceAll("[^A-Za-z0-9._@-]", "_");
        if (room.isEmpty() || room.chars().allMatch(c -> c == '.')) {
            room = "_" + room;
        }
        Path root = recordingsDir.toAbsolutePath().normalize();
        Path folder = root.resolve(room).resolve(request.sessionId()).normalize();
        if (!folder.startsWith(root) || folder.getNameCount() != root.getNameCount() + 2) {
            throw new IllegalArgumentException("the recording folder would be outside the recordings folder");
        }
        return folder;
    }

    public StartRequest request() {
        return request;
    }

    public Path folder() {
        return folder;
    }

    /** Whether the listener already heard {@code failed} for this recording. */
    public boolean failureReported() {
        return failure != null;
    }

    public RecordingPhase phase() {
        synchronized (lock) {
            return phase;
        }
    }

    // --- sessions from the gateway ---

    /** A forwarding session of this call became secure: its participant's streams join the output. */
    public void sessionStarted(ReceivingSession session) {
        synchronized (lock) {
            if (phase.isOver() || phase == RecordingPhase.FINALIZING || taps.containsKey(session.sid())) {
                return;
            }
            lastGatewayNanos = System.nanoTime();
            String participant = session.publisher().map(Object::toString)
                    .orElse(session.publisherEntity().orElse(session.sid()));
            String nick = session.nick().orElse(participant);
            long now = System.nanoTime();
            if (startNanos < 0) {
                // the files' timeline starts with the first media the gateway can send, not with
                // the start request: setting up the sessions takes a second or so
                startNanos = now;
                startEpochMillis = System.currentTimeMillis();
            }
            if (!participants.isPresent(participant)) {
                participants.joined(participant, nick, micros(now), System.currentTimeMillis());
                writer.participantJoined(participant, nick, micros(now));
            }
            ParticipantClock clock = clocks.computeIfAbsent(participant, p -> new ParticipantClock(startNanos));
            taps.put(session.sid(), new StreamTap(session, participant, nick, clock, writer, () -> nextStreamId++,
                    rtcpSsrc));
            participantOfSession.put(session.sid(), participant);
            log.info("Recording {}: {} ({}) joined", request.sessionId(), nick, participant);
        }
    }

    /** The gateway ended a forwarding session: the participant left, or recording stopped. */
    public void sessionEnded(ReceivingSession session) {
        synchronized (lock) {
            StreamTap tap = taps.remove(session.sid());
            String participant = participantOfSession.remove(session.sid());
            lastGatewayNanos = System.nanoTime();
            if (tap == null || phase.isOver()) {
                return;
            }
            long now = System.nanoTime();
            tap.close(now, micros(now), writer);
            if (!participantOfSession.containsValue(participant)) {
                participants.left(participant, micros(now), System.currentTimeMillis());
                writer.participantLeft(participant, micros(now));
                clocks.remove(participant);
                log.info("Recording {}: {} left", request.sessionId(), participant);
            }
        }
    }

    public void rtp(ReceivingSession session, byte[] buf, int off, int len) {
        synchronized (lock) {
            StreamTap tap = taps.get(session.sid());
            if (tap != null && !phase.isOver()) {
                long now = System.nanoTime();
                lastGatewayNanos = now;
                tap.rtp(buf, off, len, now);
            }
        }
    }

    public void rtcp(ReceivingSession session, byte[] buf, int off, int len) {
        synchronized (lock) {
            StreamTap tap = taps.get(session.sid());
            if (tap != null && !phase.isOver()) {
                long now = System.nanoTime();
                lastGatewayNanos = now;
                tap.rtcp(buf, off, len, now);
            }
        }
    }

    /** The gateway spoke about this recording (a Jibri request): it is still there. */
    public void gatewayHeard() {
        synchronized (lock) {
            lastGatewayNanos = System.nanoTime();
        }
    }

    /**
     * Every ~10 ms: jitter buffers release frames and send feedback; the output clock advances; a
     * writer that stopped reading is failed, and a recording whose gateway is gone ends.
     */
    public void poll() {
        long silentNanos;
        synchronized (lock) {
            if (phase != RecordingPhase.STARTING && phase != RecordingPhase.RECORDING) {
                return;
            }
            long now = System.nanoTime();
            for (StreamTap tap : taps.values()) {
                tap.poll(now);
            }
            if (startNanos >= 0 && now - lastAdvance >= ADVANCE_INTERVAL_NANOS) {
                lastAdvance = now;
                writer.advance(micros(now));
            }
            writer.checkStalled(now);
            silentNanos = taps.isEmpty() ? now - lastGatewayNanos : 0;
        }
        if (silentNanos > settings.gatewayTimeout().toNanos()) {
            orphaned("the gateway has been gone for " + silentNanos / 1_000_000_000L + " s");
        }
    }

    /** Ends a recording whose gateway is gone: the files are finished and finalized, the attempt failed. */
    private void orphaned(String why) {
        synchronized (lock) {
            if (phase != RecordingPhase.STARTING && phase != RecordingPhase.RECORDING) {
                return;
            }
            phase = RecordingPhase.FINALIZING;
            failure = why;
            closeStreams();
        }
        log.warn("Recording {}: {}; ending it", request.sessionId(), why);
        listener.failed(this, why, false);
        finalizer.execute(() -> finalizeFiles("failed: " + why));
    }

    // --- the end ---

    /** Stops: the files are finalized on the finalizer thread, then the listener hears {@code finished}. */
    public void stop() {
        synchronized (lock) {
            if (!phase.canMoveTo(RecordingPhase.FINALIZING)) {
                return;
            }
            phase = RecordingPhase.FINALIZING;
            closeStreams();
        }
        log.info("Recording {} stopping", request.sessionId());
        finalizer.execute(() -> finalizeFiles("stopped"));
    }

    private void closeStreams() {
        long now = System.nanoTime();
        for (StreamTap tap : taps.values()) {
            tap.close(now, micros(now), writer);
        }
        for (String p : participants.presentIds()) {
            participants.left(p, micros(now), System.currentTimeMillis());
            writer.participantLeft(p, micros(now));
        }
        taps.clear();
        participantOfSession.clear();
        writer.advance(micros(now));
    }

    private void mediaWritten() {
        synchronized (lock) {
            if (!phase.canMoveTo(RecordingPhase.RECORDING) || phase == RecordingPhase.FINALIZING) {
                return;
            }
            phase = RecordingPhase.RECORDING;
        }
        log.info("Recording {} is writing media", request.sessionId());
        listener.recording(this);
    }

    private void writerExited(int code) {
        synchronized (lock) {
            if (phase == RecordingPhase.FINALIZING || phase.isOver()) {
                return; // the exit of a normal finish
            }
            phase = RecordingPhase.FINALIZING;
            writerLost = true;
            failure = "the writer process ended unexpectedly (exit " + code + ")"
                    + writer.failure().map(f -> ": " + f).orElse("");
            taps.clear();
            participantOfSession.clear();
            long now = System.nanoTime();
            for (String p : participants.presentIds()) {
                participants.left(p, micros(now), System.currentTimeMillis());
            }
        }
        log.warn("Recording {}: {}", request.sessionId(), failure);
        listener.failed(this, failure, true);
        finalizer.execute(() -> finalizeFiles("failed: " + failure));
    }

    private void finalizeFiles(String outcome) {
        List<OutputFile> files = new ArrayList<>();
        boolean crashed = writerLost;
        if (!crashed) {
            try {
                files.addAll(writer.finish());
            } catch (IOException e) {
                crashed = true;
                outcome = "failed: " + e.getMessage();
                log.warn("Recording {}: the writer failed while finishing: {}", request.sessionId(), e.getMessage());
            }
        } else {
            writer.abort();
        }
        List<FixUpMain.Probed> probed = FixUp.run(folder, writerOptions());
        try {
            Metadata.write(folder, request, startEpochMillis, System.currentTimeMillis(), participants,
                    files.isEmpty() ? FixUp.describe(probed, "a" + request.attempt() + "-") : files, outcome);
        } catch (IOException | RuntimeException e) {
            log.warn("Recording {}: cannot write metadata.json: {}", request.sessionId(), e.getMessage());
        }
        settings.finalizeScript().run(folder);
        synchronized (lock) {
            phase = crashed || failure != null ? RecordingPhase.FAILED : RecordingPhase.DONE;
        }
        log.info("Recording {} finalized in {}", request.sessionId(), folder);
        listener.finished(this);
    }

    private WriterProcess.Options writerOptions() {
        return new WriterProcess.Options(request.sessionId() + "/a" + request.attempt(), settings.writerMaxHeap(),
                java.time.Duration.ofSeconds(30));
    }

    private long micros(long nanos) {
        return startNanos < 0 ? 0 : (nanos - startNanos) / 1000;
    }

    @Override
    public String toString() {
        return "RecordingSession[" + request + "]";
    }
}
