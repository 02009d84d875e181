package org.chorus.media;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chorus.jingle.JingleCandidate;
import org.chorus.jingle.Fingerprint;
import org.chorus.jingle.IceCandidates;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.LocalTransport;
import org.chorus.media.dtls.DtlsFingerprint;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.ice.IceSession;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.srtp.SrtpProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of one Jingle session: ICE on the shared port, then DTLS-SRTP on the selected pair.
 * Plaintext RTP and RTCP go to a {@link PacketSink} on the ICE receive thread; state changes go to
 * a {@link Listener} on the signalling executor.
 */
public final class MediaLeg {
    private static final Logger log = LoggerFactory.getLogger(MediaLeg.class);

    /** The life of a leg. */
    public enum State {
        NEW, CONNECTING, SECURE, FAILED, CLOSED;

        boolean canMoveTo(State next) {
            return switch (this) {
                case NEW -> next == CONNECTING || next == FAILED || next == CLOSED;
                case CONNECTING -> next == SECURE || next == FAILED || next == CLOSED;
                case SECURE -> next == FAILED || next == CLOSED;
                case FAILED -> next == CLOSED;
                case CLOSED -> false;
            };
        }
    }

    /** Why a leg failed, and so how its Jingle session ends (PROTOCOL.md §5, §7). */
    public enum Failure {
        /** ICE or DTLS did not complete: {@code <failed-transport/>}. */
        TRANSPORT("failed-transport"),
        /** The DTLS certificate did not match the signalled fingerprint: {@code <security-error/>}. */
        SECURITY("security-error"),
        /** ICE consent was lost after the leg worked: {@code <timeout/>}. */
        CONSENT("timeout"),
        /** The peer closed DTLS: it is leaving, and its session-terminate is usually on its way. */
        CLOSED("gone");

        public final String jingleReason;

        Failure(String jingleReason) {
            this.jingleReason = jingleReason;
        }
    }

    /** State changes, on the signalling executor. */
    public interface Listener {
        void secure(MediaLeg leg);

        void failed(MediaLeg leg, Failure failure, String detail);
    }

    /** Plaintext packets, on the ICE receive thread; the buffer is only valid during the call. */
    public interface PacketSink {
        void rtp(byte[] buffer, int offset, int length);

        void rtcp(byte[] buffer, int offset, int length);
    }

    private final MediaPlane plane;
    private final String name;
    private final Executor signalling;
    private final Listener listener;
    private final IceSession ice;
    private final Object lock = new Object();
    private volatile SecureTransport transport;
    private final AtomicBoolean dtlsStarted = new AtomicBoolean();
    private volatile PacketSink sink = NO_SINK;
    private volatile long lastMediaNanos = System.nanoTime();
    private volatile State state = State.NEW; // written under lock; read without, per forwarded packet

    private static final PacketSink NO_SINK = new PacketSink() {
        @Override
        public void rtp(byte[] buffer, int offset, int length) {}

        @Override
        public void rtcp(byte[] buffer, int offset, int length) {}
    };

    /**
     * @param controlling true when the gateway offers (it calls a member back), false when it answers
     * @param role the DTLS role if known now (answering), or the likely one (offering actpass: the
     *     peer almost always answers 'active', making the gateway the server); see {@link #useRole}
     */
    public MediaLeg(MediaPlane plane, String name, boolean controlling, DtlsRole role, Executor signalling,
            Listener listener) throws IOException {
        this.plane = plane;
        this.name = name;
        this.signalling = signalling;
        this.listener = listener;
        this.ice = IceSession.builder(plane.port())
                .controlling(controlling)
                .name(name)
                .listener(this::iceStateChanged)
                .build();
        this.transport = newTransport(role);
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    /** The gateway's ICE credentials, candidates and DTLS fingerprint, for the offer or the answer. */
    public LocalTransport localTransport() {
        List<JingleCandidate> candidates = IceCandidates.toJingle(ice.localCandidates());
        return new LocalTransport(ice.localUfrag(), ice.localPassword(), plane.certificate().hashFunction(),
                plane.certificate().fingerprint(), candidates);
    }

    public DtlsRole role() {
        return transport.role();
    }

    /**
     * Makes sure the DTLS role is the one the session settled on. Only an offer whose answer took
     * the unusual role ('passive' to our 'actpass') changes anything, and only before {@link #start}.
     */
    public void useRole(DtlsRole role) {
        synchronized (lock) {
            if (transport.role() == role) {
                return;
            }
            if (state != State.NEW) {
                throw new IllegalStateException(name + ": DTLS role cannot change after start");
            }
            transport.close();
            transport = newTransport(role);
        }
    }

    /** The peer's transport: credentials, candidates and fingerprint. */
    public void remote(IceTransport remote) {
        if (remote.ufrag() != null && remote.pwd() != null) {
            ice.setRemoteCredentials(remote.ufrag(), remote.pwd());
        }
        for (JingleCandidate c : remote.candidates()) {
            addRemoteCandidate(c);
        }
        Fingerprint fp = remote.fingerprint();
        if (fp != null && fp.hasKnownHash()) {
            transport.setRemoteFingerprint(new DtlsFingerprint(fp.hash(), fp.value()));
        }
        if (remote.gatheringComplete()) {
            ice.remoteGatheringComplete();
        }
    }

    /** A trickled candidate; false when ICE cannot use it (TCP, port 9, another component). */
    public boolean addRemoteCandidate(JingleCandidate candidate) {
        return IceCandidates.toIce(candidate).map(ice::addRemoteCandidate).orElse(false);
    }

    public void remoteGatheringComplete() {
        ice.remoteGatheringComplete();
    }

    public void setSink(PacketSink sink) {
        this.sink = sink == null ? NO_SINK : sink;
    }

    /**
     * Starts connectivity checks, and DTLS, each with the connect timeout: as DTLS server at once (it
     * holds no thread until the peer's ClientHello comes), as DTLS client once ICE is connected (a
     * first flight sent before that is lost, and the handshake would hold a DTLS worker until
     * BouncyCastle sends it again, a second later).
     */
    public void start() {
        synchronized (lock) {
            if (state != State.NEW) {
                return;
            }
            state = State.CONNECTING;
        }
        ice.start();
        IceSession.State iceState = ice.state();
        if (transport.role() == DtlsRole.SERVER || iceState == IceSession.State.CONNECTED
                || iceState == IceSession.State.DISCONNECTED) {
            startDtls();
        }
    }

    /** Protects and sends an RTP packet in place, then releases the buffer. */
    public boolean sendRtp(PacketBuffer packet) {
        try {
            SecureTransport t = transport;
            return t.state() == SecureTransport.State.SECURE && t.sendRtp(packet.array(), packet.offset(), packet.length());
        } finally {
            packet.release();
        }
    }

    /** Protects and sends an RTCP packet in place, then releases the buffer. */
    public boolean sendRtcp(PacketBuffer packet) {
        try {
            SecureTransport t = transport;
            return t.state() == SecureTransport.State.SECURE && t.sendRtcp(packet.array(), packet.offset(), packet.length());
        } finally {
            packet.release();
        }
    }

    /** When the peer last sent media (RTP or RTCP), from {@link System#nanoTime()}. */
    public long lastMediaNanos() {
        return lastMediaNanos;
    }

    public boolean isSecure() {
        return state() == State.SECURE;
    }

    public void close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        transport.close();
        ice.close();
    }

    // --- internals ---

    private SecureTransport newTransport(DtlsRole role) {
        // DTLS gets the time ICE gets: a leg whose handshake never completes fails within the connect timeout.
        SecureTransport t = new SecureTransport(ice, plane.dtlsWorkers(), plane.certificate(), role,
                SrtpProfile.DEFAULT_PREFERENCE, null, plane.port().settings().connectTimeout());
        t.setMediaListener(new SecureTransport.MediaListener() {
            @Override
            public void onRtp(byte[] buffer, int offset, int length) {
                lastMediaNanos = System.nanoTime();
                sink.rtp(buffer, offset, length);
            }

            @Override
            public void onRtcp(byte[] buffer, int offset, int length) {
                lastMediaNanos = System.nanoTime();
                sink.rtcp(buffer, offset, length);
            }
        });
        t.setStateListener((previous, current, reason) -> transportStateChanged(t, current, reason));
        return t;
    }

    private void transportStateChanged(SecureTransport t, SecureTransport.State current, SecureTransport.FailureReason reason) {
        if (t != transport) {
            return;
        }
        if (current == SecureTransport.State.SECURE) {
            if (moveTo(State.SECURE)) {
                lastMediaNanos = System.nanoTime();
                log.info("{}: secure ({})", name, t.profile());
                signalling.execute(() -> listener.secure(this));
            }
        } else if (current == SecureTransport.State.FAILED) {
            Failure failure = reason == SecureTransport.FailureReason.FINGERPRINT_MISMATCH ? Failure.SECURITY
                    : reason == SecureTransport.FailureReason.CLOSED_BY_PEER ? Failure.CLOSED : Failure.TRANSPORT;
            fail(failure, "DTLS " + reason);
        }
    }

    private void startDtls() {
        SecureTransport t;
        synchronized (lock) {
            if (state != State.CONNECTING) {
                return;
            }
            t = transport;
        }
        if (dtlsStarted.compareAndSet(false, true)) {
            try {
                t.start();
            } catch (IllegalStateException e) {
                log.debug("{}: DTLS not started: {}", name, e.getMessage());
            }
        }
    }

    private void iceStateChanged(IceSession session, IceSession.State from, IceSession.State to) {
        if (to == IceSession.State.CONNECTED) {
            startDtls();
        } else if (to == IceSession.State.FAILED) {
            boolean wasSecure = state() == State.SECURE;
            String cause = session.failureCause().map(Enum::name).orElse("failed");
            fail(wasSecure ? Failure.CONSENT : Failure.TRANSPORT, "ICE " + cause);
        }
    }

    private void fail(Failure failure, String detail) {
        if (moveTo(State.FAILED)) {
            log.info("{}: failed ({}: {})", name, failure, detail);
            signalling.execute(() -> listener.failed(this, failure, detail));
        }
    }

    private boolean moveTo(State next) {
        synchronized (lock) {
            if (!state.canMoveTo(next)) {
                return false;
            }
            state = next;
            return true;
        }
    }
}
