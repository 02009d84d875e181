package org.chorus.jingle.client;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.JingleConverter;
import org.chorus.jingle.LocalTransport;
import org.chorus.jingle.MalformedJingleException;
import org.chorus.jingle.TransportUpdate;
import org.chorus.media.MediaLeg;
import org.chorus.media.SecureTransport;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.ice.IceSession;
import org.chorus.media.ice.SharedUdpPort;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.srtp.SrtpProfile;
import org.chorus.media.srtp.SrtpSession;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the two kinds of client session share: the Jingle session ID and peer, the session's own UDP
 * port with its {@link MediaLeg} (ICE, and DTLS-SRTP on top), the state, and the end.
 *
 * <p>The session is over when either side terminates it or its transport fails: ICE failure or
 * consent loss, and a DTLS failure, end it with {@code <failed-transport/>} (a certificate that does
 * not match the signalled fingerprint with {@code <security-error/>}), and a session-terminate is
 * sent. When the peer closes DTLS (close_notify), the session waits a moment for the peer's
 * session-terminate, whose reason it would rather report, before it ends with
 * {@code <failed-transport/>} itself.
 *
 * <p>Thread-safe.
 */
public abstract sealed class ClientSession permits SendingSession, ReceivingSession {

    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

    /** How long a session whose peer closed DTLS waits for the peer's session-terminate. */
    static final Duration PEER_CLOSE_GRACE = Duration.ofSeconds(2);

    final ConferenceClient client;
    private final String sid;
    private final Jid peer;
    private final SharedUdpPort port;
    final MediaLeg leg;

    private final Object lock = new Object();
    private volatile SessionState state;
    private volatile DtlsRole dtlsRole;
    private final AtomicBoolean tornDown = new AtomicBoolean();
    private final CompletableFuture<Void> secured = new CompletableFuture<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private volatile String endReason;
    private volatile String endText;
    private volatile boolean endedByPeer;
    private volatile boolean networkLost;

    /**
     * @param start who we are in the session: the offerer (ICE controlling) or the answerer, and
     *     the DTLS role we take, or expect to take
     */
    ClientSession(ConferenceClient client, String sid, Jid peer, SharedUdpPort port, String legName,
            MediaLeg.Start start, SessionState initial) throws IOException {
        this.client = Objects.requireNonNull(client, "client");
        this.sid = Objects.requireNonNull(sid, "sid");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.port = Objects.requireNonNull(port, "port");
        this.state = initial;
        // leg events come where they happen (ICE event thread, DTLS worker): no event before start()
        this.leg = new MediaLeg(client.media(), port, legName, start, Runnable::run, new LegEvents());
        leg.setSink(new MediaLeg.PacketSink() {
            @Override
            public void rtp(byte[] buffer, int offset, int length) {
                handleRtp(buffer, offset, length);
            }

            @Override
            public void rtcp(byte[] buffer, int offset, int length) {
                handleRtcp(buffer, offset, length);
            }
        });
    }

    // ---- public API -------------------------------------------------------------------------------

    /** The Jingle session ID. */
    public String sid() {
        return sid;
    }

    /** The conference's JID: the one we called, or the one that called us. */
    public Jid conference() {
        return peer;
    }

    public SessionState state() {
        return state;
    }

    /**
     * Completes when DTLS-SRTP is established; completes exceptionally (with a
     * {@link ConferenceException} of kind {@code TERMINATED}) when the session ends first. Completed
     * on the client's worker: dependent actions must not block (or use the async variants).
     */
    public CompletableFuture<Void> secured() {
        return secured;
    }

    /**
     * Waits until the session is {@link SessionState#SECURE}. Returns false when it ended first or
     * the time ran out.
     */
    public boolean awaitSecure(Duration timeout) throws InterruptedException {
        try {
            secured.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /**
     * Completes with the Jingle reason (such as {@code gone}) once the session has ended and its media
     * is freed, on the client's worker (or the thread closing the client).
     */
    public CompletableFuture<String> ended() {
        return ended;
    }

    /** The Jingle reason the session ended with, such as {@code success} or {@code gone}; empty while it runs. */
    public Optional<String> endReason() {
        return Optional.ofNullable(endReason);
    }

    /** The {@code <text>} of the reason, if any. */
    public Optional<String> endText() {
        return Optional.ofNullable(endText);
    }

    /** Whether the peer ended the session (with a session-terminate); false when we did, or a failure did. */
    public boolean endedByPeer() {
        return endedByPeer;
    }

    /** Ends the session with {@code <success/>}: sends session-terminate and frees the media. */
    public void terminate() {
        terminate(Reason.SUCCESS, null);
    }

    /** Ends the session with this reason and optional text; does nothing if it has already ended. */
    public void terminate(Reason reason, String text) {
        Objects.requireNonNull(reason, "reason");
        end(reason.toString(), text, false, true);
    }

    /**
     * Closes this session's UDP port at once, as a client whose network went away would: no
     * session-terminate, no DTLS close_notify, no answer to the peer's ICE checks any more. The
     * session stays open, waiting for the peer to notice and end it; the peer's reason is then
     * reported as usual. For testing how the other end copes.
     */
    public void loseNetwork() {
        networkLost = true;
        LOG.info("{}: network lost on purpose: the port closes without a word", this);
        client.media().closePort(port);
    }

    /** Our DTLS role, once the session is accepted. */
    public Optional<DtlsRole> dtlsRole() {
        return Optional.ofNullable(dtlsRole);
    }

    /** The state of the ICE session. */
    public IceSession.State iceState() {
        return leg.iceState();
    }

    /** The DTLS-SRTP counters, once the session is accepted. */
    public Optional<SecureTransport.Stats> stats() {
        return dtlsRole == null ? Optional.empty() : Optional.of(leg.stats());
    }

    /** The negotiated SRTP profile, once DTLS has agreed on one. */
    public Optional<SrtpProfile> srtpProfile() {
        return dtlsRole == null ? Optional.empty() : Optional.ofNullable(leg.profile());
    }

    /** The local UDP port of this session. */
    public int localPort() {
        return port.port();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + sid + " with " + peer + ", " + state
                + (endReason == null ? "" : " " + endReason) + "]";
    }

    // ---- for subclasses and the client -------------------------------------------------------------

    /** Decrypted RTP, on the media thread; the buffer is valid during the call only. */
    abstract void handleRtp(byte[] buffer, int offset, int length);

    /** Decrypted RTCP, on the media thread; the buffer is valid during the call only. */
    abstract void handleRtcp(byte[] buffer, int offset, int length);

    /** Tells the listener that the session ended. */
    abstract void notifyEnded(String reason);

    /** Our transport for an offer or answer, with the given setup. */
    IceTransport localTransport(DtlsSetup setup) {
        LocalTransport local = leg.localTransport();
        return ClientDescriptions.transport(local.ufrag(), local.pwd(), local.hash(), local.fingerprint(), setup,
                local.candidates());
    }

    /** Whether a request of this session may come from {@code from}. */
    boolean isFrom(Jid from) {
        if (from == null) {
            return false;
        }
        if (from.equals(peer)) {
            return true;
        }
        // We called a bare JID (a conference); the IQs of the session come from that bare JID.
        return !peer.hasResource() && from.asBareJid().equals(peer.asBareJid()) && !from.hasResource();
    }

    /**
     * Starts ICE with the peer's transport, and DTLS-SRTP on top: at once as DTLS server (it waits for
     * the ClientHello), once ICE is connected as DTLS client (so that the first flight is not lost).
     */
    void startMedia(IceTransport remote, DtlsRole role) {
        synchronized (lock) {
            if (state == SessionState.ENDED) {
                return;
            }
            state = SessionState.CONNECTING;
            leg.useRole(role);
            dtlsRole = role;
        }
        leg.remote(remote);
        leg.start();
        LOG.debug("{}: media started, DTLS {}", this, role);
    }

    /** A transport-info: trickled candidates and gathering-complete. */
    IQ onTransportInfo(JingleIQ iq) {
        List<TransportUpdate> updates;
        try {
            updates = JingleConverter.readTransportInfo(iq);
        } catch (MalformedJingleException e) {
            return ConferenceClient.badRequest(iq, e.getMessage());
        }
        for (TransportUpdate update : updates) {
            leg.addRemoteCandidates(update.transport());
        }
        return IQ.createResultIQ(iq);
    }

    /** Sends RTP or RTCP through SRTP, protecting it in place: {@code buffer} must have 64 spare bytes after the packet. */
    boolean sendInPlace(byte[] buffer, int offset, int length, boolean rtcp) {
        if (state != SessionState.SECURE) {
            SrtpSession.requireSpareCapacity(buffer, offset, length);
            return false;
        }
        return rtcp ? leg.sendRtcp(buffer, offset, length) : leg.sendRtp(buffer, offset, length);
    }

    /** Sends a copy of the packet through SRTP; the caller's buffer is left alone. */
    boolean sendCopy(byte[] buffer, int offset, int length, boolean rtcp) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (state != SessionState.SECURE) {
            return false;
        }
        PacketBuffer packet = client.media().buffers().acquire();
        try {
            packet.copyFrom(buffer, offset, length);
            return sendInPlace(packet.array(), packet.offset(), packet.length(), rtcp);
        } finally {
            packet.release();
        }
    }

    /** The peer terminated the session. */
    void endedByPeer(String reason, String text) {
        end(reason, text, true, false);
    }

    /**
     * Ends the session once: records the reason, forgets the session, then (on the client's worker)
     * sends session-terminate if asked, frees the media and tells the listener.
     *
     * @return whether this call ended it
     */
    boolean end(String reason, String text, boolean byPeer, boolean sendTerminate) {
        if (!markEnded(reason, text, byPeer)) {
            return false;
        }
        client.execute(() -> finishEnd(sendTerminate));
        return true;
    }

    /** The first half of {@link #end}: the state change, synchronously. */
    boolean markEnded(String reason, String text, boolean byPeer) {
        synchronized (lock) {
            if (state == SessionState.ENDED) {
                return false;
            }
            state = SessionState.ENDED;
            endReason = reason;
            endText = text;
            endedByPeer = byPeer;
        }
        LOG.info("{}: ended ({}){}", this, byPeer ? "by the peer" : "here", text == null ? "" : ": " + text);
        client.forget(this);
        client.execute(() -> {
            secured.completeExceptionally(ConferenceException.terminated(reason, text));
            onEnded(reason, text);
        });
        return true;
    }

    /** Hook for subclasses, called once when the session is marked ended. */
    void onEnded(String reason, String text) {
    }

    /** The second half of {@link #end}. */
    void finishEnd(boolean sendTerminate) {
        if (sendTerminate) {
            client.sendTerminate(this, endReason, endText);
        }
        tearDown();
        try {
            notifyEnded(endReason);
        } finally {
            ended.complete(endReason);
        }
    }

    /** Frees DTLS, ICE and the port. Idempotent. */
    void tearDown() {
        if (tornDown.compareAndSet(false, true)) {
            leg.close(); // closes the port too
        }
    }

    // ---- transport events ----------------------------------------------------------------------

    /**
     * On the ICE event thread, a DTLS worker, the DTLS deadline timer, the port's receive thread (the
     * peer closed DTLS), or the thread that closes the transport: never block here (what follows goes
     * to the client's worker).
     */
    private final class LegEvents implements MediaLeg.Listener {
        @Override
        public void secure(MediaLeg leg) {
            if (networkLost) {
                return; // the peer ends the session; it is told nothing from here
            }
            boolean changed;
            synchronized (lock) {
                changed = state == SessionState.CONNECTING;
                if (changed) {
                    state = SessionState.SECURE;
                }
            }
            if (changed) {
                LOG.info("{}: secure ({}, {})", ClientSession.this, dtlsRole, srtpProfile().map(Enum::name).orElse("?"));
                client.execute(() -> {
                    client.notifySecure(ClientSession.this);
                    secured.complete(null);
                });
            }
        }

        @Override
        public void failed(MediaLeg leg, MediaLeg.Failure failure, String detail) {
            if (networkLost || state == SessionState.ENDED) {
                return;
            }
            switch (failure) {
                // the peer closed DTLS or sent a fatal alert (e.g. it rejected our certificate): its
                // session-terminate, which says why, is usually on its way through the server
                case CLOSED, PROTOCOL -> client.schedule(() -> end(Reason.FAILED_TRANSPORT.toString(), detail, false, true),
                        PEER_CLOSE_GRACE);
                case SECURITY -> end(Reason.SECURITY_ERROR.toString(), detail, false, true);
                // ICE failure or consent loss, a DTLS timeout
                case TRANSPORT, CONSENT -> end(Reason.FAILED_TRANSPORT.toString(), detail, false, true);
            }
        }
    }
}
