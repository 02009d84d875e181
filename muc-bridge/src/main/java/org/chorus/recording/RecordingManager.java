package org.chorus.recording;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.chorus.component.IqTracker;
import org.chorus.conference.Call;
import org.chorus.conference.CallListener;
import org.chorus.conference.CallManager;
import org.chorus.conference.EndReason;
import org.chorus.muc.Room;
import org.chorus.muc.RoomRegistry;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError.Condition;

/**
 * Recordings of all rooms, the gateway acting as Jibri's focus (PROTOCOL.md §10): picks a healthy
 * idle recorder, sends it {@code start}, calls it like a receive-only participant once it answers
 * {@code pending}, retries on another recorder when it fails or stays pending for too long (up to
 * a limit), stops it, and mirrors every change into the room. The room is told before any media
 * goes to a recorder. Confined to the signalling thread.
 */
public final class RecordingManager implements CallListener {
    private static final Logger log = LoggerFactory.getLogger(RecordingManager.class);

    /** How a recording reaches the media plane: the recorder is called like a participant. */
    public interface RecorderCalls {
        /** Offers the recorder every participant's streams, now and as people join. */
        void addRecorder(Room room, JID recorder);

        /** Ends every session to the recorder. */
        void removeRecorder(Room room, JID recorder);
    }

    /**
     * Limits: how long a recorder may stay pending, how many recorders a recording tries; and
     * whether any recorder is trusted at all ({@code chorus.recording.recorders} is not empty).
     */
    public record Settings(Duration pendingTimeout, int maxAttempts, Duration stopTimeout, boolean recordersTrusted) {}

    /** The answer to every start while no recorder is trusted. */
    public static final String NOT_SET_UP = "recording is not set up: chorus.recording.recorders is empty";

    /** The outcome of a start or stop request: empty when accepted, else the error to answer. */
    public record Refusal(Condition condition, String text) {}

    private final RecorderPool pool;
    private final IqTracker tracker;
    private final RoomRegistry rooms;
    private final CallManager calls;
    private final RecorderCalls recorderCalls;
    private final ScheduledExecutorService signalling;
    private final Settings settings;
    /** Recordings in progress (starting or on), one per room. */
    private final Map<Room, RoomRecording> recordings = new HashMap<>();
    /** Stopped recordings whose recorder is still finalizing, by session id. */
    private final Map<String, RoomRecording> stopping = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();

    public RecordingManager(RecorderPool pool, IqTracker tracker, RoomRegistry rooms, CallManager calls,
            RecorderCalls recorderCalls, ScheduledExecutorService signalling, Settings settings) {
        this.pool = pool;
        this.tracker = tracker;
        this.rooms = rooms;
        this.calls = calls;
        this.recorderCalls = recorderCalls;
        this.signalling = signalling;
        this.settings = settings;
    }

    /** The session id of the room's recording in progress, if any. */
    public Optional<String> sessionOf(Room room) {
        return Optional.ofNullable(recordings.get(room)).map(RoomRecording::sessionId);
    }

    /** Starts recording the room's call; empty when accepted (the room hears of it at once). */
    public Optional<Refusal> start(Room room, RecordingRequest request) {
        if (!settings.recordersTrusted()) {
            return Optional.of(new Refusal(Condition.service_unavailable, NOT_SET_UP));
        }
        Optional<Call> call = calls.activeCall(room);
        if (call.isEmpty()) {
            return Optional.of(new Refusal(Condition.unexpected_request, "there is no call to record in this room"));
        }
        if (recordings.containsKey(room)) {
            return Optional.of(new Refusal(Condition.conflict, "the call is already being recorded"));
        }
        Optional<Recorder> recorder = pool.pick(java.util.Set.of());
        if (recorder.isEmpty()) {
            return Optional.of(new Refusal(Condition.service_unavailable, "no recorder is available"));
        }
        String sessionId = UUID.randomUUID().toString().substring(0, 8) + "-" + System.currentTimeMillis() / 1000;
        RoomRecording rec = new RoomRecording(room, sessionId, call.get().id(), request);
        recordings.put(room, rec);
        log.info("{}: recording {} requested by {} ({}, {})", room.jid(), sessionId, request.initiator(),
                request.mode(), request.layout());
        rooms.post(room, "Recording starting (" + request.mode() + "), requested by "
                + (request.initiator() == null ? "an owner" : request.initiator().toBareJID()));
        attempt(rec, recorder.get());
        return Optional.empty();
    }

    /** Stops the room's recording; empty when accepted. */
    public Optional<Refusal> stop(Room room, JID by) {
        RoomRecording rec = recordings.get(room);
        if (rec == null) {
            return Optional.of(new Refusal(Condition.unexpected_request, "the call is not being recorded"));
        }
        log.info("{}: recording {} stopped by {}", room.jid(), rec.sessionId(), by);
        stopRecording(rec, "Recording stopped");
        return Optional.empty();
    }

    // --- recorders' IQs ---

    /** A {@code <jibri status=…>} set from a recorder; the answer to send. */
    public IQ onStatus(IQ iq) {
        Element jibri = iq.getChildElement();
        String sessionId = jibri.attributeValue(JibriIq.SESSION_ID);
        RoomRecording rec = java.util.stream.Stream.concat(recordings.values().stream(), stopping.values().stream())
                .filter(r -> r.sessionId().equals(sessionId) && iq.getFrom().equals(r.recorder()))
                .findFirst().orElse(null);
        if (rec == null) {
            // a late status of an attempt we gave up on, or of a finished recording: nothing to do
            log.debug("Status {} from {} for unknown session {}", jibri.attributeValue(JibriIq.STATUS), iq.getFrom(),
                    sessionId);
            return IQ.createResultIQ(iq);
        }
        status(rec, jibri);
        return IQ.createResultIQ(iq);
    }

    /** A recorder left the brewery: its recording moves to another recorder. */
    public void recorderGone(JID realJid) {
        for (RoomRecording rec : recordings.values().toArray(RoomRecording[]::new)) {
            if (realJid.equals(rec.recorder())) {
                attemptFailed(rec, "the recorder went away", true);
            }
        }
    }

    // --- calls ---

    @Override
    public void callEnded(Call call, EndReason reason) {
        RoomRecording rec = recordings.get(call.room());
        if (rec != null) {
            stopRecording(rec, "Recording stopped: the call ended");
        }
    }

    /** The gateway is shutting down: recordings stop and are finalized by their recorders. */
    public void stopAll() {
        for (RoomRecording rec : recordings.values().toArray(RoomRecording[]::new)) {
            stopRecording(rec, "Recording stopped: the service is shutting down");
        }
    }

    // --- internals ---

    private void attempt(RoomRecording rec, Recorder recorder) {
        JID target = recorder.realJid();
        int attempt = rec.attemptOn(target);
        rec.moveTo(RecordingState.STARTING);
        publish(rec);
        log.info("{}: recording {} attempt {} on {}", rec.room().jid(), rec.sessionId(), attempt, target);
        IQ start = JibriIq.start(rec.room().conferenceJid(), target, rec.sessionId(), rec.room().jid(),
                rec.room().conferenceJid(), rec.callId(), rec.request(), attempt);
        tracker.request(start).whenComplete((answer, failure) -> {
            if (rec.recorder() != target || rec.state() == RecordingState.OFF || rec.state() == RecordingState.STOPPING) {
                return;
            }
            if (failure != null || answer.getType() == IQ.Type.error) {
                if (failure == null) {
                    log.info("{}: recorder {} refused the start: {}", rec.room().jid(), target, Stanzas.describeError(answer));
                }
                // the room hears the condition only: a recorder's error text may name its paths
                attemptFailed(rec, failure != null ? "the recorder did not answer" : "the recorder refused ("
                        + (answer.getError() == null ? "error" : answer.getError().getCondition().toXMPP()) + ")", true);
                return;
            }
            Element jibri = answer.getChildElement();
            if (jibri != null && "off".equals(jibri.attributeValue(JibriIq.STATUS))) {
                status(rec, jibri);
                return;
            }
            // pending (or on): call the recorder, and give it the pending timeout to start writing
            recorderCalls.addRecorder(rec.room(), target);
            schedule(rec, settings.pendingTimeout(), () -> {
                if (rec.recorder() == target && rec.state() == RecordingState.STARTING) {
                    attemptFailed(rec, "the recorder did not start in " + settings.pendingTimeout().toSeconds() + " s",
                            true);
                }
            });
            if (jibri != null && "on".equals(jibri.attributeValue(JibriIq.STATUS))) {
                status(rec, jibri);
            }
        });
    }

    private void status(RoomRecording rec, Element jibri) {
        String status = jibri.attributeValue(JibriIq.STATUS);
        if ("on".equals(status)) {
            if (rec.state() == RecordingState.STARTING && rec.moveTo(RecordingState.ON)) {
                cancelTimer(rec);
                publish(rec);
                boolean first = rec.claimOnAnnouncement();
                rooms.post(rec.room(), first ? "Recording started (" + rec.request().mode() + ")"
                        : "Recording continues (" + rec.request().mode() + ") on another recorder");
                log.info("{}: recording {} is on", rec.room().jid(), rec.sessionId());
            }
        } else if ("off".equals(status)) {
            if (rec.state() == RecordingState.STOPPING) {
                finished(rec);
                return;
            }
            String reason = jibri.attributeValue(JibriIq.FAILURE_REASON);
            boolean retry = !"false".equals(jibri.attributeValue(JibriIq.SHOULD_RETRY));
            attemptFailed(rec, "the recorder reported " + (reason == null ? "an error" : reason), retry);
        } else if ("pending".equals(status)) {
            log.debug("{}: recording {} pending", rec.room().jid(), rec.sessionId());
        }
    }

    private void attemptFailed(RoomRecording rec, String why, boolean retry) {
        JID failed = rec.recorder();
        log.warn("{}: recording {} attempt {} failed: {}", rec.room().jid(), rec.sessionId(), rec.attempts(), why);
        cancelTimer(rec);
        if (failed != null) {
            recorderCalls.removeRecorder(rec.room(), failed);
            tracker.request(JibriIq.stop(rec.room().conferenceJid(), failed, rec.sessionId()));
            rec.clearRecorder();
        }
        Optional<Recorder> next = retry && rec.attempts() < settings.maxAttempts() ? pool.pick(rec.tried())
                : Optional.empty();
        if (next.isPresent()) {
            if (rec.wasOn()) {
                rooms.post(rec.room(), "Recording interrupted (" + why + "); moving it to another recorder");
            } else if (!why.contains("busy")) {
                rooms.post(rec.room(), "Recording could not start (" + why + "); trying another recorder");
            }
            attempt(rec, next.get());
            return;
        }
        rooms.post(rec.room(), "Recording failed: " + why);
        rec.moveTo(RecordingState.OFF);
        recordings.remove(rec.room());
        publish(rec);
    }

    private void stopRecording(RoomRecording rec, String announcement) {
        cancelTimer(rec);
        JID recorder = rec.recorder();
        rec.moveTo(RecordingState.STOPPING);
        recordings.remove(rec.room(), rec);
        stopping.put(rec.sessionId(), rec);
        // the room is no longer recorded once the recorder stops receiving media: say so now
        rooms.post(rec.room(), announcement);
        publish(rec);
        if (recorder == null) {
            finished(rec);
            return;
        }
        recorderCalls.removeRecorder(rec.room(), recorder);
        tracker.request(JibriIq.stop(rec.room().conferenceJid(), recorder, rec.sessionId()))
                .whenComplete((answer, failure) -> {
                    Element jibri = answer == null ? null : answer.getChildElement();
                    if (jibri != null && "off".equals(jibri.attributeValue(JibriIq.STATUS))) {
                        finished(rec);
                    }
                });
        // the recorder's final status comes after its finalize script; don't hold the room for it
        schedule(rec, settings.stopTimeout(), () -> finished(rec));
    }

    private void finished(RoomRecording rec) {
        cancelTimer(rec);
        if (rec.moveTo(RecordingState.OFF)) {
            log.info("{}: recording {} finished", rec.room().jid(), rec.sessionId());
        }
        recordings.remove(rec.room(), rec);
        stopping.remove(rec.sessionId(), rec);
    }

    /**
     * Mirrors the recording into the room's presence: its Jibri status, and the mode in
     * {@code <call recording>}. Once stopping, the room is no longer recorded: both say off.
     */
    private void publish(RoomRecording rec) {
        boolean recorded = rec.state() == RecordingState.STARTING || rec.state() == RecordingState.ON;
        rooms.presenceExtension(rec.room(), "jibri-recording-status", JibriIq.recordingStatus(
                recorded ? rec.state().jibriStatus() : "off", rec.request().mode(), rec.sessionId(),
                rec.request().initiator()));
        calls.recording(rec.room(), recorded ? rec.request().mode() : "off");
    }

    private void schedule(RoomRecording rec, Duration delay, Runnable task) {
        cancelTimer(rec);
        timers.put(rec.sessionId(), signalling.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void cancelTimer(RoomRecording rec) {
        ScheduledFuture<?> t = timers.remove(rec.sessionId());
        if (t != null) {
            t.cancel(false);
        }
    }
}
