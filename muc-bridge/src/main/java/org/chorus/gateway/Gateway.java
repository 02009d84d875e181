package org.chorus.gateway;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.chorus.component.ComponentConnection;
import org.chorus.component.ConnectFailure;
import org.chorus.component.ConnectionListener;
import org.chorus.component.ConnectionState;
import org.chorus.component.IqTracker;
import org.chorus.conference.ActiveCalls;
import org.chorus.conference.Call;
import org.chorus.conference.CallAuthorizer;
import org.chorus.conference.CallListener;
import org.chorus.conference.CallManager;
import org.chorus.conference.EndReason;
import org.chorus.conference.ConferenceJids;
import org.chorus.conference.JingleIqHandler;
import org.chorus.command.AdHocCommands;
import org.chorus.disco.CommandCatalog;
import org.chorus.recording.Brewery;
import org.chorus.recording.StreamHosts;
import org.chorus.recording.JibriIqHandler;
import org.chorus.recording.RecordCommand;
import org.chorus.recording.RecorderPool;
import org.chorus.recording.RecordingManager;
import org.chorus.disco.DiscoInfoHandler;
import org.chorus.disco.DiscoItemsHandler;
import org.chorus.disco.PingVersionHandlers;
import org.chorus.jingle.CallLimits;
import org.chorus.jingle.ConferenceSessions;
import org.chorus.jingle.Negotiation;
import org.chorus.media.MediaPlane;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.muc.RoomAdmission;
import org.chorus.muc.RoomEvents;
import org.chorus.xmpp.Stanzas;
import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError;
import org.chorus.muc.RoomRegistry;
import org.chorus.xmpp.Namespaces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/** The gateway process: wires the stream, the rooms and the handlers, and runs them until stopped. */
public final class Gateway implements ConnectionListener {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final ScheduledExecutorService signalling;
    private final ComponentConnection connection;
    private final IqTracker tracker;
    private final RoomRegistry rooms;
    private final StanzaRouter router;
    private final List<JID> configuredRooms;
    private final CallManager callManager;
    private final SessionsGate sessionsGate;
    private final RecordingManager recordings;
    private final Brewery brewery;
    private final StreamHosts streamHosts;
    private MediaPlane media;
    private ConferenceSessions sessions;

    public Gateway(GatewayConfig config) {
        this.config = config;
        this.signalling = SignallingThread.create();
        ConferenceJids jids = new ConferenceJids(config.domain(), config.mucService());
        this.connection = new ComponentConnection(
                new ComponentConnection.Settings(config.host(), config.port(), config.domain(), config.secret(),
                        config.connectTimeout(), config.reconnect()),
                signalling, this);
        this.tracker = new IqTracker(connection, signalling, config.requestTimeout());
        RoomEvents roomEvents = new RoomEvents();
        this.rooms = new RoomRegistry(jids, connection, tracker, signalling, config.nick(), config.missingRoomRetry(),
                roomEvents);
        this.configuredRooms = config.rooms().stream().map(rooms::parseConfiguredRoom).toList();
        ActiveCalls calls = new ActiveCalls();
        this.callManager = new CallManager(rooms, calls, signalling, Clock.systemUTC(), config.noShowTimeout());
        callManager.rejoinGrace(config.rejoinGrace());
        callManager.leaveDebounce(config.leaveDebounce());
        roomEvents.add(callManager);
        GatewayConfig.Limits limits = config.limits();
        rooms.admission(new RoomAdmission(config.mucService(), new RoomAdmission.Settings(limits.allowedServices(),
                limits.onDemandRooms(), limits.onDemandRoomsPerUser(), limits.onDemandIdle(), config.requestTimeout()),
                room -> callManager.activeCall(room).isPresent(), Clock.systemUTC()));
        this.sessionsGate = new SessionsGate();
        CommandCatalog commands = new CommandCatalog();
        RecorderPool recorders = new RecorderPool();
        GatewayConfig.Recording rec = config.recording();
        boolean trusted = !rec.recorders().isEmpty();
        this.recordings = new RecordingManager(recorders, tracker, rooms, callManager, new RecorderCallsGate(),
                signalling, new RecordingManager.Settings(rec.pendingTimeout(), rec.maxAttempts(), rec.stopTimeout(),
                        trusted));
        callManager.addListener(recordings);
        if (rec.brewery() != null && !trusted) {
            log.warn("Recording is refused: {} (name the recorders' domains or bare JIDs)", RecordingManager.NOT_SET_UP);
        }
        this.brewery = rec.brewery() == null || !trusted ? null
                : new Brewery(new JID(rec.brewery()), config.nick(), new JID(null, config.domain(), "brewery"),
                        connection, tracker::request, recorders, recordings::recorderGone, signalling,
                        config.missingRoomRetry(), java.util.Set.copyOf(rec.recorders()));
        this.streamHosts = StreamHosts.of(rec.streamHosts(), signalling);
        AdHocCommands adHoc = new AdHocCommands(jids, rooms, commands)
                .register(new RecordCommand(recordings, rec.defaultLayout(), streamHosts));
        this.router = new StanzaRouter(connection, tracker, rooms)
                .otherPresence(p -> brewery != null && brewery.onPresence(p))
                .handle(Namespaces.COMMANDS, adHoc)
                .handle(Namespaces.JIBRI, new JibriIqHandler(jids, rooms, recordings, rec.defaultLayout(), streamHosts))
                .handle(Namespaces.DISCO_INFO, new DiscoInfoHandler(jids, rooms, calls))
                .handle(Namespaces.DISCO_ITEMS, new DiscoItemsHandler(jids, rooms, calls, commands))
                .handle(Namespaces.PING, PingVersionHandlers.ping())
                .handle(Namespaces.VERSION, PingVersionHandlers.version())
                .handle(Namespaces.JINGLE, new JingleIqHandler(jids, rooms, new CallAuthorizer(), sessionsGate));
    }

    /** Connects and binds the configured rooms. Throws when the first connect fails. */
    public void start() throws ConnectFailure, IOException {
        log.info("Starting {}", config);
        media = MediaPlane.open(new MediaPlane.Settings(config.iceSettings(), config.rembBitrate(), config.mediaTimeout(),
                config.forwardingThreads()));
        sessions = new ConferenceSessions(media, Negotiation.withDefaults(), callManager, tracker, signalling,
                new ConferenceSessions.Limits(new CallLimits(config.maxParticipants(), config.limits().callsPerUser(),
                        config.limits().sessionsPerJid()), config.mediaTimeout(), config.rembBitrate()),
                new CallAuthorizer());
        callManager.addListener(sessions);
        MediaPlane plane = media;
        callManager.addListener(new CallListener() {
            @Override
            public void callEnded(Call call, EndReason reason) {
                plane.logCounters("the call in " + call.room().jid() + " ended");
            }
        });
        runOnSignalling(() -> {
            sessionsGate.open(sessions);
            rooms.bindConfigured(configuredRooms);
        });
        signalling.scheduleWithFixedDelay(sessions::tick, 1, 1, TimeUnit.SECONDS);
        // rooms bound on demand are looked at a few times per idle period (at most every 30 s)
        long sweepMillis = Math.max(1000, Math.min(30_000, config.limits().onDemandIdle().toMillis() / 4));
        signalling.scheduleWithFixedDelay(rooms::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        connection.connect();
    }

    /** The UDP port that carries media, once started. */
    public int mediaPort() {
        return media == null ? -1 : media.port().port();
    }

    /** Leaves every room with unavailable presence, then closes the stream. */
    public void stop() {
        if (connection.state() == ConnectionState.STOPPED) {
            shutdownSignalling();
            streamHosts.close();
            return;
        }
        log.info("Stopping: leaving rooms and closing the stream");
        runOnSignalling(() -> {
            recordings.stopAll();
            callManager.endAll(EndReason.SHUTDOWN);
            if (brewery != null) {
                brewery.leave();
            }
            rooms.leaveAll();
        });
        connection.stop();
        shutdownSignalling();
        streamHosts.close();
        if (media != null) {
            media.close();
        }
    }

    /** The signalling executor, for tests that need to hold it still. */
    ScheduledExecutorService signalling() {
        return signalling;
    }

    public ConnectionState connectionState() {
        return connection.state();
    }

    public long reconnectAttempts() {
        return connection.reconnectAttempts();
    }

    // --- ConnectionListener, on the signalling thread ---

    @Override
    public void onConnected(boolean reconnected) {
        callManager.streamBack();
        rooms.onConnected();
        if (brewery != null) {
            brewery.join();
        }
    }

    @Override
    public void onDisconnected() {
        callManager.streamLost();
        rooms.onDisconnected();
        tracker.failAll(new IllegalStateException("the XMPP stream dropped"));
    }

    @Override
    public void onPacket(Packet packet) {
        router.route(packet);
    }

    /** Recorders reach the media plane once it is open. */
    private final class RecorderCallsGate implements RecordingManager.RecorderCalls {
        @Override
        public void addRecorder(Room room, JID recorder) {
            if (sessions != null) {
                sessions.addRecorder(room, recorder);
            }
        }

        @Override
        public void removeRecorder(Room room, JID recorder) {
            if (sessions != null) {
                sessions.removeRecorder(room, recorder);
            }
        }
    }

    /** Until the media plane is open, calls are answered as if the gateway could not take them. */
    private static final class SessionsGate implements JingleIqHandler.Sessions {
        private ConferenceSessions target;

        void open(ConferenceSessions sessions) {
            target = sessions;
        }

        @Override
        public IQ initiate(IQ iq, Room room, Occupant caller) {
            return target == null ? Stanzas.error(iq, PacketError.Condition.service_unavailable, "media is not ready")
                    : target.initiate(iq, room, caller);
        }

        @Override
        public Optional<IQ> onSessionIq(IQ iq) {
            return target == null ? Optional.empty() : target.onSessionIq(iq);
        }
    }

    private void runOnSignalling(Runnable task) {
        try {
            signalling.submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.error("Signalling task failed", e);
        }
    }

    private void shutdownSignalling() {
        signalling.shutdown();
        try {
            signalling.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
