package org.chorus.component;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jivesoftware.whack.ExternalComponent;
import org.jivesoftware.whack.ExternalComponentManager;
import org.xmpp.component.Component;
import org.xmpp.component.ComponentException;
import org.xmpp.component.ComponentManager;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;

/**
 * One XEP-0114 stream, from handshake to close, on top of Whack's {@link ExternalComponent}.
 *
 * <p>Whack would reconnect on its own, every 5 s, forever. Chorus owns reconnection instead (capped
 * exponential backoff in {@link ComponentConnection}), so when Whack reports a lost stream this session
 * shuts its {@code ExternalComponent} down at once, which ends Whack's own loop before it starts, and
 * reports the loss. Whack hands stanzas over on one thread per session, so their order is kept.
 */
final class WhackSession implements Component {
    interface Callbacks {
        void packet(WhackSession session, Packet packet);

        void lost(WhackSession session);
    }

    private final ExternalComponentManager manager;
    private final String domain;
    private final Callbacks callbacks;
    private final ExternalComponent stream;
    private final AtomicBoolean closed = new AtomicBoolean();

    WhackSession(String host, int port, String domain, String secret, int connectTimeoutMillis, Callbacks callbacks) {
        this.domain = domain;
        this.callbacks = callbacks;
        this.manager = new ExternalComponentManager(host, port, false);
        this.manager.setSecretKey(domain, secret);
        this.manager.setConnectTimeout(connectTimeoutMillis);
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chorus-xmpp-in");
            t.setDaemon(true);
            return t;
        });
        this.stream = new ExternalComponent(this, manager, reader);
    }

    /** Connects and authenticates; blocks for at most about the connect timeout plus the handshake. */
    void open(String host, int port) throws ComponentException {
        stream.connect(host, port, domain, false);
        stream.initialize(new JID(null, domain, null), manager);
        stream.start();
    }

    void send(Packet packet) {
        if (!closed.get()) {
            stream.send(packet);
        }
    }

    /** Closes the stream on purpose ({@code </stream:stream>}, then the socket). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                stream.shutdown();
            } catch (RuntimeException e) {
                // a stream that never connected has nothing to close
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    // --- org.xmpp.component.Component, called by Whack ---

    @Override
    public String getName() {
        return "Chorus";
    }

    @Override
    public String getDescription() {
        return "Chorus group-call gateway";
    }

    @Override
    public void processPacket(Packet packet) {
        if (!closed.get()) {
            callbacks.packet(this, packet);
        }
    }

    @Override
    public void initialize(JID jid, ComponentManager componentManager) {
        // nothing to prepare: the gateway is wired before the stream opens
    }

    @Override
    public void start() {
        // stanzas start flowing through processPacket
    }

    /**
     * Whack calls this when it shuts the component down: either because {@link #close()} asked it to,
     * or because the stream was lost. In the second case, end Whack's stream object now so that its
     * own reconnect loop never runs, and report the loss.
     */
    @Override
    public void shutdown() {
        if (closed.compareAndSet(false, true)) {
            stream.shutdown();
            callbacks.lost(this);
        }
    }
}
