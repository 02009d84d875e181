package org.chorus.media.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
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
 * No thread belongs to an endpoint. {@link #onDatagram} is called by the demultiplexer on the path's
 * receive thread and never blocks. The handshake (BouncyCastle's is blocking) runs on one of the
 * owner's {@link DtlsWorkers}: a client's as soon as {@link #start()} is called, a server's once its
 * first datagram (the ClientHello) has arrived, so a server waiting for its peer holds no worker.
 * The handshake deadline counts from {@code start()}, also while the handshake waits in the pool's
 * queue; the pool's timer fails a handshake that has not begun by then. When the handshake is done the
 * worker returns. Later DTLS datagrams (a retransmitted final flight, close_notify or another alert;
 * application data is ignored) are read by the thread that delivers them, inside {@code onDatagram},
 * without waiting, under a per-endpoint lock that is only tried, never waited for (a thread that
 * finds it taken leaves its datagram to the holder).
 *
 * <p>So the listener is called on a DTLS worker ({@link Listener#onHandshakeComplete}, and a failed
 * handshake), on the pool's deadline timer (a handshake that never began), or on the path's receive
 * thread (the peer closed or failed the established association). It must not block.
 */
public final class DtlsEndpoint {

    /** What the owner of the endpoint hears; see the class comment for the threads. Must not block. */
    public interface Listener {
        /** The handshake succeeded; called once. */
        void onHandshakeComplete(SrtpKeys keys);

        /** The handshake failed, or the established association ended, other than by {@link #close()}; called at most once. */
        void onFailure(FailureReason reason, String detail);
    }

    /** The life of an endpoint, as the pool sees it. */
    enum Phase {
        /** Created; datagrams are queued. */
        NEW,
        /** Started as server, with no datagram yet: holds no worker. */
        WAITING,
        /** In the pool's queue. */
        QUEUED,
        /** The handshake runs on a worker. */
        HANDSHAKING,
        /** Keys delivered; later datagrams are read on the receive thread. */
        ESTABLISHED,
        /** Closed, failed or timed out. */
        ENDED;

        boolean canMoveTo(Phase next) {
            return switch (this) {
                case NEW -> next == WAITING || next == QUEUED || next == ENDED;
                case WAITING -> next == QUEUED || next == ENDED;
                case QUEUED -> next == HANDSHAKING || next == ENDED;
                case HANDSHAKING -> next == ESTABLISHED || next == ENDED;
                case ESTABLISHED -> next == ENDED;
                case ENDED -> false;
            };
        }
    }

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Logger LOG = LoggerFactory.getLogger(DtlsEndpoint.class);

    private final DtlsWorkers workers;
    private final DtlsCertificate certificate;
    private final DtlsRole role;
    private final List<SrtpProfile> preference;
    private final Duration handshakeTimeout;
    private final Listener listener;
    private final String name;
    private final DtlsDatagrams datagrams;
    private final DtlsWorkers.Job job = new DtlsWorkers.Job() {
        @Override
        public void run() {
            handshake();
        }

        @Override
        public void reject() {
            if (moveTo(Phase.ENDED)) {
                report(FailureReason.PROTOCOL_ERROR, "the DTLS workers are closed");
            }
        }
    };

    private final Object phaseLock = new Object();
    private Phase phase = Phase.NEW; // guarded by phaseLock
    /** Serializes reading the established association; only ever tried, never waited for. */
    private final ReentrantLock readLock = new ReentrantLock();

    private final RemoteFingerprint remoteFingerprint = new RemoteFingerprint();

    private final AtomicBoolean reported = new AtomicBoolean();
    private final AtomicBoolean dtlsClosed = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long deadlineNanos;
    private volatile DtlsWorkers.Deadline deadline;
    private volatile boolean handshakeComplete;
    private volatile boolean closeNotifyReceived;
    private volatile FailureReason localFailure;
    private volatile DTLSTransport dtls;
    private volatile SrtpProfile selectedProfile;
    private SrtpKeys keys; // written and read by the handshake, on its worker

    /**
     * @param path             where DTLS datagrams are sent (incoming ones arrive through {@link #onDatagram})
     * @param workers          the pool the handshake runs on
     * @param certificate      our certificate
     * @param role             client ('active') or server ('passive')
     * @param preference       the SRTP profiles we accept, most preferred first
     * @param handshakeTimeout from {@link #start()} to the end of the handshake (the owner passes its
     *                         connect timeout, or {@link #DEFAULT_HANDSHAKE_TIMEOUT})
     * @param listener         hears the outcome
     */
    public DtlsEndpoint(DatagramPath path, DtlsWorkers workers, DtlsCertificate certificate, DtlsRole role,
            List<SrtpProfile> preference, Duration handshakeTimeout, Listener listener) {
        Objects.requireNonNull(path, "path");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.role = Objects.requireNonNull(role, "role");
        this.preference = SrtpProfile.checkPreference(preference);
        this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        this.name = "dtls-" + role.name().toLowerCase(Locale.ROOT) + "-" + IDS.incrementAndGet();
        this.datagrams = new DtlsDatagrams(path, name);
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
        remoteFingerprint.set(Objects.requireNonNull(fingerprint, "fingerprint"));
    }

    public DtlsFingerprint remoteFingerprint() {
        return remoteFingerprint.get();
    }

    /** Whether the handshake has the peer's certificate and is waiting for its fingerprint to be signalled. */
    public boolean isWaitingForRemoteFingerprint() {
        return remoteFingerprint.isWaiting();
    }

    /**
     * Starts the handshake: a client's goes to the pool at once, a server's when its first datagram
     * has arrived (at once if one is already queued). The deadline counts from now. Does nothing after
     * {@link #close()}.
     *
     * @throws IllegalStateException when already started
     */
    public void start() {
        Phase next;
        synchronized (phaseLock) {
            if (phase == Phase.ENDED) {
                return;
            }
            if (phase != Phase.NEW) {
                throw new IllegalStateException("already started");
            }
            deadlineNanos = System.nanoTime() + handshakeTimeout.toNanos();
            datagrams.deadline(deadlineNanos);
            next = role == DtlsRole.CLIENT || datagrams.hasPending() ? Phase.QUEUED : Phase.WAITING;
            phase = next;
        }
        deadline = workers.schedule(this::onDeadline, handshakeTimeout);
        if (next == Phase.QUEUED) {
            workers.submit(job, role == DtlsRole.CLIENT);
        }
    }

    /**
     * Takes an incoming DTLS datagram. Never blocks. Before and during the handshake a copy is queued
     * for it (dropped if the queue is full); the first one wakes a waiting server. After the handshake
     * the datagram is read here, on the caller's thread, unless another thread is reading this
     * endpoint, which then reads it.
     */
    public void onDatagram(byte[] buffer, int offset, int length) {
        datagrams.offer(buffer, offset, length);
        Phase now;
        synchronized (phaseLock) {
            now = phase;
            if (now == Phase.WAITING && datagrams.hasPending()) {
                phase = Phase.QUEUED;
            }
        }
        if (now == Phase.WAITING) {
            workers.submit(job, false);
        } else if (now == Phase.ESTABLISHED) {
            readQueued();
        }
    }

    /** Datagrams dropped because the queue was full. */
    public long droppedDatagrams() {
        return datagrams.dropped();
    }

    /**
     * Ends the association: sends close_notify if the handshake has completed (best effort), aborts it
     * otherwise (a waiting worker wakes and returns). No listener call follows. Idempotent.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        moveTo(Phase.ENDED);
        cancelDeadline();
        remoteFingerprint.close();
        DTLSTransport transport = dtls;
        if (transport != null) {
            readLock.lock(); // held only briefly, never across a wait
            try {
                closeDtls(transport);
            } finally {
                readLock.unlock();
            }
        }
        datagrams.close();
    }

    // --- the handshake, on a worker -------------------------------------------------------------------

    private void handshake() {
        if (!moveTo(Phase.HANDSHAKING)) {
            return; // closed or timed out while queued
        }
        long start = System.nanoTime();
        try {
            SrtpStartup.initialize(); // normally done at process start; never on the path's receive thread
            BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
            DTLSTransport transport = role == DtlsRole.SERVER
                    ? new DTLSServerProtocol().accept(new SrtpDtlsServer(crypto, this), datagrams)
                    : new DTLSClientProtocol().connect(new SrtpDtlsClient(crypto, this), datagrams);
            handshakeComplete = true;
            cancelDeadline();
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
            // From here the receive thread reads; datagrams that came meanwhile are read now.
            datagrams.stopWaiting();
            if (moveTo(Phase.ESTABLISHED)) {
                readQueued();
            }
        } catch (Exception e) {
            datagrams.close();
            if (!closed && moveTo(Phase.ENDED)) {
                FailureReason reason = classify(e);
                LOG.info("{}: DTLS {} after {} ms: {}", name, reason, (System.nanoTime() - start) / 1_000_000,
                        e.toString());
                report(reason, e.toString());
            }
        }
    }

    private void onDeadline() {
        Phase was;
        synchronized (phaseLock) {
            was = phase;
            if (was != Phase.WAITING && was != Phase.QUEUED) {
                return; // a running handshake times out by itself; a finished one has nothing to do
            }
            phase = Phase.ENDED;
        }
        datagrams.close();
        LOG.info("{}: DTLS handshake not begun within {} ms ({})", name, handshakeTimeout.toMillis(),
                was == Phase.WAITING ? "no datagram from the peer" : "still queued");
        report(FailureReason.HANDSHAKE_TIMEOUT, "DTLS handshake timed out");
    }

    // --- after the handshake, on the receive thread ---------------------------------------------------

    /** Reads what is queued without waiting; leaves it to another thread already reading. */
    private void readQueued() {
        boolean first = true;
        while (first || datagrams.hasPending()) {
            first = false; // the first pass also reads records left over from the handshake
            if (!readLock.tryLock()) {
                return; // the holder reads our datagram after its own
            }
            Exception failure;
            try {
                failure = readAvailable();
            } finally {
                readLock.unlock();
            }
            if (failure != null || closeNotifyReceived) {
                ended(failure);
                return;
            }
        }
    }

    /** Feeds BouncyCastle until the queue is empty; returns what ended the association, if anything. */
    private Exception readAvailable() {
        DTLSTransport transport = dtls;
        if (transport == null || closed) {
            return null;
        }
        byte[] buffer = new byte[DtlsDatagrams.RECEIVE_LIMIT];
        try {
            while (!closeNotifyReceived) {
                // 0 is "no time limit" to BouncyCastle; ours never waits and throws WouldBlock instead.
                transport.receive(buffer, 0, buffer.length, 0);
                // Application data over DTLS (a data channel) is not supported and is ignored.
            }
            return null;
        } catch (DtlsDatagrams.WouldBlock e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    private void ended(Exception failure) {
        if (closed || !moveTo(Phase.ENDED)) {
            return;
        }
        datagrams.close();
        if (closeNotifyReceived) {
            LOG.info("{}: the peer closed the DTLS association", name);
            report(FailureReason.CLOSED_BY_PEER, "close_notify received");
        } else {
            FailureReason reason = classify(failure);
            LOG.info("{}: the DTLS association ended: {} ({})", name, reason, failure.toString());
            report(reason, failure.toString());
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
        if (datagrams.timedOut() || e instanceof TlsTimeoutException) {
            return FailureReason.HANDSHAKE_TIMEOUT;
        }
        if (handshakeComplete && e instanceof TlsFatalAlertReceived) {
            return FailureReason.CLOSED_BY_PEER;
        }
        return FailureReason.PROTOCOL_ERROR;
    }

    private void report(FailureReason reason, String detail) {
        cancelDeadline();
        if (reported.compareAndSet(false, true)) {
            listener.onFailure(reason, detail);
        }
    }

    private boolean moveTo(Phase next) {
        synchronized (phaseLock) {
            if (!phase.canMoveTo(next)) {
                return false;
            }
            phase = next;
            return true;
        }
    }

    private void cancelDeadline() {
        DtlsWorkers.Deadline d = deadline;
        if (d != null) {
            d.cancel();
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

    // --- what the BouncyCastle peers ask of us (on the worker) ----------------------------------------

    List<SrtpProfile> preference() {
        return preference;
    }

    void profileSelected(SrtpProfile profile) {
        selectedProfile = profile;
    }

    void verifyPeer(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            localFailure = FailureReason.FINGERPRINT_MISMATCH;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the peer sent no certificate");
        }
        DtlsFingerprint expected = remoteFingerprint.await(deadlineNanos);
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

    TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto) throws IOException {
        TlsCertificate own = crypto.createCertificate(certificate.encoded());
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                new Certificate(new TlsCertificate[] {own}),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    void exportKeys(TlsContext context, boolean localIsServer) throws IOException {
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

    int handshakeTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis());
    }

    void onAlertReceived(short level, short description) {
        if (description == AlertDescription.close_notify) {
            closeNotifyReceived = true;
        }
        LOG.debug("{}: received {} alert {}", name, level == AlertLevel.fatal ? "fatal" : "warning",
                AlertDescription.getText(description));
    }

    void onAlertRaised(short level, short description, String message, Throwable cause) {
        if (description != AlertDescription.close_notify) {
            LOG.debug("{}: sending alert {}: {}", name, AlertDescription.getText(description), message, cause);
        }
    }
}
