package org.chorus.jingle.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.JingleConverter;
import org.chorus.jingle.JingleMessages;
import org.chorus.jingle.JingleStanzas;
import org.chorus.jingle.MalformedJingleException;
import org.chorus.jingle.SessionDescription;
import org.chorus.media.ice.SharedUdpPort;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.jitsi.xmpp.extensions.jingle.ReasonPacketExtension;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client role of a Chorus conference (XEP-0521, PROTOCOL.md §5–§7) on one Smack connection: it
 * joins conferences with a {@link SendingSession} and accepts the conference's forwarding sessions as
 * {@link ReceivingSession}s. A receive-only participant (a recorder) never joins; it only accepts.
 *
 * <h2>Jingle</h2>
 * The client registers the one IQ request handler Smack allows for
 * {@code <jingle xmlns='urn:xmpp:jingle:1'/>} of type set, and dispatches by action and sid:
 * <ul>
 *   <li>session-initiate: from a sender {@link Listener#mayInitiate} refuses, {@code forbidden};
 *       otherwise a forwarding session, checked, shown to
 *       {@link Listener#acceptReceivingSession}, and answered with the IQ result and then our
 *       session-accept (or a session-terminate with {@code <decline/>}, {@code <failed-application/>}
 *       or {@code <failed-transport/>}). An unreadable one gets {@code bad-request}.</li>
 *   <li>session-accept (of our join), transport-info (trickled candidates), session-info (answered
 *       with a result and otherwise ignored), session-terminate (the reason goes to the listener).</li>
 *   <li>Any action on a sid we do not know, or from another JID than the session's peer, gets
 *       {@code item-not-found} with {@code <unknown-session xmlns='urn:xmpp:jingle:errors:1'/>}; a
 *       request without sid or action gets {@code bad-request}; other actions
 *       {@code feature-not-implemented}. Every request is answered.</li>
 * </ul>
 * Every IQ we send has our full JID as {@code from}.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Smack calls the handler in order per connection, on its own threads: the session of a
 *       session-initiate exists before a transport-info for it is handled.
 *       {@link Listener#acceptReceivingSession} and {@link Listener#onReceivingSession} run there,
 *       before our session-accept is sent and thus before any media.</li>
 *   <li>Media callbacks ({@link Listener#onRtp}, {@link Listener#onRtcp}, {@link Listener#onFeedback},
 *       {@link Listener#onKeyframeRequest}, {@link Listener#onBandwidthEstimate}) run on the session's
 *       receive thread (or, for packets that beat the DTLS keys, the DTLS worker that finished the
 *       handshake), one at a time per session. They must not block.</li>
 *   <li>{@link Listener#onSecure} and the end callbacks run on the client's own worker thread (the
 *       end callbacks of sessions ended by {@link #close()} on the closing thread). Ending a session,
 *       which sends session-terminate and frees its port, happens there too, never on a media or
 *       Smack thread.</li>
 *   <li>{@link #join} blocks its caller: never call it from a listener or a Smack callback.</li>
 * </ul>
 * A Smack program using this class should also know that Smack's default parsing-exception
 * callback closes the connection on a stanza it cannot parse; jitsi-xmpp-extensions' Jingle parser
 * rejects some stanzas (whitespace between elements under the StAX parser, unknown session-info
 * payloads), so a client facing arbitrary peers may want
 * {@code connection.setParsingExceptionCallback(new ExceptionLoggingCallback())}.
 */
public final class ConferenceClient implements AutoCloseable {

    /** Hears about sessions and their media. Every method has a default that does nothing (or accepts). */
    public interface Listener {

        /**
         * Whether {@code from} may call us with a forwarding session at all. Asked first, before the
         * offer is read and before any port is opened; false answers {@code forbidden} and nothing
         * else happens. On Smack's thread.
         */
        default boolean mayInitiate(Jid from) {
            return true;
        }

        /**
         * A conference calls with a forwarding session (not yet answered). Return false to decline
         * it with {@code <decline/>}. On Smack's thread.
         */
        default boolean acceptReceivingSession(ReceivingSession session) {
            return true;
        }

        /** A forwarding session was accepted; our session-accept follows right after. On Smack's thread. */
        default void onReceivingSession(ReceivingSession session) {
        }

        /** DTLS-SRTP is up on a session. On the client's worker. */
        default void onSecure(ClientSession session) {
        }

        /** Decrypted RTP of a forwarding session; the buffer is only valid during the call. Media thread. */
        default void onRtp(ReceivingSession session, byte[] buffer, int offset, int length) {
        }

        /** Decrypted RTCP of a forwarding session; the buffer is only valid during the call. Media thread. */
        default void onRtcp(ReceivingSession session, byte[] buffer, int offset, int length) {
        }

        /** Decrypted RTCP the conference sent on our sending session (reports and feedback). Media thread. */
        default void onFeedback(SendingSession session, byte[] buffer, int offset, int length) {
        }

        /** The conference asks for a keyframe of one of our SSRCs (a PLI, or a FIR entry). Media thread. */
        default void onKeyframeRequest(SendingSession session, long ssrc) {
        }

        /** The conference asks for retransmissions (a generic NACK): the lost sequence numbers of one SSRC. Media thread. */
        default void onNack(SendingSession session, long ssrc, int[] lostSequenceNumbers) {
        }

        /** The conference's REMB, in bits per second. Media thread. */
        default void onBandwidthEstimate(SendingSession session, long bitsPerSecond) {
        }

        /** Our sending session ended; {@code reason} is the Jingle reason (such as {@code success}). */
        default void onSendingSessionEnded(SendingSession session, String reason) {
        }

        /** A forwarding session ended; {@code reason} is the Jingle reason (such as {@code gone}). */
        default void onReceivingSessionEnded(ReceivingSession session, String reason) {
        }
    }

    /** XEP-0166's error namespace ({@code unknown-session}, {@code out-of-order}, {@code tie-break}). */
    public static final String JINGLE_ERRORS_NAMESPACE = "urn:xmpp:jingle:errors:1";
    /** How long {@link #join} waits for the session-accept after the IQ result, unless changed. */
    public static final Duration DEFAULT_ACCEPT_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link #close()} waits for the answers to its session-terminates. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(ConferenceClient.class);

    private final XMPPConnection connection;
    private final ClientMedia media;
    private final Listener listener;
    private final ConcurrentHashMap<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor worker;
    private final IQRequestHandler handler;
    private final int rtcpSsrc = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    private volatile Duration acceptTimeout = DEFAULT_ACCEPT_TIMEOUT;
    private volatile boolean closed;
    private volatile Thread workerThread;

    /**
     * Registers the Jingle handler on the connection (which may connect and log in later).
     *
     * @throws IllegalStateException when another Jingle set handler is registered on the connection
     */
    private volatile java.util.function.UnaryOperator<org.chorus.jingle.SessionDescription> offerFilter =
            java.util.function.UnaryOperator.identity();

    public ConferenceClient(XMPPConnection connection, ClientMedia media, Listener listener) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.media = Objects.requireNonNull(media, "media");
        this.listener = Objects.requireNonNull(listener, "listener");
        JingleStanzas.registerProviders();
        worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "chorus-conference-client");
            t.setDaemon(true);
            workerThread = t;
            return t;
        });
        worker.setRemoveOnCancelPolicy(true);
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        handler = new AbstractIqRequestHandler(JingleIQ.ELEMENT, JingleIQ.NAMESPACE, IQ.Type.set, IQRequestHandler.Mode.sync) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return handle(request);
            }
        };
        IQRequestHandler previous = connection.registerIQRequestHandler(handler);
        if (previous != null) {
            connection.registerIQRequestHandler(previous);
            worker.shutdownNow();
            throw new IllegalStateException("another Jingle request handler is registered on this connection");
        }
    }

    public XMPPConnection connection() {
        return connection;
    }

    public ClientMedia media() {
        return media;
    }

    public Listener listener() {
        return listener;
    }

    /** How long {@link #join} waits for the session-accept once the conference acknowledged the call. */
    public void setAcceptTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the accept timeout must be positive");
        }
        this.acceptTimeout = timeout;
    }

    /** The SSRC our RTCP (such as PLIs on forwarding sessions) is sent from. */
    /**
     * Changes what {@link #join} signals, without changing what the client does: for tests of a
     * conference's own checks (for example a fingerprint that does not match the certificate).
     */
    public void setOfferFilter(java.util.function.UnaryOperator<org.chorus.jingle.SessionDescription> filter) {
        this.offerFilter = Objects.requireNonNull(filter, "filter");
    }

    public int rtcpSsrc() {
        return rtcpSsrc;
    }

    /** The session with this sid, while it runs. */
    public Optional<ClientSession> session(String sid) {
        return Optional.ofNullable(sessions.get(sid));
    }

    /** The running sending sessions. */
    public List<SendingSession> sendingSessions() {
        return sessions.values().stream().filter(SendingSession.class::isInstance).map(SendingSession.class::cast).toList();
    }

    /** The running forwarding sessions. */
    public List<ReceivingSession> receivingSessions() {
        return sessions.values().stream().filter(ReceivingSession.class::isInstance).map(ReceivingSession.class::cast).toList();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Calls a conference: sends the session-initiate (see {@link ClientDescriptions#joinOffer}), waits
     * for the IQ result and then for the conference's session-accept, and starts ICE and DTLS. Returns
     * the session, which is {@link SessionState#CONNECTING}; wait for
     * {@link SendingSession#secured()} before sending media.
     *
     * @param conference the conference JID (a room's {@code room@gateway}); any JID works, a full JID
     *     too, as long as the session's IQs come from exactly it (or, for a bare JID, from that bare JID)
     * <p>When the join fails, the session has ended (with reason {@code cancel}, {@code timeout} or
     * the conference's reason), and {@link Listener#onSendingSessionEnded} hears about it too.
     *
     * @throws ConferenceException when the conference answers with an IQ error, does not answer,
     *     terminates the session first, or does not accept in time
     * @throws UncheckedIOException when no UDP port can be opened
     */
    public SendingSession join(Jid conference, LocalStreams streams) throws ConferenceException, InterruptedException {
        Objects.requireNonNull(conference, "conference");
        Objects.requireNonNull(streams, "streams");
        if (closed) {
            throw new IllegalStateException("the conference client is closed");
        }
        EntityFullJid me = connection.getUser();
        if (me == null || !connection.isAuthenticated()) {
            throw new ConferenceException(ConferenceException.Kind.NOT_CONNECTED, "the connection is not logged in",
                    null, null, null);
        }
        String sid = UUID.randomUUID().toString();
        SendingSession session = newSendingSession(sid, conference, streams);
        sessions.put(sid, session);
        JingleIQ initiate = JingleMessages.sessionInitiate(me, conference, sid, offerFilter.apply(session.offer()));
        try {
            connection.sendIqRequestAndWaitForResponse(initiate);
        } catch (XMPPException.XMPPErrorException e) {
            StanzaError error = e.getStanzaError();
            session.end(Reason.CANCEL.toString(), "the conference answered " + error.getCondition(), false, false);
            throw ConferenceException.iqError(error, e);
        } catch (SmackException.NoResponseException e) {
            session.end(Reason.CANCEL.toString(), "no answer to the session-initiate", false, true);
            throw new ConferenceException(ConferenceException.Kind.NO_RESPONSE, "the conference did not answer the call",
                    null, null, e);
        } catch (SmackException.NotConnectedException e) {
            session.end(Reason.CANCEL.toString(), "not connected", false, false);
            throw new ConferenceException(ConferenceException.Kind.NOT_CONNECTED, "the connection is not connected",
                    null, null, e);
        } catch (InterruptedException e) {
            session.end(Reason.CANCEL.toString(), "interrupted", false, true);
            throw e;
        }
        try {
            session.accepted().get(acceptTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return session;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConferenceException failure) {
                throw failure;
            }
            throw new IllegalStateException("joining failed", e.getCause());
        } catch (TimeoutException e) {
            session.end(Reason.TIMEOUT.toString(), "no session-accept within " + acceptTimeout.toMillis() + " ms", false, true);
            throw new ConferenceException(ConferenceException.Kind.TIMEOUT,
                    "the conference acknowledged the call but did not accept it within " + acceptTimeout, null, null, e);
        } catch (InterruptedException e) {
            session.end(Reason.CANCEL.toString(), "interrupted", false, true);
            throw e;
        }
    }

    private SendingSession newSendingSession(String sid, Jid conference, LocalStreams streams) {
        SharedUdpPort port = openPort();
        try {
            return SendingSession.create(this, sid, conference, port, streams);
        } catch (IOException e) {
            media.closePort(port);
            throw new UncheckedIOException("cannot create the ICE session", e);
        } catch (RuntimeException e) {
            media.closePort(port);
            throw e;
        }
    }

    private SharedUdpPort openPort() {
        try {
            return media.openPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a UDP port for the session", e);
        }
    }

    /**
     * Terminates every session with {@code <success/>} (waiting briefly for the answers), frees their
     * media and unregisters the Jingle handler. The connection stays as it is: close the client before
     * disconnecting, so that the session-terminates go out. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.unregisterIQRequestHandler(handler);
        List<ClientSession> ending = new ArrayList<>();
        List<Future<?>> answers = new ArrayList<>();
        for (ClientSession session : List.copyOf(sessions.values())) {
            if (session.markEnded(Reason.SUCCESS.toString(), null, false)) {
                ending.add(session);
                answers.add(sendTerminate(session.conference(), session.sid(), Reason.SUCCESS, null));
            }
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Future<?> answer : answers) {
            try {
                answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("no answer to a session-terminate: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ClientSession session : ending) {
            session.finishEnd(false);
        }
        worker.shutdown();
        if (Thread.currentThread() == workerThread) {
            return; // closed from a listener: the worker finishes its queue after this task
        }
        try {
            if (!worker.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ConferenceClient[" + connection.getUser() + ", " + sessions.size() + " session(s)]";
    }

    // ---- the Jingle handler (Smack's thread, in order per connection) ------------------------------

    private IQ handle(IQ request) {
        try {
            if (!(request instanceof JingleIQ jingle)) {
                return badRequest(request, "not a Jingle request Chorus can read");
            }
            JingleAction action = jingle.getAction();
            String sid = jingle.getSID();
            if (action == null || sid == null || sid.isBlank()) {
                return badRequest(request, action == null ? "no or unknown action" : "no sid");
            }
            if (closed) {
                return error(request, StanzaError.Condition.service_unavailable, "the client is closing", null);
            }
            if (action == JingleAction.SESSION_INITIATE) {
                return onSessionInitiate(jingle);
            }
            ClientSession session = sessions.get(sid);
            if (session == null || !session.isFrom(jingle.getFrom())) {
                return unknownSession(request);
            }
            switch (action) {
                case SESSION_ACCEPT:
                    if (session instanceof SendingSession sending) {
                        return sending.onAccept(jingle);
                    }
                    return outOfOrder(request, "we accepted this session ourselves");
                case TRANSPORT_INFO:
                    return session.onTransportInfo(jingle);
                case SESSION_INFO:
                    return IQ.createResultIQ(request);
                case SESSION_TERMINATE:
                    ReasonPacketExtension reason = jingle.getReason();
                    String name = reason == null || reason.getReason() == null ? "unknown" : reason.getReason().toString();
                    session.endedByPeer(name, reason == null ? null : reason.getText());
                    return IQ.createResultIQ(request);
                default:
                    return error(request, StanzaError.Condition.feature_not_implemented,
                            "action " + action + " is not supported", null);
            }
        } catch (RuntimeException e) {
            LOG.warn("handling a Jingle request failed", e);
            return error(request, StanzaError.Condition.internal_server_error, null, null);
        }
    }

    /** A forwarding session: check, ask the listener, then result + session-accept (or + session-terminate). */
    private IQ onSessionInitiate(JingleIQ iq) {
        String sid = iq.getSID();
        Jid from = iq.getFrom();
        if (from == null) {
            return badRequest(iq, "no sender");
        }
        boolean allowed;
        try {
            allowed = listener.mayInitiate(from);
        } catch (RuntimeException e) {
            LOG.warn("the listener failed", e);
            allowed = false;
        }
        if (!allowed) {
            return error(iq, StanzaError.Condition.forbidden, null, null);
        }
        if (sessions.containsKey(sid)) {
            return badRequest(iq, "the sid is in use");
        }
        SessionDescription offer;
        try {
            offer = JingleConverter.readSession(iq);
        } catch (MalformedJingleException e) {
            return badRequest(iq, e.getMessage());
        }
        Optional<ClientDescriptions.Problem> problem = ClientDescriptions.checkForwardingOffer(offer);
        if (problem.isPresent()) {
            LOG.info("refusing session {} from {}: {}", sid, from, problem.get().text());
            acknowledgeThenTerminate(iq, problem.get().reason(), problem.get().text());
            return null;
        }
        SharedUdpPort port;
        ReceivingSession session;
        try {
            port = media.openPort();
        } catch (IOException | IllegalStateException e) {
            acknowledgeThenTerminate(iq, Reason.FAILED_TRANSPORT, "no UDP port: " + e.getMessage());
            return null;
        }
        try {
            session = ReceivingSession.create(this, sid, from, port, offer);
        } catch (IOException | RuntimeException e) {
            media.closePort(port);
            acknowledgeThenTerminate(iq, Reason.FAILED_TRANSPORT, "no ICE session: " + e.getMessage());
            return null;
        }
        boolean accept;
        try {
            accept = listener.acceptReceivingSession(session);
        } catch (RuntimeException e) {
            LOG.warn("the listener failed", e);
            accept = false;
        }
        if (!accept) {
            session.markEnded(Reason.DECLINE.toString(), null, false);
            session.tearDown();
            acknowledgeThenTerminate(iq, Reason.DECLINE, null);
            return null;
        }
        sessions.put(sid, session);
        DtlsSetup ours = ClientDescriptions.answerSetup(offer);
        SessionDescription answer = ClientDescriptions.acceptForwarding(offer, session.localTransport(ours));
        session.setAnswer(answer);
        try {
            listener.onReceivingSession(session);
        } catch (RuntimeException e) {
            LOG.warn("the listener failed", e);
        }
        session.startMedia(offer.transport(), ClientDescriptions.roleOf(ours));
        send(IQ.createResultIQ(iq));
        JingleIQ sessionAccept = JingleMessages.sessionAccept(connection.getUser(), from, sid, answer);
        connection.sendIqRequestAsync(sessionAccept).onError(e -> {
            LOG.info("{}: the conference did not take our session-accept: {}", session, e.toString());
            session.end(Reason.GENERAL_ERROR.toString(), "session-accept refused: " + e.getMessage(), false, true);
        });
        return null;
    }

    private void acknowledgeThenTerminate(JingleIQ iq, Reason reason, String text) {
        send(IQ.createResultIQ(iq));
        sendTerminate(iq.getFrom(), iq.getSID(), reason, text);
    }

    // ---- for the sessions ---------------------------------------------------------------------------

    /** Sends session-terminate for a session (asynchronously); unknown reason names become general-error. */
    void sendTerminate(ClientSession session, String reason, String text) {
        Reason parsed = reason == null ? null : Reason.parseString(reason);
        if (parsed == null || parsed == Reason.UNDEFINED) {
            parsed = Reason.GENERAL_ERROR;
        }
        sendTerminate(session.conference(), session.sid(), parsed, text);
    }

    private Future<?> sendTerminate(Jid to, String sid, Reason reason, String text) {
        EntityFullJid me = connection.getUser();
        if (me == null) {
            return CompletableFuture.completedFuture(null);
        }
        return connection.sendIqRequestAsync(JingleMessages.sessionTerminate(me, to, sid, reason, text));
    }

    private void send(IQ iq) {
        try {
            connection.sendStanza(iq);
        } catch (SmackException.NotConnectedException e) {
            LOG.debug("not connected: {} dropped", iq.getType());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void forget(ClientSession session) {
        sessions.remove(session.sid(), session);
    }

    void notifySecure(ClientSession session) {
        try {
            listener.onSecure(session);
        } catch (RuntimeException e) {
            LOG.warn("the listener failed", e);
        }
    }

    /** Runs a task on the worker, or here when the worker has stopped. */
    void execute(Runnable task) {
        try {
            worker.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            guarded(task).run();
        }
    }

    /** Runs a task on the worker after a delay; dropped once the client is closed. */
    void schedule(Runnable task, Duration delay) {
        try {
            worker.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("client closed; a delayed task is dropped");
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("a conference client task failed", e);
            }
        };
    }

    // ---- IQ errors ----------------------------------------------------------------------------------

    static IQ badRequest(IQ request, String text) {
        return error(request, StanzaError.Condition.bad_request, text, null);
    }

    static IQ unknownSession(IQ request) {
        return error(request, StanzaError.Condition.item_not_found, null, "unknown-session");
    }

    static IQ outOfOrder(IQ request, String text) {
        return error(request, StanzaError.Condition.unexpected_request, text, "out-of-order");
    }

    static IQ error(IQ request, StanzaError.Condition condition, String text, String jingleError) {
        StanzaError.Builder error = StanzaError.getBuilder(condition);
        if (text != null && !text.isBlank()) {
            error.setDescriptiveEnText(text);
        }
        if (jingleError != null) {
            error.addExtension(StandardExtensionElement.builder(jingleError, JINGLE_ERRORS_NAMESPACE).build());
        }
        return IQ.createErrorResponse(request, error);
    }
}
