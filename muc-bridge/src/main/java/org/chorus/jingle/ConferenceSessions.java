package org.chorus.jingle;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.chorus.component.IqTracker;
import org.chorus.conference.Call;
import org.chorus.conference.CallAuthorizer;
import org.chorus.conference.CallDecision;
import org.chorus.conference.CallListener;
import org.chorus.conference.CallManager;
import org.chorus.conference.Departure;
import org.chorus.conference.EndReason;
import org.chorus.conference.Participant;
import org.chorus.media.CallMedia;
import org.chorus.media.MediaLeg;
import org.chorus.media.MediaPlane;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.recording.RecordingManager;
import org.chorus.xmpp.Stanzas;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.PacketError.Condition;

/**
 * The Jingle sessions of every call (PROTOCOL.md §5–§7): a member's own publishing session, answered
 * with session-accept; then one forwarding session per other participant in each direction; their
 * trickle, accept and terminate; and the ends that departures, failures and silence bring. It
 * dispatches Jingle actions and keeps the sessions ({@link SessionTable}); the media graph is each
 * call's {@link CallMedia}, which it calls by participant. Requests are read once, from the dom4j
 * element into the model ({@link InboundJingle}, {@link JingleElementReader}). Confined to the
 * signalling thread, except for media, which the legs carry on the ICE thread.
 */
public final class ConferenceSessions implements CallListener, MediaLeg.Listener, RecordingManager.RecorderCalls {
    private static final Logger log = LoggerFactory.getLogger(ConferenceSessions.class);
    private static final Duration PEER_CLOSE_GRACE = Duration.ofSeconds(1);
    private static final JingleElementReader READER = JingleElementReader.DEFAULT;

    /** Limits of the session layer: what a call may take, silence before a sender leaves, the REMB cap. */
    public record Limits(CallLimits calls, Duration mediaTimeout, long rembBitrate) {}

    private final MediaPlane plane;
    private final Negotiation negotiation;
    private final CallManager calls;
    private final SessionMessages messages;
    private final ScheduledExecutorService signalling;
    private final Limits limits;
    private final CallAuthorizer authorizer;
    private final SessionTable table = new SessionTable();
    private final DeclinedStreams declined = new DeclinedStreams();
    private final CallMediaTable media;

    public ConferenceSessions(MediaPlane plane, Negotiation negotiation, CallManager calls, IqTracker tracker,
            ScheduledExecutorService signalling, Limits limits, CallAuthorizer authorizer) {
        this.plane = plane;
        this.authorizer = authorizer;
        this.negotiation = negotiation;
        this.calls = calls;
        this.messages = new SessionMessages(tracker);
        this.signalling = signalling;
        this.limits = limits;
        this.media = new CallMediaTable(plane);
        JingleStanzas.registerProviders();
    }

    // --- a member calls ---

    /** An authorized member's session-initiate: returns the IQ answer; session-accept follows. */
    public IQ initiate(IQ iq, Room room, Occupant occupant) {
        InboundJingle jingle;
        SessionDescription offer;
        try {
            jingle = InboundJingle.read(iq);
            offer = READER.readSession(jingle.jingle());
        } catch (MalformedJingleException e) {
            return Stanzas.error(iq, Condition.bad_request, e.getMessage());
        }
        int offeredCandidates = CandidateLimit.count(offer);
        if (offeredCandidates > CandidateLimit.MAX) {
            return CandidateLimit.refusal(iq);
        }
        JID member = iq.getFrom();
        String sid = jingle.sid();
        SessionKey key = new SessionKey(member, room.conferenceJid(), sid);
        if (table.get(key).isPresent()) {
            return Stanzas.error(iq, Condition.conflict, "the sid " + sid + " is already used by a session with "
                    + room.conferenceJid());
        }
        Optional<PublishingSession> previous = table.sender(new ParticipantKey(room, member));
        Optional<Call> call = calls.activeCall(room);
        String overLimit = limits.calls().refusal(new CallLimits.Request(call.map(c -> c.participants().size()).orElse(0),
                call.flatMap(c -> c.participant(member)).isPresent(), previous.isPresent(), table.callsOf(member),
                table.sessionsOf(member)));
        if (overLimit != null) {
            return Stanzas.error(iq, Condition.resource_constraint, PacketError.Type.wait, overLimit);
        }
        NegotiationResult<NegotiatedSession> result = negotiation.answer(offer);
        if (result instanceof NegotiationResult.Failure<NegotiatedSession> failure) {
            NegotiationFailure why = failure.reason();
            if (why.isIqError()) {
                return Stanzas.error(iq, Condition.bad_request, why.text());
            }
            log.info("{}: {}'s offer refused: {}", room.jid(), member, why.text());
            signalling.execute(() -> messages.refuse(room, member, sid, why));
            return IQ.createResultIQ(iq);
        }
        NegotiatedSession negotiated = ((NegotiationResult.Success<NegotiatedSession>) result).result();
        MediaLeg leg;
        try {
            leg = new MediaLeg(plane, plane.openPort(), "send " + occupant.nick() + "@" + room.jid().getNode(),
                    MediaLeg.Start.answering(roleFor(negotiated.localSetup())), signalling, this);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: cannot open media for {}: {}", room.jid(), member, e.toString());
            return Stanzas.error(iq, Condition.internal_server_error, "the gateway cannot open media now");
        }
        previous.ifPresent(this::replace);
        leg.remote(negotiated.remoteTransport());
        media.of(room).addPublisher(member, leg, negotiated);
        PublishingSession session = new PublishingSession(key, room, leg, negotiated, occupant.nick());
        session.admitCandidates(offeredCandidates);
        table.add(session);
        // PROTOCOL.md §11: the IQ result and session-accept go out before the member is called back
        signalling.execute(() -> accept(session));
        return IQ.createResultIQ(iq);
    }

    /**
     * Accepts a member's session once its IQ result is out, if the member is still allowed in: the
     * room may have kicked it, or taken its membership, since the call was authorized.
     */
    private void accept(PublishingSession session) {
        if (session.state() == GatewaySessionState.ENDED) {
            return;
        }
        Room room = session.room();
        CallDecision now = authorizer.decide(room, session.peer(), null);
        if (!(now instanceof CallDecision.MayCall allowed)) {
            log.info("{}: {} may no longer call ({}); ending its new session", room.jid(), session.peer(), now);
            end(session, Reason.DECLINE, "you may no longer call this conference");
            return;
        }
        messages.accept(session, session.leg().localTransport());
        session.leg().start();
        calls.join(room, allowed.occupant(), session.peer());
        // the member is called back once its own session is secure (see secure())
    }

    /**
     * A member called again from the same client (PROTOCOL.md §5): its old session ends with
     * {@code <expired/>}, with every session that carried its streams to others and every session
     * that carried others' streams to it. The member stays in the call; once its new session is
     * secure, the streams are offered again in both directions.
     */
    private void replace(PublishingSession previous) {
        log.info("{}: {} called again; the new session replaces {}", previous.room().jid(), previous.peer(),
                previous.sid());
        for (ForwardingSession f : table.carrying(previous)) {
            end(f, Reason.EXPIRED, "the sender called again");
        }
        for (GatewaySession s : table.ofPeer(previous.room(), previous.peer())) {
            end(s, Reason.EXPIRED, "replaced by a new session");
        }
    }

    // --- Jingle IQs on existing sessions ---

    /** A Jingle IQ for one of the gateway's sessions; empty when there is no such session. */
    public Optional<IQ> onSessionIq(IQ iq) {
        InboundJingle jingle;
        try {
            jingle = InboundJingle.read(iq);
        } catch (MalformedJingleException e) {
            return Optional.of(Stanzas.error(iq, Condition.bad_request, e.getMessage()));
        }
        GatewaySession session = table.get(new SessionKey(iq.getFrom(), iq.getTo(), jingle.sid())).orElse(null);
        if (session == null || session.state() == GatewaySessionState.ENDED) {
            return Optional.empty();
        }
        JingleAction action = jingle.action();
        try {
            return Optional.of(switch (action) {
                case TRANSPORT_INFO -> transportInfo(iq, jingle, session);
                case SESSION_ACCEPT -> accepted(iq, jingle, session);
                case SESSION_TERMINATE -> terminated(iq, session);
                case SESSION_INFO -> JingleStanzas.acknowledge(iq);
                default -> Stanzas.error(iq, Condition.feature_not_implemented, action + " is not supported");
            });
        } catch (MalformedJingleException e) {
            return Optional.of(Stanzas.error(iq, Condition.bad_request, e.getMessage()));
        }
    }

    private IQ transportInfo(IQ iq, InboundJingle jingle, GatewaySession session) throws MalformedJingleException {
        List<TransportUpdate> updates = READER.readTransportInfo(jingle.jingle());
        if (!session.admitCandidates(CandidateLimit.count(updates))) {
            return CandidateLimit.refusal(iq);
        }
        for (TransportUpdate update : updates) {
            for (JingleCandidate c : update.transport().candidates()) {
                if (!session.leg().addRemoteCandidate(c)) {
                    log.debug("{}: ignored candidate {}:{} ({})", session.sid(), c.ip(), c.port(), c.protocol());
                }
            }
            if (update.transport().gatheringComplete()) {
                session.leg().remoteGatheringComplete();
            }
        }
        return JingleStanzas.acknowledge(iq);
    }

    private IQ accepted(IQ iq, InboundJingle jingle, GatewaySession session) throws MalformedJingleException {
        if (!(session instanceof ForwardingSession f) || f.state() != GatewaySessionState.OFFERED) {
            IQ error = Stanzas.error(iq, Condition.unexpected_request, "out-of-order", "urn:xmpp:jingle:errors:1");
            return error;
        }
        SessionDescription answer = READER.readSession(jingle.jingle());
        if (!f.admitCandidates(CandidateLimit.count(answer))) {
            return CandidateLimit.refusal(iq);
        }
        NegotiationResult<ReceiverMapping> result = negotiation.receiverAccepted(f.offer(), answer);
        if (result instanceof NegotiationResult.Failure<ReceiverMapping> failure) {
            signalling.execute(() -> end(f, failure.reason().terminateReason().orElse(Reason.FAILED_APPLICATION),
                    failure.reason().text()));
            return JingleStanzas.acknowledge(iq);
        }
        ReceiverMapping mapping = ((NegotiationResult.Success<ReceiverMapping>) result).result();
        f.leg().useRole(roleFor(mapping.localSetup()));
        f.leg().remote(mapping.remoteTransport());
        if (!media.of(f.room()).subscribe(f.peer(), f.source().peer(), f.leg(), mapping)) {
            // the publisher is gone: its sessions to receivers end with it (see close())
            signalling.execute(() -> end(f, Reason.GONE, null));
            return JingleStanzas.acknowledge(iq);
        }
        f.moveTo(GatewaySessionState.ACCEPTED);
        f.leg().start();
        return JingleStanzas.acknowledge(iq);
    }

    private IQ terminated(IQ iq, GatewaySession session) {
        if (session instanceof PublishingSession s) {
            log.info("{}: {} hung up", s.room().jid(), s.peer());
            close(s);
            calls.leave(s.room(), s.peer(), Departure.HUNG_UP);
        } else if (session instanceof ForwardingSession f) {
            log.info("{}: {} declined {}'s stream", f.room().jid(), f.peer(), f.source().nick());
            calls.activeCall(f.room()).ifPresent(c -> declined.add(c, f.peer(), f.source().peer()));
            close(f);
        }
        return JingleStanzas.acknowledge(iq);
    }

    // --- forwarding ---

    /**
     * Calls a participant back once per other participant, and the others once for it, when its own
     * session has become secure. Only members whose own session is secure count: a member still
     * connecting pairs up when its turn comes. So each pair is connected once, even when members call
     * at the same moment, and nobody is called back before it has processed the answer to its own
     * call: a browser that still waits for that answer refuses a call-back with
     * {@code <conflict/><tie-break/>} (PROTOCOL.md §11).
     */
    private void connect(PublishingSession joining, Call call) {
        List<PublishingSession> others = new ArrayList<>();
        for (PublishingSession s : table.senders(joining.room())) {
            if (s != joining && s.state() == GatewaySessionState.ACTIVE) {
                others.add(s);
            }
        }
        for (PublishingSession other : others) {
            offer(other, joining.peer(), call);
            offer(joining, other.peer(), call);
        }
        for (JID recorder : media.find(joining.room()).map(CallMedia::recorders).orElse(List.of())) {
            offer(joining, recorder, call);
        }
    }

    // --- recorders ---

    @Override
    public void addRecorder(Room room, JID recorder) {
        Optional<Call> call = calls.activeCall(room);
        if (call.isEmpty() || !media.of(room).addRecorder(recorder)) {
            return;
        }
        log.info("{}: calling recorder {}", room.jid(), recorder);
        for (PublishingSession s : table.senders(room)) {
            if (s.state() == GatewaySessionState.ACTIVE) {
                offer(s, recorder, call.get());
            }
        }
    }

    @Override
    public void removeRecorder(Room room, JID recorder) {
        CallMedia callMedia = media.find(room).orElse(null);
        if (callMedia == null || !callMedia.removeRecorder(recorder)) {
            return;
        }
        for (GatewaySession s : table.ofPeer(room, recorder)) {
            end(s, Reason.SUCCESS, "recording stopped");
        }
        callMedia.removeParticipant(recorder);
        media.release(room);
    }

    private void offer(PublishingSession source, JID receiver, Call call) {
        offer(source, receiver, call, 0);
    }

    private void offer(PublishingSession source, JID receiver, Call call, int attempt) {
        if (declined.has(call, receiver, source.peer()) || source.state() == GatewaySessionState.ENDED
                || calls.activeCall(source.room()).orElse(null) != call || !receives(call, receiver)) {
            return;
        }
        Room room = source.room();
        MediaLeg leg;
        try {
            // a receiver answers our actpass with 'active' (the browsers' choice), making us the DTLS server
            leg = new MediaLeg(plane, plane.openPort(), "fwd " + source.nick() + "->" + receiver.getNode() + "@"
                    + room.jid().getNode(), MediaLeg.Start.offering(DtlsRole.SERVER), signalling, this);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: cannot open media to {}: {}", room.jid(), receiver, e.toString());
            return;
        }
        ForwardingOffer forwarding = negotiation.offerToReceiver(call.id(), source.negotiated(),
                source.peer().toBareJID(), source.nick(), leg.localTransport());
        ForwardingSession session = new ForwardingSession(new SessionKey(receiver, room.conferenceJid(), forwarding.sid()), room, leg, source,
                forwarding);
        if (!table.add(session)) {
            leg.close(); // a fresh sid: cannot happen, but never overwrite a session
            return;
        }
        messages.offer(room, receiver, forwarding).whenComplete((answer, failure) -> {
            if (session.state() == GatewaySessionState.ENDED) {
                return;
            }
            if (failure != null || answer.getType() == IQ.Type.error) {
                log.info("{}: {} refused {}'s stream: {}", room.jid(), receiver, source.nick(),
                        failure != null ? failure.getMessage() : Stanzas.describeError(answer));
                close(session);
                boolean tieBreak = answer != null && answer.getError() != null
                        && answer.getError().getCondition() == PacketError.Condition.conflict;
                if (tieBreak && attempt < 3) {
                    // the receiver was still busy with another session of ours: offer again shortly
                    signalling.schedule(() -> offer(source, receiver, call, attempt + 1), 500L * (attempt + 1),
                            TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    // --- leg events, on the signalling thread ---

    @Override
    public void secure(MediaLeg leg) {
        GatewaySession session = table.byLeg(leg).orElse(null);
        if (session == null || !session.moveTo(GatewaySessionState.ACTIVE)) {
            return;
        }
        if (session instanceof ForwardingSession f) {
            // a new receiver starts mid-GOP: ask the sender for a keyframe
            media.find(f.room()).ifPresent(m -> m.requestKeyframe(f.source().peer()));
        } else if (session instanceof PublishingSession s) {
            calls.activeCall(s.room()).ifPresent(call -> connect(s, call));
        }
    }

    @Override
    public void failed(MediaLeg leg, MediaLeg.Failure failure, String detail) {
        GatewaySession session = table.byLeg(leg).orElse(null);
        if (session == null || session.state() == GatewaySessionState.ENDED) {
            return;
        }
        if (failure == MediaLeg.Failure.CLOSED) {
            // a member that hangs up closes DTLS before its session-terminate has crossed the server;
            // give the terminate a moment to arrive, so the departure is what the member said it is
            signalling.schedule(() -> {
                if (session.state() != GatewaySessionState.ENDED) {
                    fail(session, failure, detail);
                }
            }, PEER_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        fail(session, failure, detail);
    }

    private void fail(GatewaySession session, MediaLeg.Failure failure, String detail) {
        log.info("{}: session {} with {} failed: {}", session.room().jid(), session.sid(), session.peer(), detail);
        end(session, Reason.parseString(failure.jingleReason), null);
        if (session instanceof PublishingSession s) {
            calls.leave(s.room(), s.peer(), failure == MediaLeg.Failure.CONSENT ? Departure.TIMED_OUT : Departure.GONE);
        }
    }

    // --- call events ---

    @Override
    public void participantLeft(Call call, Participant participant, Departure departure) {
        Reason own = Reason.parseString(departure.jingleReason);
        // its own session, and every session carrying another's streams to it; ending its own
        // session ends the sessions that carried its streams to the others (see close())
        for (GatewaySession s : table.ofPeer(call.room(), participant.jid())) {
            end(s, own, departure.text);
        }
        media.find(call.room()).ifPresent(m -> m.removeParticipant(participant.jid()));
        media.release(call.room());
    }

    @Override
    public void callEnded(Call call, EndReason reason) {
        declined.forget(call);
        CallMedia callMedia = media.find(call.room()).orElse(null);
        if (callMedia == null) {
            return;
        }
        for (JID recorder : callMedia.recorders()) {
            callMedia.removeRecorder(recorder);
            for (GatewaySession s : table.ofPeer(call.room(), recorder)) {
                end(s, Reason.SUCCESS, "the call ended");
            }
            callMedia.removeParticipant(recorder);
        }
        media.release(call.room());
    }

    /** Every second: senders that went silent leave, and the others get bandwidth estimates. */
    public void tick() {
        long now = System.nanoTime();
        for (PublishingSession s : table.senders()) {
            if (s.state() != GatewaySessionState.ACTIVE) {
                continue;
            }
            try {
                if (now - s.leg().lastMediaNanos() > limits.mediaTimeout().toNanos()) {
                    log.info("{}: no media from {} for {} s", s.room().jid(), s.peer(), limits.mediaTimeout().toSeconds());
                    end(s, Reason.TIMEOUT, "no media");
                    calls.leave(s.room(), s.peer(), Departure.TIMED_OUT);
                }
            } catch (RuntimeException e) {
                log.error("{}: housekeeping of {}'s session failed", s.room().jid(), s.peer(), e);
            }
        }
        media.tick(limits.rembBitrate());
    }

    public int sessionCount() {
        return table.size();
    }

    // --- internals ---

    /** Ends a session with session-terminate and the reason. */
    private void end(GatewaySession session, Reason reason, String text) {
        if (session.state() == GatewaySessionState.ENDED) {
            return;
        }
        messages.terminate(session, reason, text);
        close(session);
    }

    /**
     * Forgets a session and frees its media, without telling the peer. A member's own session takes
     * the sessions that carried its streams with it: they end with {@code <gone/>}.
     */
    private void close(GatewaySession session) {
        if (!session.moveTo(GatewaySessionState.ENDED)) {
            return;
        }
        table.remove(session);
        CallMedia callMedia = media.find(session.room()).orElse(null);
        if (session instanceof PublishingSession s) {
            if (callMedia != null) {
                callMedia.removePublisher(s.peer(), s.leg());
            }
            for (ForwardingSession f : table.carrying(s)) {
                end(f, Reason.GONE, null);
            }
        } else if (session instanceof ForwardingSession f && callMedia != null) {
            callMedia.unsubscribe(f.peer(), f.source().peer(), f.leg());
        }
        session.leg().close();
        media.release(session.room());
    }

    /** Whether {@code receiver} is one the call's streams go to: a participant, or the room's recorder. */
    private boolean receives(Call call, JID receiver) {
        return call.participant(receiver).isPresent()
                || media.find(call.room()).map(m -> m.isRecorder(receiver)).orElse(false);
    }

    private static DtlsRole roleFor(DtlsSetup localSetup) {
        return localSetup == DtlsSetup.PASSIVE ? DtlsRole.SERVER : DtlsRole.CLIENT;
    }

}
