package org.chorus.media.ice;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.attribute.IceControlAttribute;
import org.ice4j.attribute.PriorityAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;

/**
 * One leg's ICE (RFC 8445 full agent, RFC 7675 consent). NOT thread-safe: the owner serializes calls.
 *
 * <p>No threads and no timers of its own: the owner hands it every STUN datagram of the leg
 * ({@link #receiveStun}) and calls {@link #tick} at the deadline it returns. Only host candidates
 * on the port's one socket (plus its advertised address, pruned to the same base), one component
 * (BUNDLE and rtcp-mux), UDP. STUN messages are ice4j's codec ({@link StunCodec}).
 *
 * <p><b>Checks.</b> One pair per remote candidate (at most {@value #MAX_REMOTE_CANDIDATES}), with
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
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(consentInterval, "consentInterval");
            Objects.requireNonNull(consentDisconnectedAfter, "consentDisconnectedAfter");
            Objects.requireNonNull(consentTimeout, "consentTimeout");
        }
    }

    static final int MAX_REMOTE_CANDIDATES = 64;
    static final int PACING_MILLIS = 20;
    static final long PACING_NANOS = PACING_MILLIS * 1_000_000L;
    static final long FIRST_RTO_NANOS = 100_000_000L;
    static final long MAX_RTO_NANOS = 1_600_000_000L;
    static final int MAX_RETRANSMISSIONS = 7;
    /** RFC 8445 §5.1.2.1: type preference 126 (host), local preference 65535, component 1. */
    static final long HOST_PRIORITY = (126L << 24) | (65535L << 8) | 255;
    /** The same for a peer-reflexive candidate (type preference 110): the PRIORITY of our checks. */
    static final long PRFLX_PRIORITY = (110L << 24) | (65535L << 8) | 255;
    private static final int CONSENT_SLOTS = 4;
    private static final char BINDING_REQUEST = Message.BINDING_REQUEST;
    private static final char BINDING_SUCCESS = Message.BINDING_SUCCESS_RESPONSE;
    private static final char BINDING_ERROR = Message.BINDING_ERROR_RESPONSE;

    private final String localUfrag;
    private final String localPassword;
    private final InetSocketAddress localV4;
    private final InetSocketAddress localV6;
    private final long connectTimeoutNanos;
    private final long consentIntervalNanos;
    private final long disconnectedAfterNanos;
    private final long consentTimeoutNanos;
    private final Wire wire;
    private final Events events;
    private final RandomGenerator random;
    private final long tieBreaker;
    private final StunCodec codec = new StunCodec();
    private final ArrayList<IcePair> pairs = new ArrayList<>(2);

    private boolean controlling;
    private String remoteUfrag;
    private String remotePassword;
    private IceSession.State state = IceSession.State.NEW;
    private IceSession.FailureCause failureCause;
    private IcePair selected;
    /** Controlling: the pair being nominated (re-checked with USE-CANDIDATE). */
    private IcePair nominee;
    private long triggerOrder;
    private long connectDeadline;
    private long nextCheckAt;
    private long nextConsentAt;
    private long lastConsentAt;
    private final long[] consentHigh = new long[CONSENT_SLOTS];
    private final int[] consentLow = new int[CONSENT_SLOTS];
    private int consentSlot;

    public IceAgent(Config config, Wire wire, Events events, RandomGenerator random) {
        this.localUfrag = config.localUfrag();
        this.localPassword = config.localPassword();
        this.localV4 = firstOfFamily(config.localAddresses(), true);
        this.localV6 = firstOfFamily(config.localAddresses(), false);
        this.connectTimeoutNanos = config.connectTimeout().toNanos();
        this.consentIntervalNanos = config.consentInterval().toNanos();
        this.disconnectedAfterNanos = config.consentDisconnectedAfter().toNanos();
        this.consentTimeoutNanos = config.consentTimeout().toNanos();
        this.wire = Objects.requireNonNull(wire, "wire");
        this.events = Objects.requireNonNull(events, "events");
        this.random = Objects.requireNonNull(random, "random");
        this.controlling = config.controlling();
        this.tieBreaker = random.nextLong();
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
            IcePair pair = pairFor(address, priority);
            if (pair != null && priority > pair.remotePriority) {
                pair.remotePriority = priority;
                pair.priority = pairPriority(priority);
            }
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

    /** A STUN datagram that arrived from {@code from} (request, success or error response, indication). */
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
            case BINDING_REQUEST -> onRequest(message, bytes, from, nowNanos);
            case BINDING_SUCCESS -> onSuccess(message, bytes, from, nowNanos);
            case BINDING_ERROR -> onError(message, bytes, from);
            default -> { } // indications (keepalives) and other methods need nothing
        }
        if (state == IceSession.State.CHECKING) {
            tick(nowNanos); // a triggered check goes out now when pacing allows
        }
    }

    /**
     * Runs due retransmissions, paced new checks, consent checks and timeouts. Returns the next
     * deadline in nanos (System.nanoTime scale), or Long.MAX_VALUE when nothing is pending.
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
        if (selected != null && selected.remote.equals(from)) {
            return true;
        }
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.state != IcePair.State.FAILED && pair.remote.equals(from)) {
                return true;
            }
        }
        return false;
    }

    /** -> CLOSED, no more sends. */
    public void close() {
        if (state != IceSession.State.CLOSED) {
            stopChecks();
            moveTo(IceSession.State.CLOSED);
        }
    }

    boolean isControlling() {
        return controlling;
    }

    int pairCount() {
        return pairs.size();
    }

    @Override
    public String toString() {
        return "IceAgent[" + localUfrag + " " + state + (controlling ? " controlling" : " controlled")
                + " pairs=" + pairs + "]";
    }

    // ---- checking ----

    private long tickChecking(long now) {
        if (now - connectDeadline >= 0) {
            fail(IceSession.FailureCause.CONNECT_TIMEOUT);
            return Long.MAX_VALUE;
        }
        long next = connectDeadline;
        boolean anyFailed = false;
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
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
                    return Long.MAX_VALUE; // the wire or an event closed the agent
                }
            }
            next = Math.min(next, pair.retransmitAt);
        }
        if (anyFailed && allFailed()) {
            fail(IceSession.FailureCause.CHECKS_FAILED);
            return Long.MAX_VALUE;
        }
        if (remotePassword == null) {
            return next;
        }
        if (now - nextCheckAt >= 0) {
            IcePair pair = nextToCheck();
            if (pair != null) {
                startCheck(pair, now);
                if (state != IceSession.State.CHECKING) {
                    return Long.MAX_VALUE;
                }
                nextCheckAt = now + PACING_NANOS;
                next = Math.min(next, pair.retransmitAt);
            }
        }
        if (nextToCheck() != null) {
            next = Math.min(next, Math.max(nextCheckAt, now));
        }
        return next;
    }

    /** The triggered pair queued first, else the waiting pair of highest priority, else null. */
    private IcePair nextToCheck() {
        IcePair best = null;
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.triggered && (best == null || !best.triggered || pair.triggeredOrder < best.triggeredOrder)) {
                best = pair;
            } else if (!pair.triggered && pair.state == IcePair.State.WAITING && !pair.inFlight()
                    && (best == null || (!best.triggered && pair.priority > best.priority))) {
                best = pair;
            }
        }
        return best;
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

    private void sendCheck(IcePair pair) {
        Request request = request(pair.transactionHigh, pair.transactionLow, pair.transactionControlling);
        if (pair.transactionNominates) {
            request.putAttribute(AttributeFactory.createUseCandidateAttribute());
        }
        send(request, remotePassword, pair.remote);
    }

    private Request request(long high, int low, boolean asControlling) {
        Request request = MessageFactory.createBindingRequest();
        setTransactionId(request, high, low);
        request.putAttribute(AttributeFactory.createUsernameAttribute(remoteUfrag + ":" + localUfrag));
        request.putAttribute(AttributeFactory.createPriorityAttribute(PRFLX_PRIORITY));
        request.putAttribute(asControlling
                ? AttributeFactory.createIceControllingAttribute(tieBreaker)
                : AttributeFactory.createIceControlledAttribute(tieBreaker));
        return request;
    }

    private void trigger(IcePair pair) {
        if (pair.inFlight() || pair.triggered) {
            return;
        }
        if (pair.state == IcePair.State.FAILED) {
            pair.moveTo(IcePair.State.WAITING);
        }
        pair.triggered = true;
        pair.triggeredOrder = ++triggerOrder;
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

    private boolean allFailed() {
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i).state != IcePair.State.FAILED) {
                return false;
            }
        }
        return !pairs.isEmpty();
    }

    /** Controlling, while checking: re-check the best valid pair with USE-CANDIDATE (regular nomination). */
    private void nominateBest() {
        if (!controlling || nominee != null || state != IceSession.State.CHECKING) {
            return;
        }
        IcePair best = null;
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.state == IcePair.State.SUCCEEDED && (best == null || pair.priority > best.priority)) {
                best = pair;
            }
        }
        if (best != null) {
            nominee = best;
            best.endTransaction();
            trigger(best);
        }
    }

    private void select(IcePair pair, long now) {
        selected = pair;
        nominee = null;
        stopChecks();
        lastConsentAt = now;
        nextConsentAt = now + consentDelay();
        moveTo(IceSession.State.CONNECTED);
    }

    private void stopChecks() {
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            pair.endTransaction();
            pair.triggered = false;
        }
    }

    // ---- consent (RFC 7675) ----

    private long tickConsent(long now) {
        long silent = now - lastConsentAt;
        if (silent >= consentTimeoutNanos) {
            fail(IceSession.FailureCause.CONSENT_EXPIRED);
            return Long.MAX_VALUE;
        }
        if (state == IceSession.State.CONNECTED && silent >= disconnectedAfterNanos) {
            moveTo(IceSession.State.DISCONNECTED);
            if (state.isTerminal()) {
                return Long.MAX_VALUE;
            }
        }
        if (now - nextConsentAt >= 0) {
            nextConsentAt = now + consentDelay();
            sendConsent();
            if (state.isTerminal()) {
                return Long.MAX_VALUE;
            }
        }
        long next = Math.min(nextConsentAt, lastConsentAt + consentTimeoutNanos);
        if (state == IceSession.State.CONNECTED) {
            next = Math.min(next, lastConsentAt + disconnectedAfterNanos);
        }
        return next;
    }

    private long consentDelay() {
        return (long) (consentIntervalNanos * random.nextDouble(0.8, 1.2));
    }

    private void sendConsent() {
        long high = random.nextLong();
        int low = random.nextInt();
        consentHigh[consentSlot] = high;
        consentLow[consentSlot] = low;
        consentSlot = (consentSlot + 1) % CONSENT_SLOTS;
        send(request(high, low, controlling), remotePassword, selected.remote);
    }

    private boolean isConsentTransaction(long high, int low) {
        for (int i = 0; i < CONSENT_SLOTS; i++) {
            if (consentHigh[i] == high && consentLow[i] == low) {
                consentHigh[i] = 0;
                consentLow[i] = 0;
                return true;
            }
        }
        return false;
    }

    private void consentRefreshed(long now) {
        lastConsentAt = now;
        if (state == IceSession.State.DISCONNECTED) {
            moveTo(IceSession.State.CONNECTED);
        }
    }

    // ---- incoming ----

    private void onRequest(Message request, byte[] bytes, InetSocketAddress from, long now) {
        Attribute username = request.getAttribute(Attribute.USERNAME);
        if (username == null || request.getAttribute(Attribute.MESSAGE_INTEGRITY) == null) {
            reject(request, ErrorCodeAttribute.BAD_REQUEST, null, from);
            return;
        }
        if (!isOurs(((UsernameAttribute) username).getUsername())
                || !codec.integrityMatches(request, bytes, localPassword)) {
            reject(request, ErrorCodeAttribute.UNAUTHORIZED, null, from);
            return;
        }
        if (roleConflictLost(request)) {
            reject(request, ErrorCodeAttribute.ROLE_CONFLICT, localPassword, from);
            return;
        }
        Response response = MessageFactory.createBindingResponse((Request) request,
                new TransportAddress(from.getAddress(), from.getPort(), Transport.UDP));
        copyTransactionId(request, response);
        send(response, localPassword, from);
        if (state != IceSession.State.NEW && state != IceSession.State.CHECKING) {
            return; // connected (a consent check of the peer) or closed by an event
        }
        IcePair pair = pairFor(from, prflxPriority(request));
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
            trigger(pair);
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
        long high = transactionHigh(bytes);
        int low = transactionLow(bytes);
        IcePair pair = pairWithTransaction(high, low);
        if (pair == null) {
            if (selected != null && from.equals(selected.remote) && isConsentTransaction(high, low)
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
        IcePair pair = pairWithTransaction(transactionHigh(bytes), transactionLow(bytes));
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
                trigger(pair);
            }
            return;
        }
        pairFailed(pair);
        failIfAllFailed();
    }

    private void failIfAllFailed() {
        if (state == IceSession.State.CHECKING && allFailed()) {
            fail(IceSession.FailureCause.CHECKS_FAILED);
        }
    }

    private boolean isOurs(byte[] username) {
        String text = new String(username, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return colon > 0 && text.regionMatches(0, localUfrag, 0, colon) && colon == localUfrag.length();
    }

    private static long prflxPriority(Message request) {
        Attribute priority = request.getAttribute(Attribute.PRIORITY);
        return priority instanceof PriorityAttribute p ? p.getPriority() : PRFLX_PRIORITY;
    }

    private void switchRole() {
        controlling = !controlling;
        nominee = null;
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            pair.priority = pairPriority(pair.remotePriority);
        }
        nominateBest();
    }

    // ---- pairs ----

    /** The pair of {@code remote}, made when new (with {@code priority}); null past the cap or without a local address of its family. */
    private IcePair pairFor(InetSocketAddress remote, long priority) {
        if (remote == null || remote.isUnresolved()) {
            return null;
        }
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i).remote.equals(remote)) {
                return pairs.get(i);
            }
        }
        boolean v4 = remote.getAddress() instanceof Inet4Address;
        if (pairs.size() >= MAX_REMOTE_CANDIDATES || (v4 ? localV4 : localV6) == null) {
            return null;
        }
        IcePair pair = new IcePair(remote, priority);
        pair.priority = pairPriority(priority);
        pairs.add(pair);
        return pair;
    }

    private long pairPriority(long remotePriority) {
        return controlling
                ? IcePair.pairPriority(HOST_PRIORITY, remotePriority)
                : IcePair.pairPriority(remotePriority, HOST_PRIORITY);
    }

    private IcePair pairWithTransaction(long high, int low) {
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.matches(high, low)) {
                return pair;
            }
        }
        return null;
    }

    private static InetSocketAddress firstOfFamily(List<InetSocketAddress> addresses, boolean v4) {
        for (InetSocketAddress address : addresses) {
            if (!address.isUnresolved() && (address.getAddress() instanceof Inet4Address) == v4) {
                return address;
            }
        }
        return null;
    }

    // ---- state and sending ----

    private void fail(IceSession.FailureCause cause) {
        failureCause = cause;
        stopChecks();
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

    private void reject(Message request, char code, String password, InetSocketAddress to) {
        Response response = MessageFactory.createBindingErrorResponse(code);
        copyTransactionId(request, response);
        send(response, password, to);
    }

    private void send(Message message, String password, InetSocketAddress to) {
        if (state.isTerminal()) {
            return;
        }
        int length = codec.encode(message, password);
        wire.send(codec.buffer(), 0, length, to);
    }

    private static void copyTransactionId(Message from, Message to) {
        try {
            to.setTransactionID(from.getTransactionID());
        } catch (org.ice4j.StunException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setTransactionId(Message message, long high, int low) {
        byte[] id = new byte[12];
        for (int i = 0; i < 8; i++) {
            id[i] = (byte) (high >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            id[8 + i] = (byte) (low >>> (24 - 8 * i));
        }
        try {
            message.setTransactionID(id);
        } catch (org.ice4j.StunException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long transactionHigh(byte[] bytes) {
        long high = 0;
        for (int i = 8; i < 16; i++) {
            high = (high << 8) | (bytes[i] & 0xFF);
        }
        return high;
    }

    private static int transactionLow(byte[] bytes) {
        return (StunCodec.u16(bytes, 16) << 16) | StunCodec.u16(bytes, 18);
    }
}
