package org.chorus.media.ice;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP port that carries the media of many {@link IceSession}s, and demultiplexes what it
 * receives among them.
 *
 * <p><b>Sockets.</b> The port binds {@link IceSettings#effectiveSockets()} non-blocking channels
 * to the same address and port ({@code SO_REUSEPORT} when more than one; the kernel then spreads
 * peers over them by their address), each read by a reader thread of the {@link PortLoop}. Each
 * gets {@code SO_RCVBUF} = {@link IceSettings#receiveBufferSize()} when that is set; the kernel
 * caps it at {@code net.core.rmem_max}, and the effective size is logged once per loop.
 *
 * <p><b>Demultiplexing</b> (RFC 7983, {@link StunDemux#kind}), on the reader thread:
 * <ul>
 *   <li>a STUN binding request goes to the session whose local ufrag is the first part of its
 *       USERNAME ({@link StunDemux#localUfrag});</li>
 *   <li>any other STUN (responses), DTLS, RTP and RTCP go to the session that owns the source
 *       address. A session owns a remote address from the moment its agent sends a check to it
 *       or a success response to a check from it, unless another session owns it already (the
 *       first one keeps it: a peer cannot divert another session's traffic by signalling its
 *       address); it gives it back when it closes or fails;</li>
 *   <li>anything else, or anything from an address no session owns, is dropped and counted.</li>
 * </ul>
 *
 * <p><b>Sending</b> goes straight to a channel from the caller's thread (the channel serializes
 * concurrent sends; no lock of this class is held).
 *
 * <p>Close the port at shutdown; closing it closes every session still open on it.
 */
public final class SharedUdpPort implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedUdpPort.class);

    /** What the port received: everything, what no session owned, and what was not STUN, DTLS, RTP or RTCP. */
    public record Counters(long received, long unrouted, long malformed) {
    }

    private final IceSettings settings;
    private final PortLoop loop;
    private final boolean ownsLoop;
    private final DatagramChannel[] channels;
    private final DatagramReader[] readers;
    private final InetSocketAddress localAddress;
    private final List<InetSocketAddress> advertisedAddresses;
    private final SecureRandom random = new SecureRandom();
    private final Set<IceSession> sessions = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, IceSession> byUfrag = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetSocketAddress, IceSession> byRemote = new ConcurrentHashMap<>();
    private final AtomicInteger nextChannel = new AtomicInteger();
    private final LongAdder received = new LongAdder();
    private final LongAdder unrouted = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private volatile boolean closed;

    private SharedUdpPort(IceSettings settings, PortLoop loop, boolean ownsLoop, DatagramChannel[] channels)
            throws IOException {
        this.settings = settings;
        this.loop = loop;
        this.ownsLoop = ownsLoop;
        this.channels = channels;
        this.localAddress = (InetSocketAddress) channels[0].getLocalAddress();
        List<InetSocketAddress> advertised = new ArrayList<>(2);
        if (settings.advertisedAddress() != null) {
            advertised.add(new InetSocketAddress(settings.advertisedAddress(), localAddress.getPort()));
        }
        advertised.add(localAddress);
        this.advertisedAddresses = List.copyOf(advertised);
        this.readers = new DatagramReader[channels.length];
    }

    /**
     * Binds the port's channels and hands them to the loop's readers.
     *
     * @throws IOException when the port is in use or cannot be bound
     * @throws IllegalStateException when the loop is closed
     */
    public static SharedUdpPort open(IceSettings settings, PortLoop loop) throws IOException {
        return open(settings, loop, false);
    }

    /**
     * A port with a loop of its own (one reader), closed with the port: for a process that opens
     * one port only, and for tests.
     */
    public static SharedUdpPort open(IceSettings settings) throws IOException {
        PortLoop loop = PortLoop.open(1);
        try {
            return open(settings, loop, true);
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    private static SharedUdpPort open(IceSettings settings, PortLoop loop, boolean ownsLoop) throws IOException {
        if (loop.isClosed()) {
            throw new IllegalStateException("the ICE port loop is closed");
        }
        DatagramChannel[] channels = bind(settings);
        SharedUdpPort port;
        try {
            port = new SharedUdpPort(settings, loop, ownsLoop, channels);
            for (int i = 0; i < channels.length; i++) {
                port.readers[i] = loop.register(channels[i], port::onDatagram);
            }
        } catch (IOException | RuntimeException e) {
            closeAll(channels);
            throw e;
        }
        loop.logReceiveBufferOnce(channels[0], settings.receiveBufferSize());
        LOG.info("Media port open on {} ({} socket(s)), advertising {}", port.localAddress, channels.length,
                port.advertisedAddresses);
        return port;
    }

    private static DatagramChannel[] bind(IceSettings settings) throws IOException {
        int count = settings.effectiveSockets();
        InetAddress address = settings.bindAddress();
        int number = settings.port();
        if (count > 1) {
            number = checkPortFree(address, number);
        }
        DatagramChannel[] out = new DatagramChannel[count];
        try {
            for (int i = 0; i < count; i++) {
                DatagramChannel ch = DatagramChannel.open(address instanceof Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                out[i] = ch;
                if (count > 1) {
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                if (settings.receiveBufferSize() > 0) {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, settings.receiveBufferSize());
                }
                ch.bind(new InetSocketAddress(address, number));
                number = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                ch.configureBlocking(false);
            }
        } catch (IOException | RuntimeException e) {
            closeAll(out);
            throw e;
        }
        return out;
    }

    /**
     * Binds, without {@code SO_REUSEADDR} or {@code SO_REUSEPORT}, the port about to be used (or,
     * for 0, a free one), and returns its number. The port's own sockets share it with
     * {@code SO_REUSEPORT}, and two processes that both set it may share a UDP port silently (a
     * second gateway on the same port would take part of the traffic). A socket without the
     * options conflicts with any other binding, so this finds a port that is truly free, or fails
     * with a {@link java.net.BindException}. (Another process could still take the port between
     * this check and the bind.)
     */
    private static int checkPortFree(InetAddress address, int port) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(address, port));
            return probe.getLocalPort();
        }
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

    /** How many sockets share the port. */
    public int socketCount() {
        return channels.length;
    }

    /**
     * The addresses peers should reach this port on: the advertised address when one is
     * configured, then the bound address. Each session's {@link IceSession#localCandidates()}
     * carries them as candidates (the advertised one as server-reflexive).
     */
    public List<InetSocketAddress> advertisedAddresses() {
        return advertisedAddresses;
    }

    /** How many sessions are open on this port. */
    public int sessionCount() {
        return sessions.size();
    }

    public Counters counters() {
        return new Counters(received.sum(), unrouted.sum(), malformed.sum());
    }

    public boolean isClosed() {
        return closed;
    }

    PortLoop loop() {
        return loop;
    }

    SecureRandom random() {
        return random;
    }

    /** Picks the channel a new session sends on, spreading sessions over the sockets. */
    int nextChannel() {
        return Math.floorMod(nextChannel.getAndIncrement(), channels.length);
    }

    /** Adds a session and its local ufrag; false when the ufrag is taken (the session picks another). */
    boolean register(IceSession session) {
        if (byUfrag.putIfAbsent(session.localUfrag(), session) != null) {
            return false;
        }
        sessions.add(session);
        if (closed) { // checked after adding: close() sets the flag before it copies the set
            unregister(session);
            throw new IllegalStateException("the shared port " + localAddress + " is closed");
        }
        return true;
    }

    /** Makes {@code remote} route to {@code session} unless another session owns it; true when the session owns it. */
    boolean claim(InetSocketAddress remote, IceSession session) {
        IceSession owner = byRemote.putIfAbsent(remote, session);
        return owner == null || owner == session;
    }

    /** Gives back addresses the session owned. */
    void release(List<InetSocketAddress> remotes, IceSession session) {
        for (InetSocketAddress a : remotes) {
            byRemote.remove(a, session);
        }
    }

    /** Removes a closed session and its ufrag (it gives its addresses back itself). */
    void unregister(IceSession session) {
        sessions.remove(session);
        byUfrag.remove(session.localUfrag(), session);
    }

    /**
     * Sends one datagram on channel {@code index}. Returns false, dropping it, when the socket's
     * send buffer is full or the send fails (as UDP may lose it anyway).
     */
    boolean send(int index, byte[] buffer, int offset, int length, InetSocketAddress to) {
        try {
            return channels[index].send(ByteBuffer.wrap(buffer, offset, length), to) > 0;
        } catch (IOException | RuntimeException e) {
            LOG.trace("{}: datagram to {} not sent: {}", localAddress, to, e.toString());
            return false;
        }
    }

    /** A reader thread: routes one datagram. */
    private void onDatagram(byte[] buffer, int offset, int length, InetSocketAddress from) {
        received.increment();
        StunDemux.Kind kind = StunDemux.kind(buffer, offset, length);
        IceSession session;
        switch (kind) {
            case STUN -> {
                String ufrag = StunDemux.localUfrag(buffer, offset, length);
                session = ufrag != null ? byUfrag.get(ufrag) : byRemote.get(from);
                if (session != null) {
                    session.receiveStun(buffer, offset, length, from);
                    return;
                }
            }
            case DTLS, RTP_OR_RTCP -> {
                session = byRemote.get(from);
                if (session != null) {
                    session.receiveData(buffer, offset, length);
                    return;
                }
            }
            default -> {
                malformed.increment();
                return;
            }
        }
        unrouted.increment();
    }

    /** Closes every session still open on the port, then the port (and its loop, if it owns one). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (IceSession s : List.copyOf(sessions)) {
            s.close();
        }
        closeAll(channels);
        for (DatagramReader r : readers) {
            if (r != null) {
                r.released();
            }
        }
        if (ownsLoop) {
            loop.close();
        }
        Counters c = counters();
        LOG.info("Media port {} closed: {} datagram(s) received, {} unrouted, {} malformed", localAddress,
                c.received(), c.unrouted(), c.malformed());
    }

    private static void closeAll(DatagramChannel[] channels) {
        for (DatagramChannel ch : channels) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    LOG.debug("closing a media channel failed", e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SharedUdpPort" + localAddress;
    }
}
