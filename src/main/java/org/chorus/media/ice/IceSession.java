package org.chorus.media.ice;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.chorus.media.DatagramPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ICE transport of one Jingle session: a full ICE agent ({@link IceAgent}, never ICE-lite)
 * with one component (BUNDLE and rtcp-mux), whose only local candidates are the addresses of a
 * {@link SharedUdpPort}. Once connected it is the {@link DatagramPath} that DTLS-SRTP runs on.
 * It owns no thread: the port's reader threads hand it its datagrams, the {@link PortLoop}'s
 * timer sweep runs its retransmissions, consent checks and timeouts, and the loop's event
 * thread calls its listeners.
 *
 * <p><b>Flow, as Jingle drives it.</b> Create the session ({@code controlling} when the gateway
 * offers, controlled when it answers a client's offer); put {@link #localUfrag()},
 * {@link #localPassword()} and {@link #localCandidates()} in the offer or answer (they are all
 * known at once: the gateway never trickles); hand over the peer's credentials and candidates as
 * they come, before or after {@link #start()}; call {@link #start()} once the session is
 * accepted or answered. Checks begin as soon as both {@code start()} was called and the remote
 * credentials are known. The peer may send no candidates at all: the agent answers its checks
 * (also before {@code start()}) and learns its address as peer-reflexive.
 *
 * <p><b>States.</b> {@code NEW → CHECKING → CONNECTED ⇄ DISCONNECTED}, and from any of them to
 * {@code FAILED} or {@code CLOSED}; {@code FAILED → CLOSED}. See {@link State}. Listeners run on
 * the loop's one event thread, in order, and must return quickly.
 *
 * <p><b>Consent.</b> Once connected, the agent sends a consent-freshness request on the selected
 * pair about every {@link IceSettings#consentInterval()} (RFC 7675). Without a response for the
 * session's {@code consentDisconnectedAfter} the session is {@code DISCONNECTED}; a response
 * brings it back to {@code CONNECTED}; without one for {@code consentTimeout} it is
 * {@code FAILED} with {@link FailureCause#CONSENT_EXPIRED}.
 *
 * <p>Thread-safe: one lock serializes the agent. {@link #close()} always, also after {@code FAILED}.
 */
public final class IceSession implements DatagramPath {

    private static final Logger LOG = LoggerFactory.getLogger(IceSession.class);

    /** Datagrams held while no receiver is set, such as a DTLS ClientHello that beats the answer. */
    static final int MAX_EARLY_DATAGRAMS = EarlyDatagrams.MAX;

    /** The life of a session. */
    public enum State {
        /** Created; candidates and credentials may be exchanged, and the agent answers checks. */
        NEW,
        /** {@link #start()} was called: checks run (or will, once the remote credentials come). */
        CHECKING,
        /** A candidate pair is selected; datagrams flow. */
        CONNECTED,
        /** Connected, but consent has not been confirmed lately; datagrams may still flow. */
        DISCONNECTED,
        /** Gave up; see {@link #failureCause()}. Nothing is sent any more; only {@link #close()} remains. */
        FAILED,
        /** Closed by {@link #close()}. */
        CLOSED;

        public boolean isTerminal() {
            return this == FAILED || this == CLOSED;
        }

        /** Whether a session in this state may move to {@code next}. */
        public boolean canMoveTo(State next) {
            return switch (this) {
                case NEW -> next == CHECKING || next == CLOSED;
                case CHECKING -> next == CONNECTED || next == FAILED || next == CLOSED;
                case CONNECTED -> next == DISCONNECTED || next == FAILED || next == CLOSED;
                case DISCONNECTED -> next == CONNECTED || next == FAILED || next == CLOSED;
                case FAILED -> next == CLOSED;
                case CLOSED -> false;
            };
        }
    }

    /** Why a session failed. */
    public enum FailureCause {
        /** Not connected within the connect timeout after {@link #start()}: end the Jingle session with {@code <failed-transport/>}. */
        CONNECT_TIMEOUT,
        /** Every candidate pair failed its checks: end the Jingle session with {@code <failed-transport/>}. */
        CHECKS_FAILED,
        /** The peer stopped confirming consent: it is gone, so remove the participant. */
        CONSENT_EXPIRED
    }

    /** Told about every state change of a session, on the loop's event thread. */
    @FunctionalInterface
    public interface StateListener {
        void stateChanged(IceSession session, State from, State to);
    }

    private final SharedUdpPort port;
    private final PortLoop loop;
    private final String name;
    private final boolean controlling;
    private final String localUfrag;
    private final String localPassword;
    private final List<Candidate> localCandidates;
    private final boolean localIsIpv6;
    private final int channel;
    private final CopyOnWriteArrayList<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final EarlyDatagrams early = new EarlyDatagrams();
    private final PortLoop.Timed timed;

    private final Object lock = new Object();
    // Guarded by lock.
    private final IceAgent agent;
    private final Set<InetSocketAddress> remoteAddresses = new HashSet<>();
    private final OwnedRemotes owned;
    private String remoteUfrag;
    private String remotePassword;
    private boolean remoteGatheringComplete;
    // Written under lock, read without it.
    private volatile State state = State.NEW;
    private volatile InetSocketAddress selected;
    private volatile boolean closed;

    private IceSession(Builder b) throws IOException {
        this.port = b.port;
        this.loop = port.loop();
        this.name = b.name;
        this.controlling = b.controlling;
        this.localIsIpv6 = port.localAddress().getAddress() instanceof Inet6Address;
        this.localUfrag = IceCredentials.ufrag(port.random());
        this.localPassword = IceCredentials.password(port.random());
        this.localCandidates = IceCredentials.candidates(port.advertisedAddresses());
        this.channel = port.nextChannel();
        this.owned = new OwnedRemotes(port, this);
        this.timed = new PortLoop.Timed(this::onTick, name);
        if (b.listener != null) {
            listeners.add(b.listener);
        }
        IceAgent.Config config = new IceAgent.Config(b.controlling, localUfrag, localPassword,
                port.advertisedAddresses(), b.connectTimeout, port.settings().consentInterval(),
                b.consentDisconnectedAfter, b.consentTimeout);
        this.agent = new IceAgent(config, this::wireSend, this::onAgentState,
                new SplittableRandom(port.random().nextLong()));
        if (port.isClosed()) {
            throw new IllegalStateException("the shared port " + port.localAddress() + " is closed");
        }
        if (!port.register(this)) {
            throw new IOException("local ufrag " + localUfrag + " is taken on " + port);
        }
        loop.schedule(timed);
        LOG.debug("{}: ICE session created ({}), candidates {}", name, controlling ? "controlling" : "controlled",
                localCandidates);
    }

    /** A session with the port's timers and no listener. */
    public static IceSession create(SharedUdpPort port, boolean controlling, String name) throws IOException {
        return builder(port).controlling(controlling).name(name).build();
    }

    public static Builder builder(SharedUdpPort port) {
        return new Builder(port);
    }

    /** A name for logs, e.g. the Jingle session ID and the peer's JID. */
    public String name() {
        return name;
    }

    /** The ICE role the session was created with (the agent may switch it to resolve a role conflict). */
    public boolean isControlling() {
        return controlling;
    }

    public String localUfrag() {
        return localUfrag;
    }

    public String localPassword() {
        return localPassword;
    }

    /** Every local candidate, complete from the start: the gateway never trickles. */
    public List<Candidate> localCandidates() {
        return localCandidates;
    }

    /**
     * Sets the peer's ufrag and password; starts the checks if {@link #start()} was already
     * called. Returns true when they are set (or were already, to the same values); false when
     * the session is over, or when they differ from earlier ones: that is an ICE restart, which
     * is not supported (a new session is needed).
     */
    public boolean setRemoteCredentials(String ufrag, String password) {
        if (ufrag == null || ufrag.isBlank() || password == null || password.isBlank()) {
            return false;
        }
        synchronized (lock) {
            if (state.isTerminal()) {
                return false;
            }
            if (remoteUfrag != null) {
                boolean same = remoteUfrag.equals(ufrag) && remotePassword.equals(password);
                if (!same) {
                    LOG.warn("{}: ignoring new remote ICE credentials (an ICE restart, which is not supported)", name);
                }
                return same;
            }
            remoteUfrag = ufrag;
            remotePassword = password;
            agent.setRemoteCredentials(ufrag, password);
            runDueLocked(System.nanoTime());
            return true;
        }
    }

    /**
     * Adds one of the peer's candidates, before or after {@link #start()} (trickle ICE). Returns
     * false, ignoring it, when it is of no use: a TCP candidate (such as Chromium's
     * {@code tcptype='active'} port-9 ones), another component than 1, an address that is not an
     * IP literal (an mDNS name, say; nothing is resolved), a loopback address unless loopback is
     * allowed, the other address family, a duplicate, or a session that is over.
     */
    public boolean addRemoteCandidate(Candidate c) {
        Objects.requireNonNull(c, "candidate");
        String reason = CandidateCheck.rejectReason(c, port.settings().allowLoopback(), localIsIpv6);
        if (reason != null) {
            LOG.debug("{}: ignoring remote candidate {}: {}", name, c, reason);
            return false;
        }
        InetAddress ip = CandidateCheck.literal(c.ip());
        InetSocketAddress address = new InetSocketAddress(ip, c.port());
        synchronized (lock) {
            if (state.isTerminal()) {
                return false;
            }
            if (!remoteAddresses.add(address)) {
                LOG.debug("{}: ignoring duplicate remote candidate {}", name, c);
                return false;
            }
            long priority = c.priority() > 0 ? c.priority() : IceCredentials.defaultPriority(c.type());
            agent.addRemoteCandidate(address, priority);
            runDueLocked(System.nanoTime());
            LOG.debug("{}: remote candidate {} added", name, c);
            return true;
        }
    }

    /** The peer has sent all its candidates ({@code <gathering-complete/>}); informational. */
    public void remoteGatheringComplete() {
        synchronized (lock) {
            remoteGatheringComplete = true;
            LOG.debug("{}: remote gathering complete, {} remote candidate(s)", name, remoteAddresses.size());
        }
    }

    public boolean isRemoteGatheringComplete() {
        synchronized (lock) {
            return remoteGatheringComplete;
        }
    }

    /**
     * Starts connectivity establishment, and the connect timeout. The checks themselves begin
     * now if the remote credentials are known, otherwise as soon as they are. Only the first
     * call does anything.
     */
    public void start() {
        synchronized (lock) {
            if (state != State.NEW) {
                return;
            }
            long now = System.nanoTime();
            agent.start(now);
            runDueLocked(now);
        }
    }

    public State state() {
        return state;
    }

    /** Why the session failed, if it did. */
    public Optional<FailureCause> failureCause() {
        synchronized (lock) {
            return agent.failureCause();
        }
    }

    /** The peer's address on the selected pair, once connected. */
    public Optional<InetSocketAddress> selectedRemoteAddress() {
        return Optional.ofNullable(selected);
    }

    /** Datagrams dropped because no receiver was set and {@value #MAX_EARLY_DATAGRAMS} were already held. */
    public long earlyDatagramsDropped() {
        return early.dropped();
    }

    /** How many datagrams are held for a receiver not set yet. */
    int heldDatagramCount() {
        return early.heldCount();
    }

    /** Adds a listener for later state changes; it is called on the loop's event thread. */
    public void addStateListener(StateListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeStateListener(StateListener listener) {
        listeners.remove(listener);
    }

    /**
     * Sends one datagram to the peer's address on the selected pair. Returns false, dropping it,
     * when no pair is selected yet, or the session failed or is closed; never throws for that.
     */
    @Override
    public boolean send(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        InetSocketAddress to = selected;
        if (to == null || closed || state.isTerminal()) {
            return false;
        }
        return port.send(channel, buffer, offset, length, to);
    }

    /**
     * Sets who receives the datagrams that are not STUN (DTLS, RTP, RTCP); the agent consumes
     * STUN. The receiver is called on a reader thread of the port, must never block, and must
     * copy what it keeps.
     *
     * <p>While no receiver is set, up to {@value #MAX_EARLY_DATAGRAMS} datagrams are held
     * (copied) and later ones dropped: a DTLS ClientHello that arrives before the security layer
     * is ready is not lost. Setting a receiver first hands it the held datagrams, in order, on
     * the calling thread, before this method returns. {@code null} goes back to holding.
     */
    @Override
    public void setReceiver(Receiver r) {
        early.setReceiver(closed ? null : r, name);
    }

    /**
     * Closes the session: stops delivery at once, gives its ufrag and addresses back to the port,
     * and moves to {@link State#CLOSED}. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            agent.close(); // reports CLOSED through onAgentState
            if (state != State.CLOSED) {
                moveLocked(State.CLOSED);
            }
            owned.releaseAll();
            port.unregister(this);
        }
        loop.unschedule(timed);
        early.close();
    }

    @Override
    public String toString() {
        return "IceSession[" + name + ", " + state + "]";
    }

    // ---- the port's reader threads ----

    /** A STUN datagram the port routed here (by ufrag or source address). */
    void receiveStun(byte[] buffer, int offset, int length, InetSocketAddress from) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            agent.receiveStun(buffer, offset, length, from, now);
            runDueLocked(now);
        }
    }

    /** A DTLS, RTP or RTCP datagram from an address this session owns. */
    void receiveData(byte[] buffer, int offset, int length) {
        if (!closed) {
            early.deliver(buffer, offset, length, name);
        }
    }

    // ---- the loop's timer thread ----

    private void onTick(long now) {
        synchronized (lock) {
            if (!closed) {
                runDueLocked(now);
            }
        }
    }

    // ---- called by the agent, from inside its methods, so with the lock held ----

    private void wireSend(byte[] buffer, int offset, int length, InetSocketAddress to) {
        owned.onStunSent(buffer, offset, length, to);
        port.send(channel, buffer, offset, length, to);
    }

    private void onAgentState(State from, State to) {
        moveLocked(to);
        if (to == State.FAILED) {
            LOG.info("{}: ICE failed: {}", name, agent.failureCause().map(Enum::name).orElse("?"));
            owned.releaseAll();
        }
    }

    // ---- helpers; *Locked ones need the lock ----

    /** Runs what the agent has due now, and notes its next deadline and selected address. */
    private void runDueLocked(long now) {
        loop.setDeadline(timed, agent.tick(now));
        InetSocketAddress s = agent.selectedRemote();
        if (!Objects.equals(s, selected)) {
            selected = s;
            if (s != null) {
                owned.own(s);
                LOG.info("{}: ICE connected via {}", name, s);
            }
        }
    }

    private void moveLocked(State next) {
        State from = state;
        if (from == next || !from.canMoveTo(next)) {
            LOG.debug("{}: ignoring ICE state change {} -> {}", name, from, next);
            return;
        }
        state = next;
        LOG.debug("{}: ICE {} -> {}", name, from, next);
        if (!listeners.isEmpty()) {
            // Queued while holding the lock, so listeners see the changes in order.
            loop.execute(() -> notifyListeners(from, next));
        }
    }

    private void notifyListeners(State from, State to) {
        for (StateListener l : listeners) {
            try {
                l.stateChanged(this, from, to);
            } catch (RuntimeException e) {
                LOG.warn("{}: state listener failed", name, e);
            }
        }
    }

    /** Builds an {@link IceSession}; the timers default to the port's settings. */
    public static final class Builder {
        private final SharedUdpPort port;
        private boolean controlling;
        private String name;
        private Duration connectTimeout;
        private Duration consentDisconnectedAfter;
        private Duration consentTimeout;
        private StateListener listener;

        private Builder(SharedUdpPort port) {
            this.port = Objects.requireNonNull(port, "port");
            IceSettings s = port.settings();
            this.connectTimeout = s.connectTimeout();
            this.consentDisconnectedAfter = s.consentDisconnectedAfter();
            this.consentTimeout = s.consentTimeout();
        }

        /** True when the gateway offers (it then drives nomination); false when it answers. */
        public Builder controlling(boolean controlling) {
            this.controlling = controlling;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Consent thresholds: {@code DISCONNECTED} after the first, {@code FAILED} after the second. */
        public Builder consentTimeouts(Duration disconnectedAfter, Duration timeout) {
            this.consentDisconnectedAfter = Objects.requireNonNull(disconnectedAfter);
            this.consentTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** A listener registered before anything can happen, so it sees every change. */
        public Builder listener(StateListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Creates the session and its agent, and registers it with the port.
         *
         * @throws IOException when the port refuses it
         * @throws IllegalStateException when the port is closed
         */
        public IceSession build() throws IOException {
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive");
            }
            IceSettings.validateConsentTimers(port.settings().consentInterval(), consentDisconnectedAfter,
                    consentTimeout);
            if (name == null || name.isBlank()) {
                name = "ice-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
            }
            return new IceSession(this);
        }
    }
}
