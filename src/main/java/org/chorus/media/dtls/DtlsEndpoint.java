package org.chorus.media.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import java.util.Vector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.chorus.media.DatagramPath;
import org.chorus.media.SecureTransport.FailureReason;
import org.chorus.media.srtp.SrtpKeys;
import org.chorus.media.srtp.SrtpProfile;
import org.chorus.media.srtp.SrtpStartup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DTLS 1.2 association for DTLS-SRTP (RFC 5763, RFC 5764) with BouncyCastle, as client or as
 * server, whose only products are the SRTP master keys.
 *
 * <ul>
 *   <li>Both sides authenticate with a self-signed certificate; the server asks for the client's. The
 *       peer's certificate is held against the fingerprint signalled for it, when the certificate
 *       arrives. That fingerprint may be set after {@link #start()} (a browser may start DTLS before the
 *       gateway has its answer); if it is still unknown when the certificate arrives, the handshake
 *       waits for it until the handshake deadline.</li>
 *   <li>use_srtp: as server we choose the first profile of our preference that the client offers; as
 *       client we offer our preference in order.</li>
 *   <li>Only ECDHE with AES-GCM or ChaCha20-Poly1305 suites, and the extended master secret, which the
 *       key export needs.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * {@link #onDatagram} is called by the demultiplexer on the path's receive thread; it only copies the
 * datagram into a bounded queue and never blocks. The handshake runs on a thread of its own, started
 * by {@link #start()}, which reads that queue; after the handshake the same thread keeps reading the
 * DTLS association so that retransmitted flights and alerts (close_notify) are handled. The listener
 * is called on that thread.
 */
public final class DtlsEndpoint {

    /** What the owner of the endpoint hears; both callbacks come from the DTLS thread. */
    public interface Listener {
        /** The handshake succeeded; called once. */
        void onHandshakeComplete(SrtpKeys keys);

        /** The handshake failed, or the established association ended, other than by {@link #close()}; called at most once. */
        void onFailure(FailureReason reason, String detail);
    }

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    /** DTLS datagrams waiting for the DTLS thread; more are dropped (DTLS retransmits). */
    static final int QUEUE_CAPACITY = 256;
    /** Largest DTLS datagram accepted. */
    static final int RECEIVE_LIMIT = 4096;
    /** Largest DTLS datagram sent: handshake flights are fragmented to fit a conservative path MTU. */
    static final int SEND_LIMIT = 1200;
    /** How long the reader waits for a record before looking at the closed flag again. */
    private static final int READ_POLL_MILLIS = 1000;

    private static final int[] SERVER_CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    /** As client we also accept a peer with an RSA certificate. */
    private static final int[] CLIENT_CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    private static final byte[] CLOSE_SIGNAL = new byte[0];
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Logger LOG = LoggerFactory.getLogger(DtlsEndpoint.class);

    private final DatagramPath path;
    private final DtlsCertificate certificate;
    private final DtlsRole role;
    private final List<SrtpProfile> preference;
    private final Duration handshakeTimeout;
    private final Listener listener;
    private final String name;
    private final QueueTransport datagrams = new QueueTransport();

    private final Object fingerprintLock = new Object();
    private DtlsFingerprint remoteFingerprint; // guarded by fingerprintLock
    private volatile boolean waitingForFingerprint;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean reported = new AtomicBoolean();
    private final AtomicBoolean dtlsClosed = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long deadlineNanos;
    private volatile boolean handshakeComplete;
    private volatile boolean timedOut;
    private volatile boolean closeNotifyReceived;
    private volatile FailureReason localFailure;
    private volatile DTLSTransport dtls;
    private volatile SrtpProfile selectedProfile;
    private SrtpKeys keys; // written and read on the DTLS thread only

    /**
     * @param path             where DTLS datagrams are sent (incoming ones arrive through {@link #onDatagram})
     * @param certificate      our certificate
     * @param role             client ('active') or server ('passive')
     * @param preference       the SRTP profiles we accept, most preferred first
     * @param handshakeTimeout from {@link #start()} to the end of the handshake
     * @param listener         hears the outcome
     */
    public DtlsEndpoint(DatagramPath path, DtlsCertificate certificate, DtlsRole role, List<SrtpProfile> preference,
            Duration handshakeTimeout, Listener listener) {
        this.path = Objects.requireNonNull(path, "path");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.role = Objects.requireNonNull(role, "role");
        this.preference = SrtpProfile.checkPreference(preference);
        this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        this.name = "dtls-" + role.name().toLowerCase(java.util.Locale.ROOT) + "-" + IDS.incrementAndGet();
    }

    public DtlsRole role() {
        return role;
    }

    /** The negotiated SRTP profile, once use_srtp has been agreed; null before. */
    public SrtpProfile selectedProfile() {
        return selectedProfile;
    }

    /** Sets (or replaces) the fingerprint the peer's certificate must have; wakes a handshake waiting for it. */
    public void setRemoteFingerprint(DtlsFingerprint fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        synchronized (fingerprintLock) {
            remoteFingerprint = fingerprint;
            fingerprintLock.notifyAll();
        }
    }

    public DtlsFingerprint remoteFingerprint() {
        synchronized (fingerprintLock) {
            return remoteFingerprint;
        }
    }

    /** Whether the handshake has the peer's certificate and is waiting for its fingerprint to be signalled. */
    public boolean isWaitingForRemoteFingerprint() {
        return waitingForFingerprint;
    }

    /** Starts the handshake on its own thread. The deadline counts from now. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        deadlineNanos = System.nanoTime() + handshakeTimeout.toNanos();
        Thread thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues an incoming DTLS datagram (a copy) for the DTLS thread. Never blocks; drops the datagram if
     * the queue is full or the endpoint closed. Datagrams that arrive before {@link #start()} wait.
     */
    public void onDatagram(byte[] buffer, int offset, int length) {
        datagrams.offer(buffer, offset, length);
    }

    /** Datagrams dropped because the queue was full. */
    public long droppedDatagrams() {
        return datagrams.dropped.get();
    }

    /**
     * Ends the association: sends close_notify if the handshake has completed (best effort), aborts it
     * otherwise, and stops the DTLS thread. No listener call follows. Idempotent.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (fingerprintLock) {
            fingerprintLock.notifyAll();
        }
        DTLSTransport transport = dtls;
        if (transport != null) {
            closeDtls(transport);
        }
        datagrams.close();
    }

    private void run() {
        long start = System.nanoTime();
        try {
            SrtpStartup.initialize(); // normally done at process start; never on the path's receive thread
            BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
            DTLSTransport transport = role == DtlsRole.SERVER
                    ? new DTLSServerProtocol().accept(new Server(crypto), datagrams)
                    : new DTLSClientProtocol().connect(new Client(crypto), datagrams);
            handshakeComplete = true;
            dtls = transport;
            if (closed) {
                closeDtls(transport);
                return;
            }
            LOG.info("{}: DTLS handshake done in {} ms, SRTP profile {}", name,
                    (System.nanoTime() - start) / 1_000_000, keys.profile());
            SrtpKeys result = keys;
            keys = null;
            listener.onHandshakeComplete(result);
            readUntilClosed(transport);
        } catch (Exception e) {
            if (!closed) {
                FailureReason reason = classify(e);
                LOG.info("{}: DTLS {} after {} ms: {}", name, reason, (System.nanoTime() - start) / 1_000_000,
                        e.toString());
                report(reason, e.toString());
            }
        } finally {
            datagrams.close();
        }
    }

    /** After the handshake: keeps BouncyCastle reading, so that retransmissions and alerts are processed. */
    private void readUntilClosed(DTLSTransport transport) throws IOException {
        byte[] buffer = new byte[Math.max(1, transport.getReceiveLimit())];
        while (!closed) {
            transport.receive(buffer, 0, buffer.length, READ_POLL_MILLIS);
            // Application data over DTLS (a data channel) is not supported and is ignored.
            if (closeNotifyReceived) {
                if (!closed) {
                    LOG.info("{}: the peer closed the DTLS association", name);
                    report(FailureReason.CLOSED_BY_PEER, "close_notify received");
                }
                return;
            }
        }
    }

    private FailureReason classify(Exception e) {
        if (closeNotifyReceived) {
            return FailureReason.CLOSED_BY_PEER;
        }
        FailureReason local = localFailure;
        if (local != null) {
            return local;
        }
        if (timedOut || e instanceof TlsTimeoutException) {
            return FailureReason.HANDSHAKE_TIMEOUT;
        }
        if (handshakeComplete && e instanceof TlsFatalAlertReceived) {
            return FailureReason.CLOSED_BY_PEER;
        }
        return FailureReason.PROTOCOL_ERROR;
    }

    private void report(FailureReason reason, String detail) {
        if (reported.compareAndSet(false, true)) {
            listener.onFailure(reason, detail);
        }
    }

    private void closeDtls(DTLSTransport transport) {
        if (dtlsClosed.compareAndSet(false, true)) {
            try {
                transport.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: closing DTLS", name, e);
            }
        }
    }

    // --- authentication -------------------------------------------------------------------------------

    private void verifyPeer(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            localFailure = FailureReason.FINGERPRINT_MISMATCH;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the peer sent no certificate");
        }
        DtlsFingerprint expected = awaitRemoteFingerprint();
        if (expected == null) {
            if (closed) {
                throw new TlsFatalAlert(AlertDescription.internal_error, "closed");
            }
            localFailure = FailureReason.HANDSHAKE_TIMEOUT;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "no fingerprint was signalled for the peer in time");
        }
        if (!DtlsCertificate.matches(chain, expected.hashFunction(), expected.value())) {
            localFailure = FailureReason.FINGERPRINT_MISMATCH;
            LOG.warn("{}: the peer's certificate does not match the signalled {} fingerprint", name,
                    expected.hashFunction());
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "the peer's certificate does not match the signalled fingerprint");
        }
    }

    private DtlsFingerprint awaitRemoteFingerprint() throws InterruptedIOException {
        synchronized (fingerprintLock) {
            if (remoteFingerprint != null || closed) {
                return remoteFingerprint;
            }
            LOG.debug("{}: waiting for the peer's fingerprint", name);
            waitingForFingerprint = true;
            try {
                while (remoteFingerprint == null && !closed) {
                    long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                    if (remaining <= 0) {
                        break;
                    }
                    fingerprintLock.wait(remaining);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the peer's fingerprint");
            } finally {
                waitingForFingerprint = false;
            }
            return remoteFingerprint;
        }
    }

    private TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto) throws IOException {
        TlsCertificate own = crypto.createCertificate(certificate.encoded());
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                new Certificate(new TlsCertificate[] {own}),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    private void exportKeys(TlsContext context, boolean localIsServer) throws IOException {
        SrtpProfile profile = selectedProfile;
        if (profile == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "no SRTP profile was negotiated");
        }
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
        try {
            keys = SrtpKeys.fromKeyingMaterial(profile, material, localIsServer);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    private int handshakeTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis());
    }

    private void onAlertReceived(short level, short description) {
        if (description == AlertDescription.close_notify) {
            closeNotifyReceived = true;
        }
        LOG.debug("{}: received {} alert {}", name, level == AlertLevel.fatal ? "fatal" : "warning",
                AlertDescription.getText(description));
    }

    private void onAlertRaised(short level, short description, String message, Throwable cause) {
        if (description != AlertDescription.close_notify) {
            LOG.debug("{}: sending alert {}: {}", name, AlertDescription.getText(description), message, cause);
        }
    }

    // --- BouncyCastle peers ---------------------------------------------------------------------------

    private final class Server extends DefaultTlsServer {
        private final BcTlsCrypto crypto;

        Server(BcTlsCrypto crypto) {
            super(crypto);
            this.crypto = crypto;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), SERVER_CIPHER_SUITES);
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return signer(context, crypto);
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            // Without a certificate request there is no client certificate to check.
            Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    algorithms, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            verifyPeer(clientCertificate);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offer = clientExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offer == null) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client did not offer use_srtp");
            }
            selectedProfile = SrtpProfile.choose(preference, offer.getProtectionProfiles())
                    .orElseThrow(() -> new TlsFatalAlert(AlertDescription.handshake_failure,
                            "no common SRTP protection profile: offered " + Arrays.toString(offer.getProtectionProfiles())));
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            TlsSRTPUtils.addUseSRTPExtension(extensions,
                    new UseSRTPData(new int[] {selectedProfile.protectionProfileId()}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public boolean requiresExtendedMasterSecret() {
            return true;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMillis();
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            exportKeys(context, true);
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            onAlertReceived(alertLevel, alertDescription);
        }

        @Override
        public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
            onAlertRaised(alertLevel, alertDescription, message, cause);
        }
    }

    private final class Client extends DefaultTlsClient {
        private final BcTlsCrypto crypto;

        Client(BcTlsCrypto crypto) {
            super(crypto);
            this.crypto = crypto;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CLIENT_CIPHER_SUITES);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = super.getClientExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            int[] offered = preference.stream().mapToInt(SrtpProfile::protectionProfileId).toArray();
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(offered, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData answer = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            if (answer == null) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "the server did not agree to use_srtp");
            }
            int[] chosen = answer.getProtectionProfiles();
            if (chosen == null || chosen.length != 1) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server must choose one SRTP profile");
            }
            selectedProfile = SrtpProfile.forProtectionProfileId(chosen[0])
                    .filter(preference::contains)
                    .orElseThrow(() -> new TlsFatalAlert(AlertDescription.illegal_parameter,
                            "the server chose an SRTP profile we did not offer: " + chosen[0]));
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    verifyPeer(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) throws IOException {
                    return signer(context, crypto);
                }
            };
        }

        @Override
        public boolean requiresExtendedMasterSecret() {
            return true;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMillis();
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            exportKeys(context, false);
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            onAlertReceived(alertLevel, alertDescription);
        }

        @Override
        public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
            onAlertRaised(alertLevel, alertDescription, message, cause);
        }
    }

    // --- the datagram transport under BouncyCastle ----------------------------------------------------

    /**
     * BouncyCastle's view of the path: receive polls the queue the demultiplexer fills (-1 on timeout),
     * send goes to the path and treats "cannot send" as a lost datagram, which DTLS retransmits.
     */
    private final class QueueTransport implements DatagramTransport {
        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private final AtomicLong dropped = new AtomicLong();
        private volatile boolean transportClosed;

        void offer(byte[] buffer, int offset, int length) {
            if (transportClosed || length <= 0 || length > RECEIVE_LIMIT) {
                return;
            }
            if (!queue.offer(Arrays.copyOfRange(buffer, offset, offset + length))) {
                dropped.incrementAndGet();
            }
        }

        @Override
        public int getReceiveLimit() {
            return RECEIVE_LIMIT;
        }

        @Override
        public int getSendLimit() {
            return SEND_LIMIT;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (transportClosed) {
                throw new IOException("DTLS transport closed");
            }
            long wait = waitMillis > 0 ? waitMillis : READ_POLL_MILLIS;
            if (!handshakeComplete) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (remaining <= 0) {
                    timedOut = true;
                    throw new TlsTimeoutException("DTLS handshake timed out");
                }
                wait = Math.min(wait, remaining);
            }
            byte[] datagram;
            try {
                datagram = queue.poll(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (datagram == null) {
                return -1;
            }
            if (datagram == CLOSE_SIGNAL) {
                throw new IOException("DTLS transport closed");
            }
            if (datagram.length > len) {
                return -1;
            }
            System.arraycopy(datagram, 0, buf, off, datagram.length);
            return datagram.length;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            if (transportClosed) {
                return;
            }
            try {
                path.send(buf, off, len);
            } catch (RuntimeException e) {
                LOG.debug("{}: sending a DTLS datagram failed; treated as lost", name, e);
            }
        }

        @Override
        public void close() {
            if (!transportClosed) {
                transportClosed = true;
                queue.clear();
                queue.offer(CLOSE_SIGNAL);
            }
        }
    }
}
