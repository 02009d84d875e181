package org.chorus.media.ice;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP port that carries every session's media: an ice4j {@code SinglePortUdpHarvester}
 * bound to {@link IceSettings#bindAddress()} and {@link IceSettings#port()}, added to the agent of
 * every {@link IceSession} opened on it.
 *
 * <p>The harvester is constructed by hand, because {@code SinglePortUdpHarvester.createHarvesters}
 * filters out loopback addresses (and tests and the demo run on loopback). It routes a first STUN
 * request by the local ufrag in its USERNAME, and every later datagram by its source address; it
 * is a {@link SharedHarvester}, which also lets a session check a peer before the peer has sent
 * anything. One remote address and port can therefore belong to one session of the port at a
 * time.
 *
 * <p><b>Receiving.</b> One ice4j thread reads the port and hands each non-STUN datagram to its
 * session, through the push API, on that same thread. Every session of the port shares it, so
 * receivers must never block (see {@link IceSession#setReceiver}).
 *
 * <p><b>Sending, and the JDK's send lock.</b> {@code component.send} ends in ice4j's
 * {@code SocketPool.send}. ice4j binds not one but a pool of sockets to the same address and port
 * ({@code SO_REUSEADDR}; the last one bound is the receive socket) and picks, under a short
 * {@code synchronized} section, the socket with the fewest sends in flight. On JDK 17 a
 * {@code DatagramSocket} is an adaptor over a {@code DatagramChannel}: {@code send} copies the
 * payload into a per-thread direct buffer, then holds the channel's write lock (a
 * {@code ReentrantLock}) for the {@code sendto} system call. So sends serialize per socket, not
 * per port: up to pool-size sends (by default as many as there are processors) run at once, each
 * holding its lock for one system call (a few microseconds). That is ample for an SFU whose
 * forwarding runs on about as many threads as there are processors; should profiling ever show
 * contention, {@link IceSettings#sendSocketPoolSize()} raises the pool (ice4j key
 * {@code ice4j.harvest.udp.socket-pool-size}). Nothing else is done about it: ice4j exposes no
 * channel of its own to send on.
 *
 * <p>Close the port at shutdown; closing it closes every session still open on it.
 */
public final class SharedUdpPort implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedUdpPort.class);

    private static final Object WARM_UP_LOCK = new Object();
    private static boolean warmedUp;

    private final IceSettings settings;
    private final SharedHarvester harvester;
    private final InetSocketAddress localAddress;
    private final Set<IceSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SharedUdpPort(IceSettings settings, SharedHarvester harvester) {
        this.settings = settings;
        this.harvester = harvester;
        TransportAddress bound = harvester.getLocalAddress();
        this.localAddress = new InetSocketAddress(bound.getAddress(), bound.getPort());
    }

    /**
     * Applies the JVM-wide settings ({@link IceSettings#applyBeforeIce4jLoads}), binds the port,
     * and, once per JVM, creates and frees a throwaway agent so that ice4j's one-off start-up cost
     * (about half a second) is paid here rather than by the first call.
     *
     * @throws IOException when the port cannot be bound
     * @throws IllegalStateException when ice4j was configured differently or too late
     */
    public static SharedUdpPort open(IceSettings settings) throws IOException {
        IceSettings.applyBeforeIce4jLoads(settings);
        AbstractUdpListener.USE_PUSH_API = true; // read when the harvester's thread starts
        int number = checkPortFree(settings.bindAddress(), settings.port());
        SharedHarvester harvester = new SharedHarvester(
                new TransportAddress(settings.bindAddress(), number, Transport.UDP));
        SharedUdpPort port = new SharedUdpPort(settings, harvester);
        warmUp();
        LOG.info("Shared media port open on {}, advertising {}", port.localAddress, port.advertisedAddresses());
        return port;
    }

    /**
     * Binds, without {@code SO_REUSEADDR}, the port about to be used (or, for 0, a free one), and
     * returns its number. ice4j binds its socket pool with {@code SO_REUSEADDR}, and on Linux two
     * sockets that both set it may share a UDP port silently: a second gateway on the same port
     * would take the traffic (unicast goes to one socket only), and two ephemeral binds can even
     * land on the same port. A socket without the option conflicts with any other binding, so this
     * finds a port that is truly free, or fails with a {@link java.net.BindException}. (Another
     * process could still take the port between this check and ice4j's bind.)
     */
    private static int checkPortFree(InetAddress address, int port) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(address, port));
            return probe.getLocalPort();
        }
    }

    private static void warmUp() {
        synchronized (WARM_UP_LOCK) {
            if (warmedUp) {
                return;
            }
            warmedUp = true;
        }
        Agent agent = new Agent();
        agent.free();
    }

    public IceSettings settings() {
        return settings;
    }

    /** The bound address and the actual port (an ephemeral one when the settings said 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The actual port. */
    public int port() {
        return localAddress.getPort();
    }

    /**
     * The addresses peers should reach this port on: the advertised address when one is
     * configured, then the bound address. Each session's {@link IceSession#localCandidates()}
     * carries them as candidates (the advertised one as server-reflexive).
     */
    public List<InetSocketAddress> advertisedAddresses() {
        List<InetSocketAddress> out = new ArrayList<>(2);
        InetAddress advertised = settings.advertisedAddress();
        if (advertised != null) {
            out.add(new InetSocketAddress(advertised, port()));
        }
        out.add(localAddress);
        return List.copyOf(out);
    }

    /** How many sessions are open on this port. */
    public int sessionCount() {
        return sessions.size();
    }

    public boolean isClosed() {
        return closed;
    }

    SharedHarvester harvester() {
        return harvester;
    }

    void register(IceSession session) {
        sessions.add(session);
        if (closed) { // checked after adding: close() sets the flag before it copies the set
            sessions.remove(session);
            throw new IllegalStateException("the shared port " + localAddress + " is closed");
        }
    }

    void unregister(IceSession session) {
        sessions.remove(session);
    }

    /** Closes every session still open on the port, then the port. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (IceSession s : List.copyOf(sessions)) {
            s.close();
        }
        harvester.close();
        LOG.info("Shared media port {} closed", localAddress);
    }

    @Override
    public String toString() {
        return "SharedUdpPort" + localAddress;
    }
}
