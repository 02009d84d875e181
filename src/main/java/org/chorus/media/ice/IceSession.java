package org.chorus.media.ice;

import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.chorus.media.DatagramPath;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidatePairState;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.util.Buffer;
import org.ice4j.util.BufferPool;
import org.jitsi.utils.logging2.LogContext;
import org.jitsi.utils.logging2.LoggerImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ICE transport of one Jingle session: one full ice4j {@link Agent} (never ICE-lite) with one
 * stream and one component (BUNDLE and rtcp-mux), whose only local candidates come from a
 * {@link SharedUdpPort}. Once connected it is the {@link DatagramPath} that DTLS-SRTP runs on.
 *
 * <p><b>Flow, as Jingle drives it.</b> Create the session ({@code controlling} when the gateway
 * offers, controlled when it answers a client's offer); put {@link #localUfrag()},
 * {@link #localPassword()} and {@link #localCandidates()} in the offer or answer (they are all
 * known at once: the gateway never trickles); hand over the peer's credentials and candidates as
 * they come, before or after {@link #start()}; call {@link #start()} once the session is
 * accepted or answered. Checks begin as soon as both {@code start()} was called and the remote
 * credentials are known. The peer may send no candidates at all: ice4j answers its checks and
 * learns its address as peer-reflexive.
 *
 * <p><b>States.</b> {@code NEW → CHECKING → CONNECTED ⇄ DISCONNECTED}, and from any of them to
 * {@code FAILED} or {@code CLOSED}; {@code FAILED → CLOSED}. See {@link State}. Listeners run on
 * one shared event thread, in order, and must return quickly.
 *
 * <p><b>Consent.</b> Once connected, ice4j sends a consent-freshness request on the selected pair
 * about every {@link IceSettings#consentInterval()} (RFC 7675). Without a response for the
 * session's {@code consentDisconnectedAfter} (or when ice4j gives a request up) the session is
 * {@code DISCONNECTED}; a response brings it back to {@code CONNECTED}; without one for
 * {@code consentTimeout} it is {@code FAILED} with {@link FailureCause#CONSENT_EXPIRED}.
 *
 * <p>Thread-safe. {@link #close()} always, also after {@code FAILED}.
 */
public final class IceSession implements DatagramPath {

    private static final Logger LOG = LoggerFactory.getLogger(IceSession.class);

    /** Datagrams held while no receiver is set, such as a DTLS ClientHello that beats the answer. */
    static final int MAX_EARLY_DATAGRAMS = 32;
    /** Routes opened up front per session; candidates beyond them wait for the peer's checks. */
    static final int MAX_ROUTES = 16;
    private static final String STREAM_NAME = "bundle";

    /** Runs timers, ice4j event handling and listener calls for every session, one at a time. */
    private static final ScheduledThreadPoolExecutor EVENTS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "chorus-ice-events");
        t.setDaemon(true);
        return t;
    });

    static {
        EVENTS.setRemoveOnCancelPolicy(true);
    }

    /** The life of a session. */
    public enum State {
        /** Created; candidates and credentials may be exchanged, and ice4j answers checks. */
        NEW,
        /** {@link #start()} was called: checks run (or will, once the remote credentials come). */
        CHECKING,
        /** A candidate pair is selected; datagrams flow. */
        CONNECTED,
        /** Connected, but consent has not been confirmed lately; datagrams may still flow. */
        DISCONNECTED,
        /** Gave up; see {@link #failureCause()}. The agent is freed; only {@link #close()} remains. */
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
        /** ice4j ran out of candidate pairs to try: end the Jingle session with {@code <failed-transport/>}. */
        CHECKS_FAILED,
        /** The peer stopped confirming consent: it is gone, so remove the participant. */
        CONSENT_EXPIRED
    }

    /** Told about every state change of a session, on the shared ICE event thread. */
    @FunctionalInterface
    public interface StateListener {
        void stateChanged(IceSession session, State from, State to);
    }

    private final SharedUdpPort port;
    private final String name;
    private final Duration connectTimeout;
    private final Duration consentDisconnectedAfter;
    private final Duration consentTimeout;
    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final String localUfrag;
    private final List<Candidate> localCandidates;
    private final boolean localIsIpv6;
    private final CopyOnWriteArrayList<StateListener> listeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    // Guarded by lock (written there; the volatile ones are read without it).
    private volatile State state = State.NEW;
    private volatile FailureCause failureCause;
    private String remoteUfrag;
    private String remotePassword;
    private boolean startRequested;
    private boolean checksStarted;
    private boolean remoteGatheringComplete;
    private final Set<TransportAddress> remoteAddresses = new LinkedHashSet<>();
    private int routesOpened;
    private ScheduledFuture<?> connectTimer;
    private ScheduledFuture<?> consentWatchdog;

    // Consent bookkeeping, written by ice4j's threads.
    private volatile CandidatePair selectedPair;
    private volatile long lastConsentNanos;
    private volatile boolean selectedPairFailed;

    // Receive path.
    private final Object earlyLock = new Object();
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private volatile Receiver receiver;
    private volatile boolean closed;
    private final AtomicLong earlyDropped = new AtomicLong();
    private final AtomicLong receiverErrors = new AtomicLong();
    private final AtomicBoolean agentReleased = new AtomicBoolean();

    private IceSession(Builder b) throws IOException {
        this.port = b.port;
        this.name = b.name;
        this.connectTimeout = b.connectTimeout;
        this.consentDisconnectedAfter = b.consentDisconnectedAfter;
        this.consentTimeout = b.consentTimeout;
        this.localIsIpv6 = port.localAddress().getAddress() instanceof Inet6Address;
        if (b.listener != null) {
            listeners.add(b.listener);
        }
        if (port.isClosed()) {
            throw new IllegalStateException("the shared port " + port.localAddress() + " is closed");
        }
        Agent a = new Agent(new LoggerImpl(Agent.class.getName(), new LogContext(Map.of("session", name))));
        try {
            a.setControlling(b.controlling);
            a.setUseDynamicPorts(false);
            a.setPerformConsentFreshness(true);
            a.addCandidateHarvester(port.harvester());
            IceMediaStream s = a.createMediaStream(STREAM_NAME);
            Component c = a.createComponent(s, KeepAliveStrategy.SELECTED_ONLY, false);
            if (c.getLocalCandidateCount() == 0) {
                throw new IOException("the shared port " + port.localAddress() + " gave no candidate");
            }
            c.setBufferCallback(this::onBuffer);
            a.addStateChangeListener(this::onAgentEvent);
            s.addPairChangeListener(this::onPairEvent);
            this.agent = a;
            this.stream = s;
            this.component = c;
            this.localUfrag = a.getLocalUfrag();
            this.localCandidates = export(c, a.getGeneration());
            port.register(this); // last: a port closing now closes a complete session
        } catch (IOException | RuntimeException e) {
            a.free();
            port.harvester().forget(a.getLocalUfrag());
            throw e;
        }
        LOG.debug("{}: ICE session created ({}), candidates {}", name, b.controlling ? "controlling" : "controlled",
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

    /** The ICE role now; ice4j may switch it to resolve a role conflict. */
    public boolean isControlling() {
        return agent.isControlling();
    }

    public String localUfrag() {
        return localUfrag;
    }

    public String localPassword() {
        return agent.getLocalPassword();
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
            stream.setRemoteUfrag(ufrag);
            stream.setRemotePassword(password);
            startChecksIfReadyLocked();
            return true;
        }
    }

    /**
     * Adds one of the peer's candidates, before or after {@link #start()} (trickle ICE). Returns
     * false, ignoring it, when it is of no use: a TCP candidate (such as Chromium's
     * {@code tcptype='active'} port-9 ones), another component than 1, an address that is not an
     * IP literal (an mDNS name, say; nothing is resolved), a loopback address unless loopback is
     * allowed, the other address family, a duplicate, or a session that is over.
     *
     * <p>A candidate added while checks run joins ice4j's running check list at once. Once
     * checks run, each address also gets a route on the shared port, so that this side can check
     * it before the peer has sent anything (see {@link SharedHarvester}).
     */
    public boolean addRemoteCandidate(Candidate c) {
        Objects.requireNonNull(c, "candidate");
        String reason = CandidateCheck.rejectReason(c, port.settings().allowLoopback(), localIsIpv6);
        if (reason != null) {
            LOG.debug("{}: ignoring remote candidate {}: {}", name, c, reason);
            return false;
        }
        InetAddress ip = CandidateCheck.literal(c.ip());
        TransportAddress address = new TransportAddress(ip, c.port(), Transport.UDP);
        synchronized (lock) {
            if (state.isTerminal()) {
                return false;
            }
            if (!remoteAddresses.add(address)) {
                LOG.debug("{}: ignoring duplicate remote candidate {}", name, c);
                return false;
            }
            RemoteCandidate related = null;
            InetAddress relIp = c.relAddr() == null ? null : CandidateCheck.literal(c.relAddr());
            if (relIp != null && c.relPort() > 0 && c.relPort() <= 65535) {
                related = component.findRemoteCandidate(new TransportAddress(relIp, c.relPort(), Transport.UDP));
            }
            String foundation = c.foundation() == null || c.foundation().isBlank()
                    ? "r" + remoteAddresses.size() : c.foundation();
            long priority = c.priority() > 0 ? c.priority() : defaultPriority(c.type());
            RemoteCandidate rc = new RemoteCandidate(address, component, toIce4j(c.type()), foundation, priority,
                    related, remoteUfrag);
            if (checksStarted) {
                openRouteLocked(address);
                component.addUpdateRemoteCandidates(rc);
                component.updateRemoteCandidates();
            } else {
                component.addRemoteCandidate(rc);
            }
            LOG.debug("{}: remote candidate {} added{}", name, c, checksStarted ? " to the running checks" : "");
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
            startRequested = true;
            transitionLocked(State.CHECKING);
            connectTimer = EVENTS.schedule(guarded(this::onConnectTimeout), connectTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            startChecksIfReadyLocked();
        }
    }

    public State state() {
        return state;
    }

    /** Why the session failed, if it did. */
    public Optional<FailureCause> failureCause() {
        return Optional.ofNullable(failureCause);
    }

    /** The peer's address on the selected pair, once connected. */
    public Optional<InetSocketAddress> selectedRemoteAddress() {
        CandidatePair pair = selectedPair;
        if (pair == null) {
            return Optional.empty();
        }
        TransportAddress a = pair.getRemoteCandidate().getTransportAddress();
        return Optional.of(new InetSocketAddress(a.getAddress(), a.getPort()));
    }

    /** Datagrams dropped because no receiver was set and {@value #MAX_EARLY_DATAGRAMS} were already held. */
    public long earlyDatagramsDropped() {
        return earlyDropped.get();
    }

    /** How many datagrams are held for a receiver not set yet. */
    int heldDatagramCount() {
        synchronized (earlyLock) {
            return early.size();
        }
    }

    /** Adds a listener for later state changes; it is called on the shared ICE event thread. */
    public void addStateListener(StateListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeStateListener(StateListener listener) {
        listeners.remove(listener);
    }

    /**
     * Sends one datagram on the selected pair (before nomination, on a valid pair, as ice4j
     * allows). Returns false, dropping it, when there is no valid pair yet, or the session failed
     * or is closed; never throws for that.
     */
    @Override
    public boolean send(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        State s = state;
        if (s.isTerminal() || closed) {
            return false;
        }
        try {
            component.send(buffer, offset, length);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.trace("{}: datagram not sent: {}", name, e.toString());
            return false;
        }
    }

    /**
     * Sets who receives the datagrams that are not STUN (DTLS, RTP, RTCP); ice4j consumes STUN.
     * The receiver is called on the shared port's receive thread, must never block, and must
     * copy what it keeps.
     *
     * <p>While no receiver is set, up to {@value #MAX_EARLY_DATAGRAMS} datagrams are held
     * (copied) and later ones dropped: a DTLS ClientHello that arrives before the security layer
     * is ready is not lost. Setting a receiver first hands it the held datagrams, in order, on
     * the calling thread, before this method returns. {@code null} goes back to holding.
     */
    @Override
    public void setReceiver(Receiver r) {
        synchronized (earlyLock) {
            if (r != null && !closed) {
                byte[] d;
                while ((d = early.poll()) != null) {
                    deliver(r, d, 0, d.length);
                }
            }
            receiver = closed ? null : r;
        }
    }

    /**
     * Closes the session: stops delivery at once, frees the agent and its routes on the shared
     * port, and moves to {@link State#CLOSED}. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            closed = true;
            cancelTimersLocked();
            transitionLocked(State.CLOSED);
        }
        synchronized (earlyLock) {
            receiver = null;
            early.clear();
        }
        releaseAgent();
        port.unregister(this);
    }

    @Override
    public String toString() {
        return "IceSession[" + name + ", " + state + "]";
    }

    // ---- ice4j callbacks: never block, never take the session lock (hand work to EVENTS) ----

    /** The push API: ice4j's receive thread, for every non-STUN datagram of this session. */
    private void onBuffer(Buffer b) {
        try {
            if (closed) {
                return;
            }
            Receiver r = receiver;
            if (r == null) {
                r = holdEarly(b);
                if (r == null) {
                    return;
                }
            }
            deliver(r, b.getBuffer(), b.getOffset(), b.getLength());
        } finally {
            // Exactly once, and no exception escapes: ice4j would hand the buffer back again.
            BufferPool.returnBuffer.invoke(b);
        }
    }

    private Receiver holdEarly(Buffer b) {
        synchronized (earlyLock) {
            Receiver r = receiver;
            if (r != null || closed) {
                return r;
            }
            if (early.size() < MAX_EARLY_DATAGRAMS) {
                early.add(Arrays.copyOfRange(b.getBuffer(), b.getOffset(), b.getOffset() + b.getLength()));
            } else {
                earlyDropped.incrementAndGet();
            }
            return null;
        }
    }

    private void deliver(Receiver r, byte[] data, int offset, int length) {
        try {
            r.receive(data, offset, length);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            long n = receiverErrors.incrementAndGet();
            if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th ... error
                LOG.warn("{}: receiver failed ({} time(s) so far)", name, n, e);
            }
        }
    }

    private void onAgentEvent(PropertyChangeEvent e) {
        if (Agent.PROPERTY_ICE_PROCESSING_STATE.equals(e.getPropertyName())
                && e.getNewValue() instanceof IceProcessingState s) {
            EVENTS.execute(guarded(() -> onIce4jState(s)));
        }
    }

    private void onPairEvent(PropertyChangeEvent e) {
        CandidatePair selected = selectedPair;
        if (selected == null || !(e.getSource() instanceof CandidatePair pair) || !pair.equals(selected)) {
            return;
        }
        String property = e.getPropertyName();
        if (IceMediaStream.PROPERTY_PAIR_CONSENT_FRESHNESS_CHANGED.equals(property)) {
            lastConsentNanos = System.nanoTime();
            if (selectedPairFailed || state == State.DISCONNECTED) {
                selectedPairFailed = false;
                EVENTS.execute(guarded(this::checkConsent));
            }
        } else if (IceMediaStream.PROPERTY_PAIR_STATE_CHANGED.equals(property)
                && e.getNewValue() == CandidatePairState.FAILED) {
            // ice4j gave a consent request up after all its retransmissions.
            selectedPairFailed = true;
            EVENTS.execute(guarded(this::checkConsent));
        }
    }

    // ---- on the EVENTS thread ----

    private void onIce4jState(IceProcessingState s) {
        synchronized (lock) {
            if (state.isTerminal()) {
                return;
            }
            if (s == IceProcessingState.COMPLETED || s == IceProcessingState.TERMINATED) {
                if (state != State.CHECKING) {
                    return;
                }
                CandidatePair pair = component.getSelectedPair();
                if (pair == null) {
                    LOG.warn("{}: ice4j reports {} without a selected pair", name, s);
                    return;
                }
                lastConsentNanos = System.nanoTime();
                selectedPairFailed = false;
                selectedPair = pair;
                cancelConnectTimerLocked();
                transitionLocked(State.CONNECTED);
                long period = Math.max(50, Math.min(1000, consentDisconnectedAfter.toMillis() / 5));
                consentWatchdog = EVENTS.scheduleWithFixedDelay(guarded(this::checkConsent), period, period,
                        TimeUnit.MILLISECONDS);
                LOG.info("{}: ICE connected via {}", name, pair.toRedactedShortString());
            } else if (s == IceProcessingState.FAILED) {
                failLocked(FailureCause.CHECKS_FAILED);
            }
        }
    }

    private void onConnectTimeout() {
        synchronized (lock) {
            if (state == State.CHECKING) {
                LOG.info("{}: ICE not connected after {} ms", name, connectTimeout.toMillis());
                failLocked(FailureCause.CONNECT_TIMEOUT);
            }
        }
    }

    private void checkConsent() {
        synchronized (lock) {
            if (state != State.CONNECTED && state != State.DISCONNECTED) {
                return;
            }
            long age = System.nanoTime() - lastConsentNanos;
            if (age >= consentTimeout.toNanos()) {
                LOG.info("{}: no ICE consent for {} ms", name, TimeUnit.NANOSECONDS.toMillis(age));
                failLocked(FailureCause.CONSENT_EXPIRED);
                return;
            }
            boolean stale = selectedPairFailed || age >= consentDisconnectedAfter.toNanos();
            if (state == State.CONNECTED && stale) {
                transitionLocked(State.DISCONNECTED);
            } else if (state == State.DISCONNECTED && !stale) {
                transitionLocked(State.CONNECTED);
            }
        }
    }

    // ---- helpers; *Locked ones need the lock ----

    private void startChecksIfReadyLocked() {
        if (checksStarted || !startRequested || remoteUfrag == null || state.isTerminal()) {
            return;
        }
        checksStarted = true;
        LOG.debug("{}: starting ICE checks with {} remote candidate(s)", name, remoteAddresses.size());
        // Routes only now, when checks can use them: a session that never starts holds none.
        remoteAddresses.forEach(this::openRouteLocked);
        agent.startConnectivityEstablishment();
    }

    private void openRouteLocked(TransportAddress address) {
        if (routesOpened >= MAX_ROUTES) {
            return;
        }
        SharedHarvester.RouteResult result = port.harvester().openRoute(localUfrag,
                new InetSocketAddress(address.getAddress(), address.getPort()));
        if (result == SharedHarvester.RouteResult.OPENED) {
            routesOpened++;
        } else if (result == SharedHarvester.RouteResult.TAKEN) {
            LOG.info("{}: {} belongs to another session on the shared port; waiting for the peer's checks",
                    name, address.toRedactedString());
        }
    }

    private boolean transitionLocked(State next) {
        State from = state;
        if (!from.canMoveTo(next)) {
            LOG.debug("{}: ignoring ICE state change {} -> {}", name, from, next);
            return false;
        }
        state = next;
        LOG.debug("{}: ICE {} -> {}", name, from, next);
        if (!listeners.isEmpty()) {
            // Queued while holding the lock, so listeners see the changes in order.
            EVENTS.execute(guarded(() -> notifyListeners(from, next)));
        }
        return true;
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

    private void failLocked(FailureCause cause) {
        if (!state.canMoveTo(State.FAILED)) {
            return;
        }
        failureCause = cause;
        cancelTimersLocked();
        transitionLocked(State.FAILED);
        LOG.info("{}: ICE failed: {}", name, cause);
        EVENTS.execute(guarded(this::releaseAgent));
    }

    private void cancelConnectTimerLocked() {
        if (connectTimer != null) {
            connectTimer.cancel(false);
            connectTimer = null;
        }
    }

    private void cancelTimersLocked() {
        cancelConnectTimerLocked();
        if (consentWatchdog != null) {
            consentWatchdog.cancel(false);
            consentWatchdog = null;
        }
    }

    private void releaseAgent() {
        if (!agentReleased.compareAndSet(false, true)) {
            return;
        }
        try {
            agent.free();
        } catch (RuntimeException e) {
            LOG.warn("{}: freeing the ICE agent failed", name, e);
        }
        port.harvester().forget(localUfrag);
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("{}: ICE event handling failed", name, e);
            }
        };
    }

    private static List<Candidate> export(Component component, int generation) {
        String idPrefix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
        List<Candidate> out = new ArrayList<>();
        for (LocalCandidate lc : component.getLocalCandidates()) {
            Candidate.Type type = fromIce4j(lc.getType());
            TransportAddress a = lc.getTransportAddress();
            if (type == null || a.getTransport() != Transport.UDP) {
                continue;
            }
            TransportAddress rel = type == Candidate.Type.HOST ? null : lc.getRelatedAddress();
            out.add(new Candidate(lc.getFoundation(), component.getComponentID(), "udp", lc.getPriority(),
                    a.getHostAddress(), a.getPort(), type, generation, idPrefix + out.size(), 0,
                    rel == null ? null : rel.getHostAddress(), rel == null ? 0 : rel.getPort()));
        }
        return List.copyOf(out);
    }

    private static Candidate.Type fromIce4j(CandidateType t) {
        return switch (t) {
            case HOST_CANDIDATE, LOCAL_CANDIDATE -> Candidate.Type.HOST;
            case SERVER_REFLEXIVE_CANDIDATE, STUN_CANDIDATE -> Candidate.Type.SRFLX;
            case PEER_REFLEXIVE_CANDIDATE -> Candidate.Type.PRFLX;
            case RELAYED_CANDIDATE -> Candidate.Type.RELAY;
        };
    }

    private static CandidateType toIce4j(Candidate.Type t) {
        return switch (t) {
            case HOST -> CandidateType.HOST_CANDIDATE;
            case SRFLX -> CandidateType.SERVER_REFLEXIVE_CANDIDATE;
            case PRFLX -> CandidateType.PEER_REFLEXIVE_CANDIDATE;
            case RELAY -> CandidateType.RELAYED_CANDIDATE;
        };
    }

    /** RFC 8445 §5.1.2.1 with the recommended type preferences, for a peer that sent no priority. */
    private static long defaultPriority(Candidate.Type t) {
        int typePreference = switch (t) {
            case HOST -> 126;
            case PRFLX -> 110;
            case SRFLX -> 100;
            case RELAY -> 0;
        };
        return ((long) typePreference << 24) | (65535L << 8) | (256 - Candidate.COMPONENT_RTP);
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
         * Creates the agent, its stream and component, and the local candidates.
         *
         * @throws IOException when the shared port yields no candidate
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
