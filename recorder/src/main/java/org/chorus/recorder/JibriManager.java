package org.chorus.recorder;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import org.chorus.jingle.client.ClientSession;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.recording.session.RecordingPhase;
import org.chorus.recording.session.RecordingSession;
import org.chorus.recording.session.StartRequest;
import org.chorus.recording.session.StatusListener;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recordings of this recorder (Jibri's JibriManager): starts them within the admission rules,
 * stops them, polls them on one thread, routes the gateway's sessions and media to them, and
 * reports every change of status. Knows nothing of XMPP stanzas: {@link XmppApi} translates.
 */
final class JibriManager implements StatusListener {
    private static final Logger log = LoggerFactory.getLogger(JibriManager.class);

    /** Where status changes go: the gateway (a Jibri status IQ) and the brewery (busy/idle). */
    interface Reports {
        /** The recording is on, or (with a reason) failed, or (without one) finished. */
        void status(RecordingSession session, Status status);

        /** The number of recordings changed: the brewery presence may change. */
        void loadChanged();
    }

    enum Status { ON, FAILED_RETRY, FAILED_FINAL, OFF }

    /** The outcome of a start. */
    record Started(RecorderPolicy.Admission admission, String problem) {}

    private final RecorderPolicy policy;
    private final Health health;
    private final RecordingSession.Settings settings;
    private final Reports reports;
    private final IntSupplier rtcpSsrc;
    private final Map<String, RecordingSession> byConference = new ConcurrentHashMap<>();
    /** Who started each recording: only that JID may stop it ({@link RecorderPolicy#mayStop}). */
    private final Map<RecordingSession, Jid> startedBy = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "recording-poll"));
    private final ExecutorService finalizer = Executors.newCachedThreadPool(r -> thread(r, "recording-finalize"));

    JibriManager(RecorderPolicy policy, Health health, RecordingSession.Settings settings, Reports reports,
            IntSupplier rtcpSsrc) {
        this.policy = policy;
        this.health = health;
        this.settings = settings;
        this.reports = reports;
        this.rtcpSsrc = rtcpSsrc;
    }

    /** Starts polling the recordings (every 10 ms) and the health (every 10 s). */
    void startPolling() {
        poller.scheduleAtFixedRate(this::poll, 10, 10, TimeUnit.MILLISECONDS);
        poller.scheduleWithFixedDelay(() -> {
            if (health.check()) {
                reports.loadChanged();
            }
        }, 10, 10, TimeUnit.SECONDS);
    }

    /**
     * Starts a recording for {@code from} if the admission rules allow; {@code problem} says why it
     * could not write.
     */
    Started start(StartRequest request, Jid from) {
        health.check();
        RecordingSession running = byConference.get(request.conference());
        if (running != null && policy.mayStop(startedBy.get(running), from)) {
            running.gatewayHeard();
        }
        RecorderPolicy.Admission admission = policy.admit(health.healthy(), byConference.size(), running != null);
        if (admission != RecorderPolicy.Admission.ACCEPT) {
            log.info("Refusing {}: {}", request, admission == RecorderPolicy.Admission.BUSY ? "busy" : health.problem());
            return new Started(admission, null);
        }
        RecordingSession session;
        try {
            session = RecordingSession.start(request, this, settings, finalizer, rtcpSsrc.getAsInt());
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot start {}: {}", request, e.getMessage());
            health.check();
            reports.loadChanged();
            return new Started(RecorderPolicy.Admission.UNHEALTHY, e.getMessage());
        }
        startedBy.put(session, from);
        byConference.put(request.conference(), session);
        reports.loadChanged();
        return new Started(RecorderPolicy.Admission.ACCEPT, null);
    }

    /**
     * Stops the recording with this session id, if this recorder runs it and {@code from} started
     * it; empty otherwise (the recording, if any, goes on).
     */
    Optional<RecordingSession> stop(String sessionId, Jid from) {
        Optional<RecordingSession> session = byConference.values().stream()
                .filter(s -> s.request().sessionId().equals(sessionId))
                .filter(s -> policy.mayStop(startedBy.get(s), from)).findFirst();
        session.ifPresent(RecordingSession::stop);
        return session;
    }

    /** Stops every recording; they are finalized in the background. */
    void stopAll() {
        byConference.values().forEach(RecordingSession::stop);
    }

    int size() {
        return byConference.size();
    }

    boolean busy() {
        return policy.busy(byConference.size());
    }

    /** The conference JIDs whose sessions this recorder takes now. */
    Set<String> conferencesTakingSessions() {
        return byConference.entrySet().stream().filter(e -> takesSessions(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The calls from the gateway, as the conference client's listener. */
    ConferenceClient.Listener calls() {
        return new Calls();
    }

    // --- StatusListener: from the recordings ---

    @Override
    public void recording(RecordingSession session) {
        reports.status(session, Status.ON);
    }

    @Override
    public void failed(RecordingSession session, String why, boolean shouldRetry) {
        reports.status(session, shouldRetry ? Status.FAILED_RETRY : Status.FAILED_FINAL);
    }

    @Override
    public void finished(RecordingSession session) {
        byConference.remove(session.request().conference(), session);
        startedBy.remove(session);
        if (session.phase() == RecordingPhase.DONE) {
            reports.status(session, Status.OFF);
        } else if (!session.failureReported()) {
            // the writer failed while finishing: the gateway still waits for the final status
            reports.status(session, Status.FAILED_FINAL);
        }
        reports.loadChanged();
    }

    /** Waits (up to {@code waitMillis}) for the recordings to be finalized, then stops the threads. */
    void close(long waitMillis) {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (!byConference.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        poller.shutdownNow();
        finalizer.shutdown();
    }

    private void poll() {
        for (RecordingSession s : byConference.values()) {
            try {
                s.poll();
            } catch (RuntimeException e) {
                log.warn("Recording {}: poll failed", s.request().sessionId(), e);
            }
        }
    }

    private static boolean takesSessions(RecordingSession recording) {
        RecordingPhase phase = recording.phase();
        return !phase.isOver() && phase != RecordingPhase.FINALIZING;
    }

    private Optional<RecordingSession> recordingOf(ReceivingSession session) {
        return Optional.ofNullable(byConference.get(session.conference().asBareJid().toString()));
    }

    /** Routes the gateway's forwarding sessions and their media to the recordings. */
    private final class Calls implements ConferenceClient.Listener {
        @Override
        public boolean mayInitiate(Jid from) {
            return policy.mayCall(from, conferencesTakingSessions());
        }

        @Override
        public boolean acceptReceivingSession(ReceivingSession session) {
            return recordingOf(session).filter(JibriManager::takesSessions).isPresent();
        }

        @Override
        public void onSecure(ClientSession session) {
            if (session instanceof ReceivingSession r) {
                recordingOf(r).ifPresent(s -> s.sessionStarted(r));
            }
        }

        @Override
        public void onRtp(ReceivingSession session, byte[] buffer, int offset, int length) {
            RecordingSession recording = byConference.get(session.conference().asBareJid().toString());
            if (recording != null) {
                recording.rtp(session, buffer, offset, length);
            }
        }

        @Override
        public void onRtcp(ReceivingSession session, byte[] buffer, int offset, int length) {
            RecordingSession recording = byConference.get(session.conference().asBareJid().toString());
            if (recording != null) {
                recording.rtcp(session, buffer, offset, length);
            }
        }

        @Override
        public void onReceivingSessionEnded(ReceivingSession session, String reason) {
            recordingOf(session).ifPresent(s -> s.sessionEnded(session));
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
