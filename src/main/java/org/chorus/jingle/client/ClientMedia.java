package org.chorus.jingle.client;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.chorus.media.LegResources;
import org.chorus.media.dtls.DtlsCertificate;
import org.chorus.media.dtls.DtlsWorkers;
import org.chorus.media.ice.IceSettings;
import org.chorus.media.ice.PortLoop;
import org.chorus.media.ice.SharedUdpPort;
import org.chorus.media.rtp.BufferPool;
import org.chorus.media.srtp.SrtpStartup;

/**
 * The media resources of a client process, created once and shared by every
 * {@link ConferenceClient} of the process: the ICE settings, the {@link PortLoop} that reads and
 * times every session port (two reader threads, one timer thread, one event thread, however many
 * sessions there are), one DTLS certificate, the pool of workers every session's DTLS handshake
 * runs on, and a pool of packet buffers (with SRTP tailroom)
 * for what clients send.
 *
 * <h2>One UDP port per session</h2>
 * Unlike the gateway, a client opens a {@link SharedUdpPort} of its own (an ephemeral port on the
 * settings' address, one socket) for every Jingle session, and closes it with the session. A shared
 * port routes datagrams to sessions by the peer's address once a check has passed, so one remote
 * address can belong to only one session of a port. A client's sessions all talk to the same peer,
 * the gateway's single media port: its sending session and every forwarding session, and those of
 * the other clients of the process. On one port they would steal each other's traffic. One port per
 * session is also what a browser does (one per peer connection).
 *
 * <h2>Start-up</h2>
 * {@link #open} starts the loop, checks that a port can be bound, initialises SRTP and generates
 * the certificate, so that the first call pays none of it.
 *
 * <p>Thread-safe. {@link #close()} closes the ports still open, the loop and the DTLS workers;
 * close the clients first.
 */
public final class ClientMedia implements LegResources, AutoCloseable {

    /** Buffers kept in the pool; more are allocated when needed and dropped when released. */
    static final int POOLED_BUFFERS = 256;
    /** Reader threads of the loop, shared by every session port of the process. */
    static final int READERS = 2;

    private final IceSettings settings;
    private final PortLoop loop;
    private final DtlsCertificate certificate;
    private final BufferPool buffers;
    private final DtlsWorkers dtlsWorkers;
    private final Set<SharedUdpPort> ports = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ClientMedia(IceSettings settings, PortLoop loop, DtlsCertificate certificate, BufferPool buffers) {
        this.settings = settings;
        this.loop = loop;
        this.certificate = certificate;
        this.buffers = buffers;
        this.dtlsWorkers = new DtlsWorkers("chorus-client-dtls");
    }

    /**
     * Prepares the media plane of a client process.
     *
     * @param settings the ICE settings; the port and the socket count are ignored (every session
     *     gets an ephemeral port with one socket)
     * @throws IOException when no UDP port can be bound on the settings' address
     */
    public static ClientMedia open(IceSettings settings) throws IOException {
        Objects.requireNonNull(settings, "settings");
        IceSettings ephemeral = settings.toBuilder().port(0).sockets(1).build();
        PortLoop loop = PortLoop.open(READERS);
        try {
            SharedUdpPort.open(ephemeral, loop).close(); // fails now if the address cannot be bound
            SrtpStartup.initialize();
            BufferPool pool = new BufferPool(POOLED_BUFFERS);
            pool.prewarm(16);
            return new ClientMedia(ephemeral, loop, DtlsCertificate.generate(), pool);
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    /** {@link #open} with {@link IceSettings#loopback()}: 127.0.0.1, for tests. */
    public static ClientMedia loopback() throws IOException {
        return open(IceSettings.loopback());
    }

    public IceSettings settings() {
        return settings;
    }

    @Override
    public IceSettings iceSettings() {
        return settings;
    }

    /** The certificate every session of the process presents in DTLS. */
    @Override
    public DtlsCertificate certificate() {
        return certificate;
    }

    /** The threads every session's DTLS handshake runs on. */
    @Override
    public DtlsWorkers dtlsWorkers() {
        return dtlsWorkers;
    }

    /** Buffers of {@link org.chorus.media.rtp.PacketBuffer#CAPACITY} bytes, with room for SRTP after any packet. */
    public BufferPool buffers() {
        return buffers;
    }

    /** How many session ports are open. */
    public int openPortCount() {
        return ports.size();
    }

    public boolean isClosed() {
        return closed;
    }

    /** A new ephemeral port for one session; give it back with {@link #releasePort}. */
    @Override
    public SharedUdpPort openPort() throws IOException {
        if (closed) {
            throw new IllegalStateException("the client media is closed");
        }
        SharedUdpPort port = SharedUdpPort.open(settings, loop);
        ports.add(port);
        if (closed) { // checked after adding: close() sets the flag before it copies the set
            closePort(port);
            throw new IllegalStateException("the client media is closed");
        }
        return port;
    }

    /** Closes a session's port: a client's ports are each a session's own. */
    @Override
    public void releasePort(SharedUdpPort port) {
        closePort(port);
    }

    /** Closes a session's port (and any session still open on it). Idempotent. */
    void closePort(SharedUdpPort port) {
        if (port != null) {
            ports.remove(port);
            port.close();
        }
    }

    /** Closes every port still open, then the loop. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (SharedUdpPort port : List.copyOf(ports)) {
            closePort(port);
        }
        loop.close();
        dtlsWorkers.close();
    }

    @Override
    public String toString() {
        return "ClientMedia[" + settings.bindAddress().getHostAddress() + ", " + ports.size() + " port(s), "
                + certificate.fingerprint() + "]";
    }
}
