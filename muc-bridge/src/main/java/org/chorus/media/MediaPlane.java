package org.chorus.media;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.chorus.media.dtls.DtlsCertificate;
import org.chorus.media.dtls.DtlsWorkers;
import org.chorus.media.ice.IceSettings;
import org.chorus.media.ice.PortLoop;
import org.chorus.media.ice.SharedUdpPort;
import org.chorus.media.rtp.BufferPool;
import org.chorus.media.srtp.SrtpStartup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every media leg of the gateway shares: the one UDP port (its sockets, and the
 * {@link PortLoop} whose fixed threads read it and run every leg's ICE timers), the DTLS
 * certificate and the pool of DTLS handshake workers, the packet pool, the forwarding threads
 * ({@link SenderWorkers}), and the SSRC the gateway sends its own RTCP from. The one-off costs (the
 * certificate, the SRTP warm-up) are paid here, at
 * start, not on the first call.
 */
public final class MediaPlane implements LegResources, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaPlane.class);

    /**
     * Media settings of the gateway.
     *
     * @param forwardingThreads the forwarding shards ({@code chorus.media.forwarding-threads}); 0 means
     *     one per available processor
     */
    public record Settings(IceSettings ice, long rembBitrate, Duration mediaTimeout, int forwardingThreads) {
        public Settings {
            if (forwardingThreads < 0) {
                throw new IllegalArgumentException("forwardingThreads must be >= 0: " + forwardingThreads);
            }
        }

        /** With one forwarding thread per processor. */
        public Settings(IceSettings ice, long rembBitrate, Duration mediaTimeout) {
            this(ice, rembBitrate, mediaTimeout, 0);
        }
    }

    /**
     * What the media plane dropped so far.
     *
     * @param shardDrops per forwarding shard, packets dropped because its queue was full
     * @param kernelDrops datagrams the kernel dropped for the media port's sockets (full receive
     *     buffers), or {@link KernelDrops#UNKNOWN}
     */
    public record Counters(List<Long> shardDrops, long kernelDrops) {
        public Counters {
            shardDrops = List.copyOf(shardDrops);
        }

        /** Every shard's drops together. */
        public long forwardingDrops() {
            return shardDrops.stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Settings settings;
    private final PortLoop loop;
    private final SharedUdpPort port;
    private final DtlsCertificate certificate;
    private final DtlsWorkers dtlsWorkers;
    private final BufferPool pool;
    private final SenderWorkers forwarding;
    private final KernelDrops kernelDrops;
    private final MediaPlaneBean bean;
    private final int rtcpSsrc;

    private MediaPlane(Settings settings, PortLoop loop, SharedUdpPort port, DtlsCertificate certificate) {
        this.settings = settings;
        this.loop = loop;
        this.port = port;
        this.certificate = certificate;
        this.dtlsWorkers = new DtlsWorkers("chorus-dtls");
        this.pool = new BufferPool(4096);
        this.pool.prewarm(256);
        this.forwarding = new SenderWorkers(settings.forwardingThreads(), SenderWorkers.DEFAULT_QUEUE_CAPACITY);
        this.kernelDrops = new KernelDrops(port.port());
        this.bean = new MediaPlaneBean(this);
        this.rtcpSsrc = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    }

    public static MediaPlane open(Settings settings) throws IOException {
        long start = System.nanoTime();
        // One reader per socket: the kernel spreads peers over the sockets, each read on its own thread.
        PortLoop loop = PortLoop.open(settings.ice().effectiveSockets());
        try {
            SharedUdpPort port = SharedUdpPort.open(settings.ice(), loop);
            DtlsCertificate certificate = DtlsCertificate.generate();
            SrtpStartup.Backend backend = SrtpStartup.initialize();
            MediaPlane plane = new MediaPlane(settings, loop, port, certificate);
            plane.bean.register();
            log.info("Media plane ready on UDP {} ({} socket(s), {} forwarding threads) in {} ms (SRTP backend {}, "
                    + "DTLS fingerprint sha-256 {})", port.localAddress(), port.socketCount(), plane.forwarding.size(),
                    Duration.ofNanos(System.nanoTime() - start).toMillis(), backend, certificate.fingerprint());
            return plane;
        } catch (IOException | RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    public SharedUdpPort port() {
        return port;
    }

    /** The one media port: every leg runs on it. */
    @Override
    public SharedUdpPort openPort() {
        return port;
    }

    /** Nothing to do: the media port outlives every leg, and closes with the plane. */
    @Override
    public void releasePort(SharedUdpPort legPort) {
    }

    @Override
    public IceSettings iceSettings() {
        return settings.ice();
    }

    @Override
    public DtlsCertificate certificate() {
        return certificate;
    }

    /** The threads every leg's DTLS handshake runs on; closed with the plane. */
    @Override
    public DtlsWorkers dtlsWorkers() {
        return dtlsWorkers;
    }

    public BufferPool pool() {
        return pool;
    }

    /** The forwarding threads, to which every {@link Subscription} is pinned. */
    public SenderWorkers forwarding() {
        return forwarding;
    }

    /** The drops so far; reads the kernel's socket table, so not for a hot path. */
    public Counters counters() {
        return new Counters(forwarding.drops(), kernelDrops.read());
    }

    /** Logs {@link #counters()}, saying on what occasion (e.g. "a call in team@… ended"). */
    public void logCounters(String occasion) {
        Counters c = counters();
        SharedUdpPort.Counters p = port.counters();
        log.info("Media drops after {}: kernel {} on UDP port {}, forwarding {} (by shard {}); the port received {} "
                + "datagrams, {} from no session's address, {} of no known kind", occasion,
                c.kernelDrops() == KernelDrops.UNKNOWN ? "unknown" : c.kernelDrops(), port.port(),
                c.forwardingDrops(), c.shardDrops(), p.received(), p.unrouted(), p.malformed());
    }

    /** The SSRC the gateway's own RTCP (PLI, FIR, REMB) is sent from. */
    public int rtcpSsrc() {
        return rtcpSsrc;
    }

    /** Closes the port (and every leg on it), then stops the forwarding threads. */
    @Override
    public void close() {
        if (forwarding.isClosed()) {
            return;
        }
        logCounters("closing the media port");
        bean.unregister();
        port.close();
        loop.close();
        dtlsWorkers.close();
        forwarding.close();
    }
}
