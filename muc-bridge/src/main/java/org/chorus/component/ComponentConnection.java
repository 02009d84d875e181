package org.chorus.component;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.component.ComponentException;
import org.xmpp.packet.Packet;

/**
 * The gateway's XEP-0114 connection: the first connect, reconnects with capped exponential backoff,
 * and an orderly close. Listener callbacks and stanzas are delivered on the signalling executor.
 * Connect attempts run on a thread of their own, so a slow server never stalls signalling, and
 * a failed attempt always waits its backoff delay, so the loop never busy-spins.
 */
public final class ComponentConnection implements StanzaSink, ComponentStream.Callbacks {
    private static final Logger log = LoggerFactory.getLogger(ComponentConnection.class);

    /** Where and how to connect. */
    public record Settings(String host, int port, String domain, String secret, Duration connectTimeout, Backoff backoff) {
        public Settings {
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Settings[" + host + ":" + port + ", domain=" + domain + ", secret=<redacted>]";
        }
    }

    private final Settings settings;
    /** Stanzas handed to the signalling thread and not yet taken up by it. */
    static final int MAX_STANZAS_IN_FLIGHT = 1024;

    private final ScheduledExecutorService signalling;
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_STANZAS_IN_FLIGHT);
    private final ConnectionListener listener;
    private final ScheduledThreadPoolExecutor connector;

    private final Object lock = new Object();
    private ConnectionState state = ConnectionState.NEW;
    private volatile ComponentStream session;
    private ScheduledFuture<?> pendingAttempt;
    private int failedAttempts;
    private final AtomicLong reconnectAttempts = new AtomicLong();

    public ComponentConnection(Settings settings, ScheduledExecutorService signalling, ConnectionListener listener) {
        this.settings = settings;
        this.signalling = signalling;
        this.listener = listener;
        this.connector = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "chorus-xmpp-connect");
            t.setDaemon(true);
            return t;
        });
        this.connector.setRemoveOnCancelPolicy(true);
    }

    /** How many reconnect attempts were made since start, successful or not. */
    public long reconnectAttempts() {
        return reconnectAttempts.get();
    }

    public ConnectionState state() {
        synchronized (lock) {
            return state;
        }
    }

    /**
     * The first connect. It does not retry: a wrong secret or an unreachable server at start-up is an
     * operator error, reported at once.
     */
    public void connect() throws ConnectFailure {
        moveTo(ConnectionState.CONNECTING);
        try {
            ComponentStream s = openSession();
            synchronized (lock) {
                if (state == ConnectionState.STOPPED) {
                    s.close();
                    return;
                }
                session = s;
                moveTo(ConnectionState.CONNECTED);
            }
        } catch (ConnectFailure e) {
            synchronized (lock) {
                if (state != ConnectionState.STOPPED) {
                    moveTo(ConnectionState.STOPPED);
                }
            }
            connector.shutdownNow();
            throw e;
        }
        log.info("Connected to {}:{} as component {}", settings.host(), settings.port(), settings.domain());
        signalling.execute(() -> listener.onConnected(false));
    }

    @Override
    public void send(Packet packet) {
        ComponentStream s = session;
        if (s == null || s.isClosed()) {
            log.debug("Stream down; dropped {} to {}", packet.getElement().getName(), packet.getTo());
            return;
        }
        s.send(packet);
    }

    /** Closes the stream and stops reconnecting. Call it after sending any farewell stanzas. */
    public void stop() {
        ComponentStream s;
        synchronized (lock) {
            if (state == ConnectionState.STOPPED) {
                return;
            }
            moveTo(ConnectionState.STOPPED);
            if (pendingAttempt != null) {
                pendingAttempt.cancel(false);
            }
            s = session;
            session = null;
        }
        if (s != null) {
            s.close();
        }
        connector.shutdownNow();
        log.info("Component stream closed");
    }

    // --- ComponentStream.Callbacks, called on the stream's reader thread ---

    @Override
    public void packet(ComponentStream from, Packet packet) {
        // at most one session is open at a time; a session that is still handshaking may deliver too
        if (from.isClosed()) {
            return;
        }
        // a bounded hand-over: when signalling falls behind, the reader stops reading, and the server
        // holds (or, past its own limits, refuses) what comes next, instead of the queue growing
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            signalling.execute(() -> {
                inFlight.release();
                listener.onPacket(packet);
            });
        } catch (RuntimeException e) {
            inFlight.release(); // the executor is shut down: the stanza is dropped with it
        }
    }

    @Override
    public void lost(ComponentStream from, String why) {
        synchronized (lock) {
            if (from != session || state != ConnectionState.CONNECTED) {
                return;
            }
            session = null;
            moveTo(ConnectionState.BACKING_OFF);
            failedAttempts = 0;
            scheduleAttempt();
        }
        log.warn("Lost the stream to {}:{} ({}); reconnecting", settings.host(), settings.port(), why);
        signalling.execute(listener::onDisconnected);
    }

    // --- reconnecting ---

    private void scheduleAttempt() {
        Duration delay = settings.backoff().delay(failedAttempts);
        pendingAttempt = connector.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        log.debug("Next connect attempt in {} ms", delay.toMillis());
    }

    private void attempt() {
        synchronized (lock) {
            if (state != ConnectionState.BACKING_OFF) {
                return;
            }
            moveTo(ConnectionState.CONNECTING);
        }
        reconnectAttempts.incrementAndGet();
        ComponentStream s;
        try {
            s = openSession();
        } catch (ConnectFailure e) {
            synchronized (lock) {
                if (state == ConnectionState.STOPPED) {
                    return;
                }
                failedAttempts++;
                moveTo(ConnectionState.BACKING_OFF);
                scheduleAttempt();
            }
            log.warn("Reconnect attempt {} failed: {}", failedAttempts, e.getMessage());
            return;
        }
        synchronized (lock) {
            if (state == ConnectionState.STOPPED) {
                s.close();
                return;
            }
            session = s;
            moveTo(ConnectionState.CONNECTED);
        }
        log.info("Reconnected to {}:{} as component {}", settings.host(), settings.port(), settings.domain());
        signalling.execute(() -> listener.onConnected(true));
    }

    private ComponentStream openSession() throws ConnectFailure {
        ComponentStream s = new ComponentStream(settings.domain(), settings.secret(),
                (int) settings.connectTimeout().toMillis(), connector, this);
        try {
            s.open(settings.host(), settings.port());
            return s;
        } catch (ComponentException | RuntimeException e) {
            s.close();
            throw ConnectFailure.classify(settings.host(), settings.port(), settings.domain(), e);
        }
    }

    private void moveTo(ConnectionState target) {
        synchronized (lock) {
            if (!state.canMoveTo(target)) {
                throw new IllegalStateException("connection cannot go from " + state + " to " + target);
            }
            state = target;
        }
    }
}
