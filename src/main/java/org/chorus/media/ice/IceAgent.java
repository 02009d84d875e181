package org.chorus.media.ice;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.attribute.IceControlAttribute;
import org.ice4j.message.Message;

/**
 * One leg's ICE (RFC 8445 full agent, RFC 7675 consent). NOT thread-safe: the owner serializes calls.
 *
 * <p>No threads and no timers of its own: the owner hands it every STUN datagram of the leg
 * ({@link #receiveStun}) and calls {@link #tick} at the deadline it returns. Only host candidates
 * on the port's one socket (plus its advertised address, pruned to the same base), one component
 * (BUNDLE and rtcp-mux), UDP. STUN messages are ice4j's codec ({@link StunCodec}).
 *
 * <p><b>Checks.</b> One pair per remote candidate (at most 64, see {@link IceCheckList}), with
 * the local address of its family. A new check goes out every {@value #PACING_MILLIS} ms,
 * triggered checks first, then the waiting pair of highest priority; a check is retransmitted after
 * 100, 200, 400, 800, 1600, 1600 and 1600 ms and fails 1600 ms after the last retransmission. When
 * every pair has failed the agent is {@code FAILED} ({@code CHECKS_FAILED}); without
 * {@code CONNECTED} within the connect timeout it is {@code FAILED} ({@code CONNECT_TIMEOUT}).
 *
 * <p><b>Nomination.</b> Controlling: the first pair whose check succeeds is checked again with
 * USE-CANDIDATE, and selected when that succeeds. Controlled: a pair is selected once the peer
 * sent USE-CANDIDATE on it and our own check on it succeeded, in either order. Role conflicts are
 * settled by the tie-breaker (RFC 8445 §7.3.1.1, §7.2.5.1).
 *
 * <p><b>Consent.</b> Once connected, a binding request on the selected pair every consent interval
 * (±20 %), each its own transaction, never retransmitted; any success response on the selected
 * pair refreshes consent.
 */
public final class IceAgent {

    /** Where the agent's STUN messages go; called synchronously from inside agent methods. Must not block. */
    public interface Wire {
        void send(byte[] buffer, int offset, int length, InetSocketAddress to);
    }

    /** Called synchronously from inside agent methods when the state or the selected pair changes. */
    public interface Events {
        void stateChanged(IceSession.State from, IceSession.State to);
    }

    /**
     * The agent's fixed settings: its role at the start, its credentials, the host (and advertised)
     * addresses of the port, the connect timeout from {@link #start} to {@code CONNECTED}, and the
     * consent timings (RFC 7675: a check about every {@code consentInterval}, randomized ±20 %;
     * {@code DISCONNECTED} after {@code consentDisconnectedAfter} without a response, {@code FAILED}
     * after {@code consentTimeout}).
     */
    public record Config(boolean controlling, String localUfrag, String localPassword,
                         List<InetSocketAddress> localAddresses,
                         Duration connectTimeout,
                         Duration consentInterval,
                         Duration consentDisconnectedAfter,
                         Duration consentTimeout) {
        public Config {
            Objects.requireNonNull(localUfrag, "localUfrag");
            Objects.requireNonNull(localPassword, "localPassword");
            localAddresses = List.copyOf(localAddresses);
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(consentInterval, "consentInterval");
            requirePositive(consentDisconnectedAfter, "consentDisconnectedAfter");
            requirePositive(consentTimeout, "consentTimeout");
        }

        private static void requirePositive(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
        }
    }

    static final int MAX_REMOTE_CANDIDATES = IceCheckList.MAX_REMOTE_CANDIDATES;
    static final long HOST_PRIORITY = IceCheckList.HOST_PRIORITY;
    /** RFC 8445 §5.1.2.1 for a peer-reflexive candidate (type preference 110): the PRIORITY of our checks. */
    static final long PRFLX_PRIORITY = (110L << 24) | (65535L << 8) | 255;
    static final int PACING_MILLIS = 20;
    static final long PACING_NANOS = PACING_MILLIS * 1_000_000L;
    static final long FIRST_RTO_NANOS = 100_000_000L;
    static final long MAX_RTO_NANOS = 1_600_000_000L;
    static final int MAX_RETRANSMISSIONS = 7;

    private final String localUfrag;
    private final String localPassword;
    private final long connectTimeoutNanos;
    private final Wire wire;
    private final Events events;
    private final RandomGenerator random;
    private final long tieBreaker;
    private final StunCodec codec = new StunCodec();
    private final IceCheckList checks;
    private final ConsentFreshness consent;

    private boolean controlling;
    private String remoteUfrag;
    private String remotePassword;
    private IceSession.State state = IceSession.State.NEW;
    private IceSession.FailureCause failureCause;
    private IcePair selected;
    /** Controlling: the pair being nominated (re-checked with USE-CANDIDATE). */
    private IcePair nominee;
    private long connectDeadline;
    private long nextCheckAt;

    public IceAgent(Config config, Wire wire, Events events, RandomGenerator random) {
        this.localUfrag = config.localUfrag();
        this.localPassword = config.localPassword();
        this.connectTimeoutNanos = config.connectTimeout().toNanos();
        this.wire = Objects.requireNonNull(wire, "wire");
        this.events = Objects.requireNonNull(events, "events");
        this.random = Objects.requireNonNull(random, "random");
        this.controlling = config.controlling();
        this.tieBreaker = random.nextLong();
        this.checks = new IceCheckList(config.localAddresses());
        this.consent = new ConsentFreshness(config.consentInterval().toNanos(),
                config.consentDisconnectedAfter().toNanos(), config.consentTimeout().toNanos(), random);
    }

    public void setRemoteCredentials(String ufrag, String password) {
        if (!state.isTerminal()) {
            this.remoteUfrag = Objects.requireNonNull(ufrag, "ufrag");
            this.remotePassword = Objects.requireNonNull(password, "password");
        }
    }

    /** A host, srflx or prflx candidate from signalling; ignored past the cap or without a local address of its family. */
    public void addRemoteCandidate(InetSocketAddress address, long priority) {
        if (!state.isTerminal()) {
            checks.pairFor(address, priority, controlling);
        }
    }

    /** NEW -> CHECKING; checks begin once remote credentials are known. */
    public void start(long nowNanos) {
        if (state != IceSession.State.NEW) {
            return;
        }
        connectDeadline = nowNanos + connectTimeoutNanos;
        nextCheckAt = nowNanos;
        moveTo(IceSession.State.CHECKING);
        tick(nowNanos);
    }

    /**
     * A STUN datagram that arrived from {@code from} (request, success or error response,
     * indication). It may bring the next deadline forward (a triggered check waits for pacing):
     * call {@link #tick} afterwards to learn it.
     */
    public void receiveStun(byte[] buffer, int offset, int length, InetSocketAddress from, long nowNanos) {
        if (state.isTerminal() || from == null || from.isUnresolved()) {
            return;
        }
        byte[] bytes = StunCodec.exactMessage(buffer, offset, length);
        Message message = bytes == null ? null : StunCodec.decode(bytes);
        if (message == null) {
            return;
        }
        switch (message.getMessageType()) {
            case Message.BINDING_REQUEST -> onRequest(message, bytes, from, nowNanos);
            case Message.BINDING_SUCCESS_RESPONSE -> onSuccess(message, bytes, from, nowNanos);
            case Message.BINDING_ERROR_RESPONSE -> onError(message, bytes, from);
            default -> { } // indications (keepalives) and other methods need nothing
        }
        if (state == IceSession.State.CHECKING) {
            tick(nowNanos); // a triggered check goes out now when pacing allows
        }
    }

    /**
     * Runs due retransmissions, paced new checks, consent checks and timeouts. Returns the next
     * deadline in nanos (System.nanoTime scale), or Long.MAX_VALUE when nothing is pending.
     * Allocates nothing when nothing is due.
     */
    public long tick(long nowNanos) {
        return switch (state) {
            case CHECKING -> tickChecking(nowNanos);
            case CONNECTED, DISCONNECTED -> tickConsent(nowNanos);
            default -> Long.MAX_VALUE;
        };
    }

    public IceSession.State state() {
        return state;
    }

    public Optional<IceSession.FailureCause> failureCause() {
        return Optional.ofNullable(failureCause);
    }

    /** The selected pair's remote address once CONNECTED (also while DISCONNECTED), else null. */
    public InetSocketAddress selectedRemote() {
        boolean up = state == IceSession.State.CONNECTED || state == IceSession.State.DISCONNECTED;
        return up && selected != null ? selected.remote : null;
    }

    /**
     * Whether {@code from} is a remote address of a pair that has not failed (a candidate from
     * signalling or learnt from a valid check, waiting, in progress or valid), or the selected one.
     */
    public boolean knowsRemote(InetSocketAddress from) {
        return (selected != null && selected.remote.equals(from)) || checks.knows(from);
    }

    /** -> CLOSED, no more sends. */
    public void close() {
        if (state != IceSession.State.CLOSED) {
            checks.stopAll();
            moveTo(IceSession.State.CLOSED);
        }
    }

    boolean isControlling() {
        return controlling;
    }

    int pairCount() {
        return checks.size();
    }

    @Override
    public String toString() {
        return "IceAgent[" + localUfrag + " " + state + (controlling ? " controlling" : " controlled")
                + " pairs=" + checks + "]";
    }

    // ---- checking ----

    private long tickChecking(long now) {
        if (now - connectDeadline >= 0) {
            fail(IceSession.FailureCause.CONNECT_TIMEOUT);
            return Long.MAX_VALUE;
        }
        long next = connectDeadline;
        boolean anyFailed = false;
        for (int i = 0; i < checks.size(); i++) {
            IcePair pair = checks.get(i);
            if (!pair.inFlight()) {
                continue;
            }
            if (now - pair.retransmitAt >= 0) {
                if (pair.transmissions > MAX_RETRANSMISSIONS) {
                    pairFailed(pair);
                    anyFailed = true;
                    continue;
                }
                pair.transmissions++;
                pair.lastIntervalNanos = Math.min(pair.lastIntervalNanos * 2, MAX_RTO_NANOS);
                pair.retransmitAt = now + pair.lastIntervalNanos;
                sendCheck(pair);
                if (state != IceSession.State.CHECKING) {
                    return Long.MAX_VALUE; // an event closed the agent
                }
            }
            next = Math.min(next, pair.retransmitAt);
        }
        if (anyFailed && checks.allFailed()) {
            fail(IceSession.FailureCause.CHECKS_FAILED);
            return Long.MAX_VALUE;
        }
        if (remotePassword == null) {
            return next;
        }
        if (now - nextCheckAt >= 0) {
            IcePair pair = checks.nextToCheck();
            if (pair != null) {
                startCheck(pair, now);
                if (state != IceSession.State.CHECKING) {
                    return Long.MAX_VALUE;
                }
                nextCheckAt = now + PACING_NANOS;
                next = Math.min(next, pair.retransmitAt);
            }
        }
        if (checks.nextToCheck() != null) {
            next = Math.min(next, Math.max(nextCheckAt, now));
        }
        return next;
    }

    private void startCheck(IcePair pair, long now) {
        pair.triggered = false;
        if (pair.state == IcePair.State.WAITING) {
            pair.moveTo(IcePair.State.IN_PROGRESS);
        }
        pair.transactionHigh = random.nextLong();
        pair.transactionLow = random.nextInt();
        pair.transactionNominates = controlling && pair == nominee && pair.state == IcePair.State.SUCCEEDED;
        pair.transactionControlling = controlling;
        pair.transmissions = 1;
        pair.lastIntervalNanos = FIRST_RTO_NANOS;
        pair.retransmitAt = now + FIRST_RTO_NANOS;
        sendCheck(pair);
    }

    /** Sends (or re-sends: the same transaction, the same attributes) the pair's check. */
    private void sendCheck(IcePair pair) {
        send(IceMessages.check(pair.transactionHigh, pair.transactionLow, remoteUfrag + ":" + localUfrag,
                PRFLX_PRIORITY, pair.transactionControlling, tieBreaker, pair.transactionNominates),
                remotePassword, pair.remote);
    }

    private void pairFailed(IcePair pair) {
        pair.endTransaction();
        pair.triggered = false;
        pair.moveTo(IcePair.State.FAILED);
        if (pair == nominee) {
            nominee = null;
            nominateBest();
        }
    }

    private void failIfAllFailed() {
        if (state == IceSession.State.CHECKING && checks.allFailed()) {
            fail(IceSession.FailureCause.CHECKS_FAILED);
        }
    }

    /** Controlling, while checking: re-check the best valid pair with USE-CANDIDATE (regular nomination). */
    private void nominateBest() {
        if (!controlling || nominee != null || state != IceSession.State.CHECKING) {
            return;
        }
        IcePair best = checks.bestSucceeded();
        if (best != null) {
            nominee = best;
            best.endTransaction();
            checks.trigger(best);
        }
    }

    private void select(IcePair pair, long now) {
        selected = pair;
        nominee = null;
        checks.stopAll();
        consent.start(now);
        moveTo(IceSession.State.CONNECTED);
    }

    // ---- consent (RFC 7675) ----

    private long tickConsent(long now) {
        if (consent.expired(now)) {
            fail(IceSession.FailureCause.CONSENT_EXPIRED);
            return Long.MAX_VALUE;
        }
        if (state == IceSession.State.CONNECTED && consent.stale(now)) {
            moveTo(IceSession.State.DISCONNECTED);
            if (state.isTerminal()) {
                return Long.MAX_VALUE;
            }
        }
        if (consent.checkDue(now)) {
            long high = random.nextLong();
            int low = random.nextInt();
            consent.checkSent(now, high, low);
            send(IceMessages.check(high, low, remoteUfrag + ":" + localUfrag, PRFLX_PRIORITY, controlling,
                    tieBreaker, false), remotePassword, selected.remote);
            if (state.isTerminal()) {
                return Long.MAX_VALUE;
            }
        }
        return consent.nextDeadline(state == IceSession.State.CONNECTED);
    }

    private void consentRefreshed(long now) {
        consent.refreshed(now);
        if (state == IceSession.State.DISCONNECTED) {
            moveTo(IceSession.State.CONNECTED);
        }
    }

    // ---- incoming ----

    private void onRequest(Message request, byte[] bytes, InetSocketAddress from, long now) {
        if (request.getAttribute(Attribute.USERNAME) == null
                || request.getAttribute(Attribute.MESSAGE_INTEGRITY) == null) {
            send(IceMessages.error(request, ErrorCodeAttribute.BAD_REQUEST), null, from);
            return;
        }
        if (!IceMessages.isFor(request, localUfrag) || !codec.integrityMatches(request, bytes, localPassword)) {
            send(IceMessages.error(request, ErrorCodeAttribute.UNAUTHORIZED), null, from);
            return;
        }
        if (roleConflictLost(request)) {
            send(IceMessages.error(request, ErrorCodeAttribute.ROLE_CONFLICT), localPassword, from);
            return;
        }
        send(IceMessages.success(request, from), localPassword, from);
        if (state != IceSession.State.NEW && state != IceSession.State.CHECKING) {
            return; // connected (a consent check of the peer) or closed by an event
        }
        IcePair pair = checks.pairFor(from, IceMessages.priority(request, PRFLX_PRIORITY), controlling);
        if (pair == null) {
            return;
        }
        if (!controlling && request.getAttribute(Attribute.USE_CANDIDATE) != null) {
            pair.nominatedByPeer = true;
        }
        if (pair.state == IcePair.State.SUCCEEDED) {
            if (!controlling && pair.nominatedByPeer && state == IceSession.State.CHECKING) {
                select(pair, now);
            }
        } else if (!pair.inFlight()) {
            checks.trigger(pair);
        }
    }

    /** RFC 8445 §7.3.1.1: true when the request must be answered 487; may switch our role instead. */
    private boolean roleConflictLost(Message request) {
        Attribute theirs = request.getAttribute(controlling ? Attribute.ICE_CONTROLLING : Attribute.ICE_CONTROLLED);
        if (!(theirs instanceof IceControlAttribute control)) {
            return false;
        }
        boolean oursWins = Long.compareUnsigned(tieBreaker, control.getTieBreaker()) >= 0;
        if (controlling == oursWins) {
            return true; // both controlling and ours is larger, or both controlled and ours is smaller
        }
        switchRole();
        return false;
    }

    private void onSuccess(Message response, byte[] bytes, InetSocketAddress from, long now) {
        long high = StunCodec.transactionHigh(bytes);
        int low = StunCodec.transactionLow(bytes);
        IcePair pair = checks.withTransaction(high, low);
        if (pair == null) {
            if (selected != null && from.equals(selected.remote) && consent.isCheck(high, low)
                    && codec.integrityMatches(response, bytes, remotePassword)) {
                consentRefreshed(now);
            }
            return;
        }
        if (!codec.integrityMatches(response, bytes, remotePassword)) {
            return; // not from the peer: drop, the transaction goes on
        }
        if (!from.equals(pair.remote)) {
            pairFailed(pair); // not symmetric (RFC 8445 §7.2.5.2.1)
            failIfAllFailed();
            return;
        }
        boolean nominated = pair.transactionNominates;
        pair.endTransaction();
        if (pair.state == IcePair.State.IN_PROGRESS) {
            pair.moveTo(IcePair.State.SUCCEEDED);
        }
        if (state != IceSession.State.CHECKING) {
            if (pair == selected) {
                consentRefreshed(now);
            }
            return;
        }
        if (controlling) {
            if (nominated && pair == nominee) {
                select(pair, now);
            } else {
                nominateBest();
            }
        } else if (pair.nominatedByPeer) {
            select(pair, now);
        }
    }

    private void onError(Message response, byte[] bytes, InetSocketAddress from) {
        IcePair pair = checks.withTransaction(StunCodec.transactionHigh(bytes), StunCodec.transactionLow(bytes));
        if (pair == null || !from.equals(pair.remote)) {
            return;
        }
        if (response.getAttribute(Attribute.MESSAGE_INTEGRITY) != null
                && !codec.integrityMatches(response, bytes, remotePassword)) {
            return;
        }
        Attribute error = response.getAttribute(Attribute.ERROR_CODE);
        int code = error instanceof ErrorCodeAttribute e ? e.getErrorCode() : 0;
        if (code == ErrorCodeAttribute.ROLE_CONFLICT) {
            // RFC 8445 §7.2.5.1: take the other role (unless already done) and check the pair again
            if (pair.transactionControlling == controlling) {
                switchRole();
            }
            pair.endTransaction();
            if (pair.state == IcePair.State.IN_PROGRESS) {
                pair.moveTo(IcePair.State.WAITING);
                checks.trigger(pair);
            }
            return;
        }
        pairFailed(pair);
        failIfAllFailed();
    }

    private void switchRole() {
        controlling = !controlling;
        nominee = null;
        checks.reprioritize(controlling);
        nominateBest();
    }

    // ---- state and sending ----

    private void fail(IceSession.FailureCause cause) {
        failureCause = cause;
        checks.stopAll();
        moveTo(IceSession.State.FAILED);
    }

    private void moveTo(IceSession.State next) {
        IceSession.State from = state;
        if (!from.canMoveTo(next)) {
            throw new IllegalStateException(from + " -> " + next);
        }
        state = next;
        events.stateChanged(from, next);
    }

    private void send(Message message, String password, InetSocketAddress to) {
        if (state.isTerminal()) {
            return;
        }
        int length = codec.encode(message, password);
        wire.send(codec.buffer(), 0, length, to);
    }
}
