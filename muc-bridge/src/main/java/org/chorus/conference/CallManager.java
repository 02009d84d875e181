package org.chorus.conference;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chorus.muc.LeaveReason;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.muc.RoomConfig;
import org.chorus.muc.RoomListener;
import org.chorus.muc.RoomRegistry;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.dom4j.QName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/**
 * The calls of all rooms (PROTOCOL.md §4): at most one per room; started by the first member whose
 * call is accepted, by a member's own propose, or by a schedule; announced in the room; ended when
 * the last participant leaves, or as a no-show. Confined to the signalling thread.
 */
public final class CallManager implements RoomListener {
    private static final Logger log = LoggerFactory.getLogger(CallManager.class);
    private static final String SID_NS = "urn:xmpp:sid:0";

    private final RoomRegistry rooms;
    private final ActiveCalls directory;
    private final ScheduledExecutorService signalling;
    private final Clock clock;
    private final Duration noShowTimeout;
    private Duration rejoinGrace = Duration.ZERO;
    private Duration leaveDebounce = Duration.ZERO;
    private boolean streamUp = true;
    private long streamLostAt = Long.MIN_VALUE;
    private long streamBackAt = Long.MIN_VALUE;
    private final Map<Room, Call> calls = new HashMap<>();
    private final List<CallListener> listeners = new CopyOnWriteArrayList<>();

    public CallManager(RoomRegistry rooms, ActiveCalls directory, ScheduledExecutorService signalling, Clock clock,
            Duration noShowTimeout) {
        this.rooms = rooms;
        this.directory = directory;
        this.signalling = signalling;
        this.clock = clock;
        this.noShowTimeout = noShowTimeout;
    }

    /**
     * How long a participant who was missing when the gateway rejoined after a lost stream may take
     * to come back (its client reconnecting after a server restart) before it leaves the call.
     */
    public void rejoinGrace(Duration grace) {
        this.rejoinGrace = grace;
    }

    /**
     * How long a plain room exit waits before it takes the member out of the call. When the XMPP
     * server shuts down, it first sends every client's unavailable presence and only then drops the
     * gateway's stream; waiting this long tells the two apart.
     */
    public void leaveDebounce(Duration debounce) {
        this.leaveDebounce = debounce;
    }

    /** The gateway's XMPP stream dropped: departures seen around now are the server's doing. */
    public void streamLost() {
        streamUp = false;
        streamLostAt = clock.millis();
    }

    /** The gateway's XMPP stream is back; members have {@link #rejoinGrace} from now to return. */
    public void streamBack() {
        streamUp = true;
        streamBackAt = clock.millis();
    }

    public void addListener(CallListener listener) {
        listeners.add(listener);
    }

    public Optional<Call> activeCall(Room room) {
        return Optional.ofNullable(calls.get(room));
    }

    /**
     * A member's sending session was accepted: it is in the call now. The first one starts the call
     * (propose, naming it as initiator); later ones are announced with accept. The member who
     * started the call gets no separate accept.
     */
    public Call join(Room room, Occupant occupant, JID fullJid) {
        Instant now = clock.instant();
        Call call = calls.get(room);
        if (call == null) {
            call = new Call(Call.newId(), room, fullJid.asBareJID(), now, CallState.ACTIVE);
            calls.put(room, call);
            Participant p = new Participant(fullJid, occupant.nick(), now);
            call.add(p);
            call.claimInitiatorArrival(fullJid);
            announcePropose(call, occupant.nick());
            log.info("{}: call {} started by {}", room.jid(), call.id(), occupant.nick());
        } else if (call.participant(fullJid).isPresent()) {
            return call; // a replaced session (PROTOCOL.md §5): the member never left the call
        } else {
            Participant p = new Participant(fullJid, occupant.nick(), now);
            call.add(p);
            if (!call.claimInitiatorArrival(fullJid)) {
                rooms.send(room, CallAnnouncements.accept(call, p));
            }
            log.info("{}: {} joined call {} ({} in it)", room.jid(), occupant.nick(), call.id(), call.participants().size());
        }
        publish(call);
        return call;
    }

    /** A participant left the call; the call ends when it was the last one. */
    public void leave(Room room, JID fullJid, Departure departure) {
        Call call = calls.get(room);
        if (call == null) {
            return;
        }
        Optional<Participant> gone = call.remove(fullJid);
        if (gone.isEmpty()) {
            return;
        }
        log.info("{}: {} left call {} ({})", room.jid(), gone.get().nick(), call.id(), departure);
        listeners.forEach(l -> l.participantLeft(call, gone.get(), departure));
        if (call.participants().isEmpty()) {
            end(call, EndReason.ALL_LEFT);
        } else {
            publish(call);
        }
    }

    /** Ends every call, e.g. on shutdown, before the gateway leaves the rooms. */
    public void endAll(EndReason reason) {
        for (Call call : new ArrayList<>(calls.values())) {
            endWithEveryone(call, Departure.CALL_ENDED, reason);
        }
    }

    private void endWithEveryone(Call call, Departure departure, EndReason reason) {
        for (Participant p : new ArrayList<>(call.participants())) {
            call.remove(p.jid());
            listeners.forEach(l -> l.participantLeft(call, p, departure));
        }
        end(call, reason);
    }

    // --- room events ---

    /** A room that stops being members-only or non-anonymous ends its call (PROTOCOL.md §3). */
    @Override
    public void configChanged(Room room, RoomConfig before) {
        Call call = calls.get(room);
        if (call == null || room.config() == null || room.config().callable()) {
            return;
        }
        log.info("{}: the room no longer allows calls ({}); ending call {}", room.jid(), room.config().whyNotCallable(),
                call.id());
        endWithEveryone(call, Departure.ROOM_CHANGED, EndReason.ROOM_CHANGED);
    }

    @Override
    public void occupantLeft(Room room, Occupant occupant, LeaveReason reason) {
        Call call = calls.get(room);
        if (call == null || occupant.realJid() == null || call.participant(occupant.realJid()).isEmpty()) {
            return;
        }
        boolean graceful = !rejoinGrace.isZero() && !rejoinGrace.isNegative();
        if (graceful && (reason == LeaveReason.GONE_WHILE_DISCONNECTED || reason == LeaveReason.ROOM_CLOSED)) {
            awaitReturn(room, occupant, clock.millis());
            return;
        }
        if (reason == LeaveReason.LEFT && !leaveDebounce.isZero() && !leaveDebounce.isNegative()) {
            long seen = clock.millis();
            signalling.schedule(() -> {
                if (room.occupantByRealJid(occupant.realJid()).isPresent()) {
                    return;
                }
                if (graceful && (!streamUp || streamLostAt >= seen)) {
                    awaitReturn(room, occupant, seen);
                } else {
                    leave(room, occupant.realJid(), Departure.GONE);
                }
            }, leaveDebounce.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        leave(room, occupant.realJid(), Departure.from(reason));
    }

    /**
     * A member went away with the server (a restart): media never stopped, and its client will
     * reconnect, so it stays in the call until {@link #rejoinGrace} after the gateway is back.
     */
    private void awaitReturn(Room room, Occupant occupant, long since) {
        log.info("{}: {} went away with the server; keeping it in the call for {} s after the reconnect",
                room.jid(), occupant.nick(), rejoinGrace.toSeconds());
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (calls.get(room) == null || room.occupantByRealJid(occupant.realJid()).isPresent()) {
                    return;
                }
                long now = clock.millis();
                boolean graceOver = streamUp && now - Math.max(streamBackAt, since) >= rejoinGrace.toMillis();
                boolean tooLong = now - since > rejoinGrace.toMillis() + Duration.ofMinutes(5).toMillis();
                if (graceOver || tooLong) {
                    leave(room, occupant.realJid(), Departure.GONE);
                } else {
                    signalling.schedule(this, 1, TimeUnit.SECONDS);
                }
            }
        };
        signalling.schedule(check, 1, TimeUnit.SECONDS);
    }

    @Override
    public void messageFromOccupant(Room room, Occupant sender, Message message) {
        Element propose = message.getChildElement("propose", Namespaces.JINGLE_MUC_MESSAGE);
        if (propose != null) {
            memberProposed(room, sender, propose.attributeValue("id"));
            return;
        }
        for (String action : new String[] {"reject", "retract", "accept", "ended"}) {
            Element el = message.getChildElement(action, Namespaces.JINGLE_MUC_MESSAGE);
            if (el != null) {
                log.info("{}: {} sent {} for call {}", room.jid(), sender.nick(), action, el.attributeValue("id"));
                return;
            }
        }
    }

    @Override
    public void ownMessageEcho(Room room, Message message) {
        Call call = calls.get(room);
        if (call == null || message.getID() == null || !message.getID().equals(call.proposeMessageId())) {
            return;
        }
        for (Element sid : message.getElement().elements(QName.get("stanza-id", SID_NS))) {
            if (room.jid().toBareJID().equals(sid.attributeValue("by")) && sid.attributeValue("id") != null) {
                call.proposeStanzaId(sid.attributeValue("id"));
            }
        }
    }

    // --- internals ---

    private void memberProposed(Room room, Occupant sender, String id) {
        if (id == null || id.isBlank() || id.length() > 128) {
            log.info("{}: ignored a propose without a usable id from {}", room.jid(), sender.nick());
            return;
        }
        if (!sender.affiliation().mayCall() || sender.realJid() == null || room.config() == null
                || !room.config().callable()) {
            log.info("{}: ignored a propose from {}, who may not start calls here", room.jid(), sender.nick());
            return;
        }
        if (calls.containsKey(room)) {
            log.info("{}: ignored {}'s propose {}: call {} is already on", room.jid(), sender.nick(), id,
                    calls.get(room).id());
            return;
        }
        Call call = new Call(id, room, sender.realJid().asBareJID(), clock.instant(), CallState.PROPOSED);
        calls.put(room, call);
        announcePropose(call, sender.nick());
        publish(call);
        log.info("{}: adopted {}'s propose as call {}", room.jid(), sender.nick(), id);
        signalling.schedule(() -> {
            if (calls.get(room) == call && call.state() == CallState.PROPOSED) {
                end(call, EndReason.NO_SHOW);
            }
        }, noShowTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void announcePropose(Call call, String nick) {
        Message propose = CallAnnouncements.propose(call, call.room().conferenceJid(), nick);
        call.proposeMessageId(propose.getID());
        rooms.send(call.room(), propose);
    }

    private void end(Call call, EndReason reason) {
        call.end();
        calls.remove(call.room());
        Duration duration = call.duration(clock.instant());
        rooms.send(call.room(), CallAnnouncements.ended(call, reason, duration));
        rooms.presenceExtension(call.room(), "call", null);
        directory.remove(call.room().conferenceJid());
        listeners.forEach(l -> l.callEnded(call, reason));
        log.info("{}: call {} ended ({}, {} s)", call.room().jid(), call.id(), reason.toXmpp(), duration.toSeconds());
    }

    /**
     * Sets the {@code recording} attribute of the room's {@code <call>} presence (PROTOCOL.md §4,
     * §10): {@code off}, {@code file} or {@code stream}. No effect without an active call.
     */
    public void recording(Room room, String recording) {
        Call call = calls.get(room);
        if (call != null && !call.recording().equals(recording)) {
            call.recording(recording);
            publish(call);
        }
    }

    private void publish(Call call) {
        rooms.presenceExtension(call.room(), "call", CallAnnouncements.presence(call, call.room().conferenceJid()));
        directory.put(new ActiveCalls.CallInfo(call.id(), call.room().conferenceJid(), call.room().jid(),
                call.started(), call.participants().size(), call.recording()));
    }
}
