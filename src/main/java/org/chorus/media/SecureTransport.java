package org.chorus.media;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.chorus.media.dtls.DtlsCertificate;
import org.chorus.media.dtls.DtlsEndpoint;
import org.chorus.media.dtls.DtlsFingerprint;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.dtls.DtlsWorkers;
import org.chorus.media.srtp.SrtpKeys;
import org.chorus.media.srtp.SrtpProfile;
import org.chorus.media.srtp.SrtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DTLS-SRTP for one media session, on top of a {@link DatagramPath}: demultiplexes what arrives,
 * runs the DTLS handshake, then protects what is sent and unprotects what is received.
 *
 * <h2>States</h2>
 * <pre>
 * NEW → HANDSHAKING → SECURE → CLOSED
 *          │             │
 *          └→ FAILED ←───┘      (and NEW, HANDSHAKING, SECURE → CLOSED by {@link #close()})
 * </pre>
 * FAILED carries a {@link FailureReason}: {@code FINGERPRINT_MISMATCH} (end the Jingle session with
 * {@code <security-error/>}), {@code HANDSHAKE_TIMEOUT} ({@code <failed-transport/>}),
 * {@code PROTOCOL_ERROR}, {@code CLOSED_BY_PEER}. CLOSED and FAILED are final. The {@link StateListener}
 * hears every change once, in order, never two at a time, from whichever thread caused it: a
 * {@link DtlsWorkers} worker (SECURE, a failed handshake), the pool's deadline timer (a handshake that
 * never began), the path's receive thread (the peer closed or failed the established association:
 * close_notify or a fatal alert), or the caller of {@link #start()} or {@link #close()}. It must not
 * block; owners hop to their own executor.
 *
 * <h2>Receiving</h2>
 * The path's datagrams are sorted by their first byte (RFC 7983): 20–63 is DTLS, handed to the
 * {@link DtlsEndpoint} (queued for the handshake, read at once on this thread after it); 128–191 is
 * SRTP, or SRTCP when the second byte is 192–223; 0–3 (STUN) and the rest are left alone. Demultiplexing starts in the constructor, so DTLS records that arrive before {@link #start()}
 * (a browser may start the handshake before the gateway has its answer) wait in the queue. SRTP that
 * arrives before the keys (up to {@value #EARLY_PACKET_LIMIT} packets, copied) is kept and replayed once
 * they are ready, so the first keyframe is not lost. Decrypted packets go to the {@link MediaListener}
 * on the path's receive thread, in place in the path's buffer, which is only valid during the call;
 * the packets kept from before the keys are delivered from the DTLS worker that finished the handshake,
 * just before the SECURE notification. Deliveries never overlap.
 *
 * <h2>Sending</h2>
 * {@link #sendRtp} and {@link #sendRtcp} may be called from any number of threads. They protect the
 * packet in place, so the caller's buffer holds SRTP afterwards, and need
 * {@link SrtpSession#MAX_OVERHEAD} spare bytes after the packet ({@link IllegalArgumentException}
 * otherwise, in every state). They return false, dropping the packet, before SECURE and after the
 * end, and when the path cannot send. The path's {@code send} must therefore be thread-safe.
 *
 * <p>No thread belongs to a transport: the handshake runs on the owner's {@link DtlsWorkers}, and after
 * it nothing runs but the path's receive thread. {@link #close()} sends close_notify (best effort) or
 * abandons the handshake; the path itself belongs to the caller, who closes it.
 */
public final class SecureTransport {

    /** The life of a secure transport; see the class comment for the legal changes. */
    public enum State {
        NEW, HANDSHAKING, SECURE, CLOSED, FAILED;

        /** Whether a transport in this state may move to {@code next}. */
        public boolean canMoveTo(State next) {
            switch (this) {
                case NEW:
                    return next == HANDSHAKING || next == CLOSED;
                case HANDSHAKING:
                    return next == SECURE || next == FAILED || next == CLOSED;
                case SECURE:
                    return next == FAILED || next == CLOSED;
                default:
                    return false;
            }
        }

        /** CLOSED and FAILED: nothing follows. */
        public boolean isFinal() {
            return this == CLOSED || this == FAILED;
        }
    }

    /** Why a transport FAILED. */
    public enum FailureReason {
        /** A certificate did not match the signalled fingerprint (or the peer sent none): a security error. */
        FINGERPRINT_MISMATCH,
        /** The handshake did not complete in time, or the peer's fingerprint was never signalled. */
        HANDSHAKE_TIMEOUT,
        /** DTLS failed otherwise: no common profile or suite, a bad message, an alert from the peer. */
        PROTOCOL_ERROR,
        /** The peer ended an established association (close_notify or a fatal alert). */
        CLOSED_BY_PEER
    }

    /** Receives decrypted media. The buffer is only valid during the call; keep a copy if needed. */
    public interface MediaListener {
        void onRtp(byte[] buffer, int offset, int length);

        void onRtcp(byte[] buffer, int offset, int length);
    }

    /** Hears state changes; {@code reason} is set only when {@code current} is FAILED. Must not block. */
    @FunctionalInterface
    public interface StateListener {
        void onStateChanged(State previous, State current, FailureReason reason);
    }

    /** Counters since construction. */
    public record Stats(long rtpReceived, long rtcpReceived, long rtpSent, long rtcpSent, long unprotectFailures,
            long earlyBuffered, long earlyReplayed, long earlyDropped) {
    }

    /** How many SRTP packets that arrive before the keys are kept for replay; later ones are dropped. */
    public static final int EARLY_PACKET_LIMIT = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SecureTransport.class);
    private static final MediaListener NO_MEDIA = new MediaListener() {
        @Override
        public void onRtp(byte[] buffer, int offset, int length) {
        }

        @Override
        public void onRtcp(byte[] buffer, int offset, int length) {
        }
    };

    private final DatagramPath path;
    private final DtlsCertificate certificate;
    private final DtlsRole role;
    private final DtlsEndpoint dtls;

    private volatile MediaListener mediaListener = NO_MEDIA;
    private volatile StateListener stateListener;

    private final Object stateLock = new Object();
    private volatile State state = State.NEW; // written under stateLock
    private volatile FailureReason failureReason; // written under stateLock
    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean dispatching = new AtomicBoolean();

    /** Serializes receiving with the replay of the packets that came before the keys. */
    private final Object receiveLock = new Object();
    private final ArrayDeque<EarlyPacket> earlyPackets = new ArrayDeque<>(); // guarded by receiveLock
    private volatile SrtpSession session;

    private final AtomicLong rtpReceived = new AtomicLong();
    private final AtomicLong rtcpReceived = new AtomicLong();
    private final AtomicLong rtpSent = new AtomicLong();
    private final AtomicLong rtcpSent = new AtomicLong();
    private final AtomicLong unprotectFailures = new AtomicLong();
    private final AtomicLong earlyBuffered = new AtomicLong();
    private final AtomicLong earlyReplayed = new AtomicLong();
    private final AtomicLong earlyDropped = new AtomicLong();

    private record EarlyPacket(byte[] data, boolean rtcp) {
    }

    /**
     * A transport with the default handshake timeout ({@link DtlsEndpoint#DEFAULT_HANDSHAKE_TIMEOUT}).
     *
     * @see #SecureTransport(DatagramPath, DtlsWorkers, DtlsCertificate, DtlsRole, List, DtlsFingerprint, Duration)
     */
    public SecureTransport(DatagramPath path, DtlsWorkers workers, DtlsCertificate certificate, DtlsRole role,
            List<SrtpProfile> profilePreference, DtlsFingerprint remoteFingerprint) {
        this(path, workers, certificate, role, profilePreference, remoteFingerprint,
                DtlsEndpoint.DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /**
     * Creates the transport and starts demultiplexing the path at once; the handshake waits for
     * {@link #start()}.
     *
     * @param path              the connected path to the peer (ICE's selected pair)
     * @param workers           the owner's pool, on which the handshake runs
     * @param certificate       the gateway's certificate
     * @param role              CLIENT for setup 'active', SERVER for 'passive'
     * @param profilePreference SRTP profiles we accept, most preferred first
     *                          ({@link SrtpProfile#DEFAULT_PREFERENCE})
     * @param remoteFingerprint the peer's signalled fingerprint, or null to set it later with
     *                          {@link #setRemoteFingerprint}
     * @param handshakeTimeout  from {@link #start()} to SECURE; owners pass their ICE connect timeout
     */
    public SecureTransport(DatagramPath path, DtlsWorkers workers, DtlsCertificate certificate, DtlsRole role,
            List<SrtpProfile> profilePreference, DtlsFingerprint remoteFingerprint, Duration handshakeTimeout) {
        this.path = Objects.requireNonNull(path, "path");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.role = Objects.requireNonNull(role, "role");
        this.dtls = new DtlsEndpoint(path, workers, certificate, role, profilePreference, handshakeTimeout,
                new DtlsEndpoint.Listener() {
                    @Override
                    public void onHandshakeComplete(SrtpKeys keys) {
                        handshakeComplete(keys);
                    }

                    @Override
                    public void onFailure(FailureReason reason, String detail) {
                        failed(reason, detail);
                    }
                });
        if (remoteFingerprint != null) {
            dtls.setRemoteFingerprint(remoteFingerprint);
        }
        path.setReceiver(this::onDatagram);
    }

    /** Sets who receives decrypted media; set it before {@link #start()}. Null stops delivery. */
    public void setMediaListener(MediaListener listener) {
        this.mediaListener = listener == null ? NO_MEDIA : listener;
    }

    /** Sets who hears state changes; set it before {@link #start()}. */
    public void setStateListener(StateListener listener) {
        this.stateListener = listener;
    }

    /**
     * Sets the fingerprint the peer's certificate must match. May come after {@link #start()}: the check
     * happens when the certificate arrives, and waits for the fingerprint until the handshake deadline.
     */
    public void setRemoteFingerprint(DtlsFingerprint fingerprint) {
        dtls.setRemoteFingerprint(fingerprint);
    }

    /** Starts the DTLS handshake, on the pool (see {@link DtlsEndpoint#start()}). */
    public void start() {
        if (!transition(State.HANDSHAKING, null)) {
            throw new IllegalStateException("cannot start a transport that is " + state);
        }
        dtls.start();
        dispatchEvents();
    }

    /**
     * Protects an RTP packet in place and sends it.
     *
     * @return whether it was sent: false before SECURE, after the end, or when the path cannot send
     * @throws IllegalArgumentException if fewer than {@link SrtpSession#MAX_OVERHEAD} bytes follow the packet
     */
    public boolean sendRtp(byte[] buffer, int offset, int length) {
        return send(buffer, offset, length, false);
    }

    /**
     * Protects an RTCP (compound) packet in place and sends it.
     *
     * @return whether it was sent: false before SECURE, after the end, or when the path cannot send
     * @throws IllegalArgumentException if fewer than {@link SrtpSession#MAX_OVERHEAD} bytes follow the packet
     */
    public boolean sendRtcp(byte[] buffer, int offset, int length) {
        return send(buffer, offset, length, true);
    }

    /** Sends close_notify if secure (best effort), stops the handshake otherwise; then CLOSED. Idempotent. */
    public void close() {
        if (transition(State.CLOSED, null)) {
            LOG.debug("secure transport ({}) closed", role);
            release();
        }
        dispatchEvents();
    }

    public State state() {
        return state;
    }

    /** Why the transport FAILED; null in every other state. */
    public FailureReason failureReason() {
        return failureReason;
    }

    public DtlsRole role() {
        return role;
    }

    /** The negotiated SRTP profile, once agreed during the handshake; null before. */
    public SrtpProfile profile() {
        return dtls.selectedProfile();
    }

    /** Our fingerprint, to signal to the peer. */
    public DtlsFingerprint localFingerprint() {
        return certificate.localFingerprint();
    }

    /** Whether the handshake is held up because the peer's fingerprint has not been signalled yet. */
    public boolean isWaitingForRemoteFingerprint() {
        return dtls.isWaitingForRemoteFingerprint();
    }

    public Stats stats() {
        return new Stats(rtpReceived.get(), rtcpReceived.get(), rtpSent.get(), rtcpSent.get(), unprotectFailures.get(),
                earlyBuffered.get(), earlyReplayed.get(), earlyDropped.get());
    }

    @Override
    public String toString() {
        return "SecureTransport[" + role + ", " + state + (failureReason == null ? "" : " " + failureReason) + "]";
    }

    // --- sending --------------------------------------------------------------------------------------

    private boolean send(byte[] buffer, int offset, int length, boolean rtcp) {
        SrtpSession.requireSpareCapacity(buffer, offset, length);
        SrtpSession srtp = session;
        if (srtp == null || state != State.SECURE) {
            return false;
        }
        int protectedLength = rtcp ? srtp.protectRtcp(buffer, offset, length) : srtp.protectRtp(buffer, offset, length);
        if (protectedLength < 0) {
            return false;
        }
        boolean sent;
        try {
            sent = path.send(buffer, offset, protectedLength);
        } catch (RuntimeException e) { // a path should return false, but loss is loss either way
            LOG.debug("sending SRTP failed", e);
            sent = false;
        }
        if (sent) {
            (rtcp ? rtcpSent : rtpSent).incrementAndGet();
        }
        return sent;
    }

    // --- receiving ------------------------------------------------------------------------------------

    /** The path's receiver: RFC 7983 demultiplexing by the first byte. */
    private void onDatagram(byte[] buffer, int offset, int length) {
        if (length < 1) {
            return;
        }
        int first = buffer[offset] & 0xFF;
        if (first >= 20 && first <= 63) {
            if (!state.isFinal()) {
                dtls.onDatagram(buffer, offset, length);
            }
        } else if (first >= 128 && first <= 191) {
            int second = length > 1 ? buffer[offset + 1] & 0xFF : 0;
            onSrtp(buffer, offset, length, second >= 192 && second <= 223);
        }
        // 0–3 is STUN, which ICE consumes; anything else (TURN channels, ZRTP) is not ours.
    }

    private void onSrtp(byte[] buffer, int offset, int length, boolean rtcp) {
        synchronized (receiveLock) {
            if (state.isFinal()) {
                return;
            }
            SrtpSession srtp = session;
            if (srtp != null) {
                deliver(srtp, buffer, offset, length, rtcp);
            } else if (earlyPackets.size() < EARLY_PACKET_LIMIT) {
                byte[] copy = new byte[length];
                System.arraycopy(buffer, offset, copy, 0, length);
                earlyPackets.add(new EarlyPacket(copy, rtcp));
                earlyBuffered.incrementAndGet();
            } else {
                earlyDropped.incrementAndGet();
            }
        }
    }

    /** Unprotects and hands over one packet; the caller holds receiveLock. */
    private void deliver(SrtpSession srtp, byte[] buffer, int offset, int length, boolean rtcp) {
        int plainLength = rtcp ? srtp.unprotectRtcp(buffer, offset, length) : srtp.unprotectRtp(buffer, offset, length);
        if (plainLength < 0) {
            unprotectFailures.incrementAndGet();
            return;
        }
        (rtcp ? rtcpReceived : rtpReceived).incrementAndGet();
        try {
            if (rtcp) {
                mediaListener.onRtcp(buffer, offset, plainLength);
            } else {
                mediaListener.onRtp(buffer, offset, plainLength);
            }
        } catch (RuntimeException e) {
            LOG.warn("the media listener failed", e);
        }
    }

    // --- DTLS outcomes (on a DTLS worker, the deadline timer or the receive thread) ---------------------

    private void handshakeComplete(SrtpKeys keys) {
        SrtpSession srtp = new SrtpSession(keys);
        boolean secure;
        synchronized (receiveLock) {
            session = srtp;
            secure = transition(State.SECURE, null);
            if (secure) {
                int replayed = 0;
                for (EarlyPacket packet; (packet = earlyPackets.poll()) != null; replayed++) {
                    deliver(srtp, packet.data(), 0, packet.data().length, packet.rtcp());
                }
                earlyReplayed.addAndGet(replayed);
            }
            earlyPackets.clear();
        }
        if (!secure) {
            srtp.close();
        }
        dispatchEvents();
    }

    private void failed(FailureReason reason, String detail) {
        if (transition(State.FAILED, reason)) {
            LOG.info("secure transport ({}) failed: {} ({})", role, reason, detail);
            release();
        }
        dispatchEvents();
    }

    private void release() {
        dtls.close();
        SrtpSession srtp = session;
        if (srtp != null) {
            srtp.close();
        }
        synchronized (receiveLock) {
            earlyPackets.clear();
        }
    }

    // --- state ----------------------------------------------------------------------------------------

    /** Moves to {@code next} if legal and queues the notification; the caller then calls dispatchEvents. */
    private boolean transition(State next, FailureReason reason) {
        synchronized (stateLock) {
            State previous = state;
            if (!previous.canMoveTo(next)) {
                return false;
            }
            failureReason = next == State.FAILED ? reason : null;
            state = next;
            FailureReason notified = failureReason;
            events.add(() -> notifyState(previous, next, notified));
            return true;
        }
    }

    /** Runs queued notifications in order, one thread at a time, without holding any lock. */
    private void dispatchEvents() {
        while (!events.isEmpty()) {
            if (!dispatching.compareAndSet(false, true)) {
                return; // the thread dispatching now will see our event
            }
            try {
                for (Runnable event; (event = events.poll()) != null; ) {
                    event.run();
                }
            } finally {
                dispatching.set(false);
            }
        }
    }

    private void notifyState(State previous, State current, FailureReason reason) {
        StateListener listener = stateListener;
        if (listener == null) {
            return;
        }
        try {
            listener.onStateChanged(previous, current, reason);
        } catch (RuntimeException e) {
            LOG.warn("the state listener failed", e);
        }
    }
}
