package org.chorus.recorder;

import java.net.InetAddress;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.media.ice.IceSettings;
import org.chorus.recording.session.FinalizeScript;
import org.chorus.recording.session.RecordingSession;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jitsi.xmpp.extensions.jibri.JibriIqProvider;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder process: an XMPP client in the brewery that takes Jibri {@code start}/{@code stop}
 * requests from the gateways it trusts, receives the call with the client-role media stack like a
 * receive-only participant, and records it. This class owns the connection and wires the parts:
 * {@link XmppApi} translates the Jibri protocol, {@link JibriManager} runs the recordings, and
 * {@link RecorderPolicy} holds the trust and admission rules. When its stream drops, its recordings
 * stop and are finalized; it reconnects and rejoins the brewery.
 */
public final class RecorderService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecorderService.class);

    private final RecorderConfig config;
    private final Health health;
    private final RecorderPolicy policy;
    private final RecordingSession.Settings sessionSettings;
    private AbstractXMPPConnection connection;
    private ClientMedia media;
    private ConferenceClient client;
    private BreweryMembership brewery;
    private JibriManager manager;
    private volatile boolean rejoinNeeded;

    /** Why the recorder could not start, in one line. */
    public static final class StartFailure extends Exception {
        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public RecorderService(RecorderConfig config) {
        this.config = config;
        this.health = new Health(config.recordingsDir(), config.minFreeSpace());
        this.policy = new RecorderPolicy(config.acceptFrom(), config.maxRecordings());
        this.sessionSettings = new RecordingSession.Settings(config.recordingsDir(),
                config.writerMaxHeap(),
                new FinalizeScript(config.finalizeScript(), config.finalizeTimeout()), config.gatewayTimeout());
    }

    /**
     * Connects and logs in, then looks for the brewery and joins it once it exists; throws when the
     * first connection fails (a missing brewery does not stop the recorder).
     */
    public void start() throws Exception {
        log.info("Starting {}", config);
        if (!policy.acceptsAnyone()) {
            log.warn("accept-from is empty: every Jibri request is refused until it names the gateways' domains"
                    + " or bare JIDs");
        }
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
        brewery = new BreweryMembership(connection, config.brewery(), config.nick(),
                java.time.Duration.ofSeconds(Math.max(1, config.reconnectDelay().toSeconds())));
        XmppApi api = new XmppApi(connection, policy, brewery, health);
        manager = new JibriManager(policy, health, sessionSettings, api, () -> client.rtcpSsrc());
        client = new ConferenceClient(connection, media, manager.calls());
        api.serve(manager);
        connection.addConnectionListener(new StreamListener());
        ReconnectionManager reconnect = ReconnectionManager.getInstanceFor(connection);
        reconnect.setReconnectionPolicy(ReconnectionManager.ReconnectionPolicy.FIXED_DELAY);
        reconnect.setFixedDelay((int) Math.max(1, config.reconnectDelay().toSeconds()));
        reconnect.enableAutomaticReconnection();
        try {
            connection.connect().login();
        } catch (Exception e) {
            throw new StartFailure("cannot connect to " + config.host() + ":" + config.port() + " as "
                    + config.username() + "@" + config.domain() + ": " + e.getMessage(), e);
        }
        brewery.join(manager.busy(), health.healthy());
        manager.startPolling();
    }

    public boolean isConnected() {
        return connection != null && connection.isAuthenticated();
    }

    /** Recordings in progress (including those still finalizing). */
    public int activeRecordings() {
        return manager == null ? 0 : manager.size();
    }

    // --- the stream ---

    private final class StreamListener implements ConnectionListener {
        @Override
        public void authenticated(XMPPConnection c, boolean resumed) {
            if (brewery == null || !rejoinNeeded) {
                return;
            }
            rejoinNeeded = false;
            brewery.join(manager.busy(), health.healthy());
        }

        @Override
        public void connectionClosedOnError(Exception e) {
            log.warn("The XMPP stream dropped ({}): stopping and finalizing {} recording(s)", e.toString(),
                    manager.size());
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
            manager.stopAll();
        }
    }

    /** Stops every recording, waits for them to be finalized (up to {@code waitMillis}), disconnects. */
    public void shutdown(long waitMillis) {
        if (manager != null) {
            manager.stopAll();
            manager.close(waitMillis);
        }
        close();
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close(0);
        }
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
        if (brewery != null) {
            brewery.close();
        }
    }
}
