package org.chorus.recorder;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ClientSession;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.media.ice.IceSettings;
import org.chorus.recording.session.FinalizeScript;
import org.chorus.recording.session.RecordingPhase;
import org.chorus.recording.session.RecordingSession;
import org.chorus.recording.session.StartRequest;
import org.chorus.recording.session.StatusListener;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jitsi.xmpp.extensions.jibri.JibriIqProvider;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder process: an XMPP client in the brewery that takes Jibri {@code start}/{@code stop}
 * requests from the gateway, receives the call with the client-role media stack like a
 * receive-only participant, and runs one {@link RecordingSession} per recording. When its stream
 * drops, its recordings stop and are finalized; it reconnects and rejoins the brewery.
 */
public final class RecorderService implements StatusListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecorderService.class);

    private final RecorderConfig config;
    private final Health health;
    private final Map<String, RecordingSession> byConference = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "recording-poll"));
    private final ExecutorService finalizer = Executors.newCachedThreadPool(r -> thread(r, "recording-finalize"));
    private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> thread(r, "recording-start"));
    private final RecordingSession.Settings sessionSettings;
    private AbstractXMPPConnection connection;
    private ClientMedia media;
    private ConferenceClient client;
    private BreweryMembership brewery;

    /** Why the recorder could not start, in one line. */
    public static final class StartFailure extends Exception {
        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public RecorderService(RecorderConfig config) {
        this.config = config;
        this.health = new Health(config.recordingsDir(), config.minFreeSpace());
        this.sessionSettings = new RecordingSession.Settings(config.recordingsDir(),
                config.writerMaxHeap(),
                new FinalizeScript(config.finalizeScript(), config.finalizeTimeout()));
    }

    /** Connects, logs in and joins the brewery; throws when the first attempt fails. */
    public void start() throws Exception {
        log.info("Starting {}", config);
        IceSettings.Builder ice = IceSettings.builder().port(0).allowLoopback(config.allowLoopback());
        if (!config.bindAddress().isEmpty()) {
            ice.bindAddress(config.bindAddress());
        } else {
            IceSettings.defaultRouteAddress().ifPresent(ice::bindAddress);
        }
        try {
            media = ClientMedia.open(ice.build());
        } catch (java.io.IOException | RuntimeException e) {
            throw new StartFailure("cannot open media on " + (config.bindAddress().isEmpty() ? "the default address"
                    : config.bindAddress()) + ": " + e.getMessage(), e);
        }
        ProviderManager.addIQProvider(JibriIq.ELEMENT, JibriIq.NAMESPACE, new JibriIqProvider());
        XMPPTCPConnectionConfiguration xmpp = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(config.domain())
                .setHostAddress(InetAddress.getByName(config.host()))
                .setPort(config.port())
                .setUsernameAndPassword(config.username(), config.password())
                .setResource(config.resource())
                .setSecurityMode(switch (config.security()) {
                    case REQUIRED -> SecurityMode.required;
                    case IF_POSSIBLE -> SecurityMode.ifpossible;
                    case DISABLED -> SecurityMode.disabled;
                })
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setSendPresence(true)
                .build();
        connection = new XMPPTCPConnection(xmpp);
        connection.setReplyTimeout(10_000);
        client = new ConferenceClient(connection, media, new CallListener());
        connection.registerIQRequestHandler(new JibriHandler());
        connection.addConnectionListener(new StreamListener());
        ReconnectionManager reconnect = ReconnectionManager.getInstanceFor(connection);
        reconnect.setReconnectionPolicy(ReconnectionManager.ReconnectionPolicy.FIXED_DELAY);
        reconnect.setFixedDelay((int) Math.max(1, config.reconnectDelay().toSeconds()));
        reconnect.enableAutomaticReconnection();
        brewery = new BreweryMembership(connection, config.brewery(), config.nick());
        try {
            connection.connect().login();
        } catch (Exception e) {
            throw new StartFailure("cannot connect to " + config.host() + ":" + config.port() + " as "
                    + config.username() + "@" + config.domain() + ": " + e.getMessage(), e);
        }
        try {
            brewery.join(busy(), health.healthy());
        } catch (Exception e) {
            throw new StartFailure("cannot join the brewery " + config.brewery() + ": " + e.getMessage(), e);
        }
        if (config.acceptFrom().isEmpty()) {
            log.warn("accept-from is empty: any JID may start and stop recordings here");
        }
        poller.scheduleAtFixedRate(this::poll, 10, 10, TimeUnit.MILLISECONDS);
        poller.scheduleWithFixedDelay(this::checkHealth, 10, 10, TimeUnit.SECONDS);
    }

    public boolean isConnected() {
        return connection != null && connection.isAuthenticated();
    }

    /** Recordings in progress (including those still finalizing). */
    public int activeRecordings() {
        return byConference.size();
    }

    // --- Jibri requests ---

    private final class JibriHandler extends AbstractIqRequestHandler {
        JibriHandler() {
            super(JibriIq.ELEMENT, JibriIq.NAMESPACE, IQ.Type.set, IQRequestHandler.Mode.async);
        }

        @Override
        public IQ handleIQRequest(IQ request) {
            if (!(request instanceof JibriIq iq)) {
                return IQ.createErrorResponse(request, StanzaError.Condition.bad_request);
            }
            if (!config.acceptFrom().isEmpty()
                    && !config.acceptFrom().contains(iq.getFrom().getDomain().toString())) {
                log.warn("Refusing a Jibri request from {}: not in accept-from", iq.getFrom());
                return IQ.createErrorResponse(request, StanzaError.Condition.forbidden);
            }
            return switch (iq.getAction()) {
                case START -> start(iq);
                case STOP -> stop(iq);
                default -> IQ.createErrorResponse(request, StanzaError.getBuilder(StanzaError.Condition.bad_request)
                        .setDescriptiveEnText("action must be start or stop").build());
            };
        }
    }

    private IQ start(JibriIq iq) {
        StartRequest request;
        try {
            request = JibriStart.read(iq);
        } catch (IllegalArgumentException e) {
            return IQ.createErrorResponse(iq, StanzaError.getBuilder(StanzaError.Condition.bad_request)
                    .setDescriptiveEnText(e.getMessage()).build());
        }
        health.check();
        if (!health.healthy() || byConference.size() >= config.maxRecordings()
                || byConference.containsKey(request.conference())) {
            log.info("Refusing {}: {}", request, health.healthy() ? "busy" : health.problem());
            JibriIq busy = status(iq.getFrom(), request.sessionId(), JibriIq.Status.OFF);
            busy.setType(IQ.Type.result);
            busy.setStanzaId(iq.getStanzaId());
            busy.setFailureReason(health.healthy() ? JibriIq.FailureReason.BUSY : JibriIq.FailureReason.ERROR);
            busy.setShouldRetry(true);
            return busy;
        }
        RecordingSession session;
        try {
            session = RecordingSession.start(request, this, sessionSettings, finalizer, client.rtcpSsrc());
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot start {}: {}", request, e.getMessage());
            health.check();
            brewery.update(busy(), health.healthy(), false);
            return IQ.createErrorResponse(iq, StanzaError.getBuilder(StanzaError.Condition.internal_server_error)
                    .setDescriptiveEnText("the recorder cannot write: " + e.getMessage()).build());
        }
        byConference.put(request.conference(), session);
        brewery.update(busy(), health.healthy(), false);
        log.info("Accepted {} from {}", request, iq.getFrom());
        JibriIq pending = status(iq.getFrom(), request.sessionId(), JibriIq.Status.PENDING);
        pending.setType(IQ.Type.result);
        pending.setStanzaId(iq.getStanzaId());
        return pending;
    }

    private IQ stop(JibriIq iq) {
        Optional<RecordingSession> session = byConference.values().stream()
                .filter(s -> s.request().sessionId().equals(iq.getSessionId())).findFirst();
        session.ifPresent(RecordingSession::stop);
        return IQ.createResultIQ(iq);
    }

    // --- recording status, reported to the gateway ---

    @Override
    public void recording(RecordingSession session) {
        sendStatus(session, JibriIq.Status.ON, null, null);
    }

    @Override
    public void failed(RecordingSession session, String why, boolean shouldRetry) {
        sendStatus(session, JibriIq.Status.OFF, JibriIq.FailureReason.ERROR, shouldRetry);
    }

    @Override
    public void finished(RecordingSession session) {
        byConference.remove(session.request().conference(), session);
        if (session.phase() == RecordingPhase.DONE) {
            sendStatus(session, JibriIq.Status.OFF, null, null);
        } else if (!session.failureReported()) {
            // the writer failed while finishing: the gateway still waits for the final status
            sendStatus(session, JibriIq.Status.OFF, JibriIq.FailureReason.ERROR, false);
        }
        brewery.update(busy(), health.healthy(), false);
    }

    private void sendStatus(RecordingSession session, JibriIq.Status status, JibriIq.FailureReason reason, Boolean retry) {
        try {
            JibriIq iq = status(JidCreate.from(session.request().conference()), session.request().sessionId(), status);
            if (reason != null) {
                iq.setFailureReason(reason);
                iq.setShouldRetry(retry);
            }
            if (connection.isAuthenticated()) {
                connection.sendIqRequestAsync(iq);
            }
        } catch (Exception e) {
            log.warn("Cannot report status {} of {}: {}", status, session.request().sessionId(), e.toString());
        }
    }

    private static JibriIq status(Jid to, String sessionId, JibriIq.Status status) {
        JibriIq iq = new JibriIq();
        iq.setType(IQ.Type.set);
        iq.setTo(to);
        iq.setStatus(status);
        iq.setSessionId(sessionId);
        return iq;
    }

    // --- the calls ---

    private final class CallListener implements ConferenceClient.Listener {
        @Override
        public boolean acceptReceivingSession(ReceivingSession session) {
            RecordingSession recording = byConference.get(session.conference().asBareJid().toString());
            return recording != null && !recording.phase().isOver() && recording.phase() != RecordingPhase.FINALIZING;
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

    private Optional<RecordingSession> recordingOf(ReceivingSession session) {
        return Optional.ofNullable(byConference.get(session.conference().asBareJid().toString()));
    }

    // --- the stream ---

    private final class StreamListener implements ConnectionListener {
        @Override
        public void authenticated(XMPPConnection c, boolean resumed) {
            if (brewery == null || !rejoinNeeded) {
                return;
            }
            rejoinNeeded = false;
            starter.execute(() -> {
                try {
                    brewery.join(busy(), health.healthy());
                } catch (Exception e) {
                    log.warn("Cannot rejoin the brewery: {}", e.toString());
                }
            });
        }

        @Override
        public void connectionClosedOnError(Exception e) {
            log.warn("The XMPP stream dropped ({}): stopping and finalizing {} recording(s)", e.toString(),
                    byConference.size());
            lost();
        }

        @Override
        public void connectionClosed() {
            lost();
        }

        private void lost() {
            rejoinNeeded = true;
            if (brewery != null) {
                brewery.connectionLost();
            }
            byConference.values().forEach(RecordingSession::stop);
        }
    }

    private volatile boolean rejoinNeeded;

    private void poll() {
        for (RecordingSession s : byConference.values()) {
            try {
                s.poll();
            } catch (RuntimeException e) {
                log.warn("Recording {}: poll failed", s.request().sessionId(), e);
            }
        }
    }

    private void checkHealth() {
        if (health.check() && brewery != null) {
            brewery.update(busy(), health.healthy(), false);
        }
    }

    private boolean busy() {
        return byConference.size() >= config.maxRecordings();
    }

    /** Stops every recording, waits for them to be finalized (up to {@code waitMillis}), disconnects. */
    public void shutdown(long waitMillis) {
        byConference.values().forEach(RecordingSession::stop);
        long deadline = System.currentTimeMillis() + waitMillis;
        while (!byConference.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        if (client != null) {
            client.close();
        }
        if (connection != null) {
            ReconnectionManager.getInstanceFor(connection).disableAutomaticReconnection();
            connection.disconnect();
        }
        if (media != null) {
            media.close();
        }
        starter.shutdownNow();
        finalizer.shutdown();
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
