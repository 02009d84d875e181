package org.chorus.media;

import java.io.IOException;
import java.time.Duration;
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
 * certificate and the pool of DTLS handshake workers, the packet pool, and the SSRC the gateway
 * sends its own RTCP from. The one-off costs (the certificate, the SRTP warm-up) are paid here, at
 * start, not on the first call.
 */
public final class MediaPlane implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaPlane.class);

    /** Media settings of the gateway. */
    public record Settings(IceSettings ice, long rembBitrate, Duration mediaTimeout) {}

    private final Settings settings;
    private final PortLoop loop;
    private final SharedUdpPort port;
    private final DtlsCertificate certificate;
    private final DtlsWorkers dtlsWorkers;
    private final BufferPool pool;
    private final int rtcpSsrc;

    private MediaPlane(Settings settings, PortLoop loop, SharedUdpPort port, DtlsCertificate certificate) {
        this.settings = settings;
        this.loop = loop;
        this.port = port;
        this.certificate = certificate;
        this.dtlsWorkers = new DtlsWorkers("chorus-dtls");
        this.pool = new BufferPool(4096);
        this.pool.prewarm(256);
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
            log.info("Media plane ready on UDP {} ({} socket(s)) in {} ms (SRTP backend {}, DTLS fingerprint "
                    + "sha-256 {})", port.localAddress(), port.socketCount(),
                    Duration.ofNanos(System.nanoTime() - start).toMillis(), backend, certificate.fingerprint());
            return new MediaPlane(settings, loop, port, certificate);
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

    public DtlsCertificate certificate() {
        return certificate;
    }

    /** The threads every leg's DTLS handshake runs on; closed with the plane. */
    public DtlsWorkers dtlsWorkers() {
        return dtlsWorkers;
    }

    public BufferPool pool() {
        return pool;
    }

    /** The SSRC the gateway's own RTCP (PLI, FIR, REMB) is sent from. */
    public int rtcpSsrc() {
        return rtcpSsrc;
    }

    @Override
    public void close() {
        port.close();
        loop.close();
        dtlsWorkers.close();
    }
}
