package org.chorus.media;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chorus.jingle.Fingerprint;
import org.chorus.jingle.IceCandidates;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.JingleCandidate;
import org.chorus.jingle.LocalTransport;
import org.chorus.media.dtls.DtlsFingerprint;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.ice.IceSession;
import org.chorus.media.ice.SharedUdpPort;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.srtp.SrtpProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of one Jingle session, for the gateway and for a client alike: ICE on a
 * {@link SharedUdpPort}, then DTLS-SRTP on the selected pair. Plaintext RTP and RTCP go to a
 * {@link PacketSink} on the port's receive thread; state changes go to a {@link Listener} on the
 * executor given (the gateway's signalling thread; a client takes them where they happen).
 *
 * <p>Who starts what is the {@link Start}: ICE is controlling on the side that offered; DTLS starts
 * at once as server, once ICE is connected as client.
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

    /** Why a leg failed, and so how its Jingle session ends on the gateway (PROTOCOL.md §5, §7). */
    public enum Failure {
        /** ICE or DTLS did not complete: {@code <failed-transport/>}. */
        TRANSPORT("failed-transport"),
        /** The DTLS certificate did not match the signalled fingerprint: {@code <security-error/>}. */
        SECURITY("security-error"),
        /** ICE consent was lost after the leg worked: {@code <timeout/>}. */
        CONSENT("timeout"),
        /** The peer closed DTLS: it is leaving, and its session-terminate is usually on its way. */
        CLOSED("gone"),
        /** DTLS failed on a fatal alert or a bad message: {@code <failed-transport/>}. */
        PROTOCOL("failed-transport");

        public final String jingleReason;

        Failure(String jingleReason) {
            this.jingleReason = jingleReason;
        }
    }

    /**
     * Who starts what. ICE is controlling on the side that offered (PROTOCOL.md §11). DTLS starts at
     * once as server (it holds no thread until the peer's ClientHello comes), and once ICE is
     * connected as client (a first flight sent before that is lost, and the handshake would hold a
     * DTLS worker until BouncyCastle sends it again, a second later).
     *
     * @param dtlsRole the DTLS role if known now (answering), or the likely one (offering actpass);
     *     see {@link MediaLeg#useRole}
     */
    public record Start(boolean offerer, DtlsRole dtlsRole) {
        public Start {
            Objects.requireNonNull(dtlsRole, "dtlsRole");
        }

        /** The offering side, guessing the role the answer will give it. */
        public static Start offering(DtlsRole likelyRole) {
            return new Start(true, likelyRole);
        }

        /** The answering side, with the role its answer takes (or will take). */
        public static Start answering(DtlsRole role) {
            return new Start(false, role);
        }

        boolean iceControlling() {
            return offerer;
        }

        static boolean dtlsAtOnce(DtlsRole role) {
            return role == DtlsRole.SERVER;
        }
    }

    /** State changes, on the leg's event executor. */
    public interface Listener {
        void secure(MediaLeg leg);

        /** @param detail what failed, in words (e.g. "ICE failed: CONSENT_EXPIRED") */
        void failed(MediaLeg leg, Failure failure, String detail);
    }

    /** Plaintext packets, on the port's receive thread; the buffer is only valid during the call. */
    public interface PacketSink {
        void rtp(byte[] buffer, int offset, int length);

        void rtcp(byte[] buffer, int offset, int length);
    }

    private static final PacketSink NO_SINK = new PacketSink() {
        @Override
        public void rtp(byte[] buffer, int offset, int length) {}

        @Override
        public void rtcp(byte[] buffer, int offset, int length) {}
    };

    private final LegResources resources;
    private final SharedUdpPort port;
    private final String name;
    private final Executor events;
    private final Listener listener;
    private final IceSession ice;
    private final Object lock = new Object();
    private volatile SecureTransport transport;
    private final AtomicBoolean dtlsStarted = new AtomicBoolean();
    private volatile PacketSink sink = NO_SINK;
    private volatile long lastMediaNanos = System.nanoTime();
    private volatile State state = State.NEW; // written under lock; read without, per forwarded packet

    /**
     * @param port the port from {@code resources.openPort()}; given back to {@code resources} on {@link #close}
     * @param events where the listener is called: the gateway's signalling executor, or
     *     {@code Runnable::run} to be called on the ICE event thread or DTLS worker (never block there)
     */
    public MediaLeg(LegResources resources, SharedUdpPort port, String name, Start start, Executor events,
            Listener listener) throws IOException {
        this.resources = Objects.requireNonNull(resources, "resources");
        this.port = Objects.requireNonNull(port, "port");
        this.name = name;
        this.events = Objects.requireNonNull(events, "events");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ice = IceSession.builder(port)
                .controlling(start.iceControlling())
                .name(name)
                .listener(this::iceStateChanged)
                .build();
        this.transport = newTransport(start.dtlsRole());
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    public boolean isSecure() {
        return state() == State.SECURE;
    }

    /** The port the leg runs on. */
    public SharedUdpPort port() {
        return port;
    }

    /** Our ICE credentials, candidates and DTLS fingerprint, for the offer or the answer. */
    public LocalTransport localTransport() {
        List<JingleCandidate> candidates = IceCandidates.toJingle(ice.localCandidates());
        return new LocalTransport(ice.localUfrag(), ice.localPassword(), resources.certificate().hashFunction(),
                resources.certificate().fingerprint(), candidates);
    }

    public DtlsRole role() {
        return transport.role();
    }

    /**
     * Makes sure the DTLS role is the one the session settled on. Only an offer whose answer took
     * the other role than the one guessed changes anything, and only before {@link #start}.
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
        Fingerprint fp = remote.fingerprint();
        if (fp != null && fp.hasKnownHash()) {
            transport.setRemoteFingerprint(new DtlsFingerprint(fp.hash(), fp.value()));
        }
        addRemoteCandidates(remote);
    }

    /** The candidates of a transport (trickled or not), and its gathering-complete. */
    public void addRemoteCandidates(IceTransport remote) {
        for (JingleCandidate c : remote.candidates()) {
            if (!addRemoteCandidate(c)) {
                log.debug("{}: ignoring candidate {} ({} {})", name, c.foundation(), c.protocol(), c.type());
            }
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

    /** Whether the peer said it has sent all its candidates. */
    public boolean isRemoteGatheringComplete() {
        return ice.isRemoteGatheringComplete();
    }

    public void setSink(PacketSink sink) {
        this.sink = sink == null ? NO_SINK : sink;
    }

    /** Starts connectivity checks, and DTLS as {@link Start} says, each with the connect timeout. */
    public void start() {
        synchronized (lock) {
            if (state != State.NEW) {
                return;
            }
            state = State.CONNECTING;
        }
        ice.start();
        IceSession.State iceState = ice.state();
        if (Start.dtlsAtOnce(transport.role()) || iceState == IceSession.State.CONNECTED
                || iceState == IceSession.State.DISCONNECTED) {
            startDtls();
        }
    }

    /** Protects and sends an RTP packet in place, then releases the buffer. */
    public boolean sendRtp(PacketBuffer packet) {
        try {
            return sendRtp(packet.array(), packet.offset(), packet.length());
        } finally {
            packet.release();
        }
    }

    /** Protects and sends an RTCP packet in place, then releases the buffer. */
    public boolean sendRtcp(PacketBuffer packet) {
        try {
            return sendRtcp(packet.array(), packet.offset(), packet.length());
        } finally {
            packet.release();
        }
    }

    /** Protects an RTP packet in place (64 spare bytes must follow it) and sends it; false before DTLS is done. */
    public boolean sendRtp(byte[] buffer, int offset, int length) {
        SecureTransport t = transport;
        return t.state() == SecureTransport.State.SECURE && t.sendRtp(buffer, offset, length);
    }

    /** Protects an RTCP packet in place (64 spare bytes must follow it) and sends it; false before DTLS is done. */
    public boolean sendRtcp(byte[] buffer, int offset, int length) {
        SecureTransport t = transport;
        return t.state() == SecureTransport.State.SECURE && t.sendRtcp(buffer, offset, length);
    }

    /** When the peer last sent media (RTP or RTCP), from {@link System#nanoTime()}. */
    public long lastMediaNanos() {
        return lastMediaNanos;
    }

    public IceSession.State iceState() {
        return ice.state();
    }

    /** The DTLS-SRTP counters. */
    public SecureTransport.Stats stats() {
        return transport.stats();
    }

    /** The negotiated SRTP profile; null until DTLS has agreed on one. */
    public SrtpProfile profile() {
        return transport.profile();
    }

    /** Closes DTLS and ICE, and gives the port back. Idempotent. */
    public void close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        try {
            transport.close();
        } catch (RuntimeException e) {
            log.debug("{}: closing DTLS failed", name, e);
        }
        try {
            ice.close();
        } finally {
            resources.releasePort(port);
        }
    }

    @Override
    public String toString() {
        return "MediaLeg[" + name + ", " + state + "]";
    }

    // --- internals ---

    private SecureTransport newTransport(DtlsRole role) {
        // DTLS gets the time ICE gets: a leg whose handshake never completes fails within the connect timeout.
        SecureTransport t = new SecureTransport(ice, resources.dtlsWorkers(), resources.certificate(), role,
                SrtpProfile.DEFAULT_PREFERENCE, null, resources.iceSettings().connectTimeout());
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
                log.info("{}: secure ({}, {})", name, t.role(), t.profile());
                events.execute(() -> listener.secure(this));
            }
        } else if (current == SecureTransport.State.FAILED) {
            if (reason == SecureTransport.FailureReason.FINGERPRINT_MISMATCH) {
                fail(Failure.SECURITY, "the DTLS certificate does not match the fingerprint");
            } else if (reason == SecureTransport.FailureReason.CLOSED_BY_PEER) {
                fail(Failure.CLOSED, "the peer closed DTLS");
            } else if (reason == SecureTransport.FailureReason.PROTOCOL_ERROR) {
                fail(Failure.PROTOCOL, "DTLS failed: " + reason);
            } else {
                fail(Failure.TRANSPORT, "DTLS failed: " + reason);
            }
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
            String cause = session.failureCause().map(Enum::name).orElse("unknown");
            fail(wasSecure ? Failure.CONSENT : Failure.TRANSPORT, "ICE failed: " + cause);
        }
    }

    private void fail(Failure failure, String detail) {
        if (moveTo(State.FAILED)) {
            log.info("{}: failed ({}: {})", name, failure, detail);
            events.execute(() -> listener.failed(this, failure, detail));
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
