package org.chorus.muc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.chorus.component.IqTracker;
import org.chorus.component.StanzaSink;
import org.chorus.conference.ConferenceJids;
import org.chorus.xmpp.Namespaces;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.dom4j.QName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * The rooms the gateway is bound to (PROTOCOL.md §3): it looks before it joins (joining a missing room
 * would create it), joins as {@code <domain>/<conference localpart>}, tracks occupants with their real
 * JIDs and affiliations, follows configuration changes, and rejoins after a reconnect.
 * Confined to the signalling thread.
 */
public final class RoomRegistry {
    private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);

    /** Requests that may wait for one room to be joined; more are refused at once. */
    static final int MAX_WAITERS = 256;

    private final ConferenceJids jids;
    private final StanzaSink sink;
    private final IqTracker iq;
    private final ScheduledExecutorService signalling;
    private final String baseNick;
    private final Duration retryDelay;
    private final RoomListener listener;
    private final Map<JID, Room> rooms = new LinkedHashMap<>();
    private final AffiliationLists affiliations;
    private final OccupantChanges occupantChanges;
    private final RoomMessages messages;
    private RoomAdmission admission;
    private boolean connected;

    public RoomRegistry(ConferenceJids jids, StanzaSink sink, IqTracker iq, ScheduledExecutorService signalling,
            String nick, Duration retryDelay, RoomListener listener) {
        this.jids = jids;
        this.sink = sink;
        this.iq = iq;
        this.signalling = signalling;
        this.baseNick = nick;
        this.retryDelay = retryDelay;
        this.listener = listener;
        this.affiliations = new AffiliationLists(iq);
        this.occupantChanges = new OccupantChanges(listener);
        this.messages = new RoomMessages(iq, listener, affiliations);
        this.admission = new RoomAdmission(jids.mucService(), RoomAdmission.Settings.DEFAULT, r -> false,
                java.time.Clock.systemUTC());
    }

    public Optional<Room> room(JID roomJid) {
        return Optional.ofNullable(rooms.get(roomJid.asBareJID()));
    }

    public Collection<Room> rooms() {
        return Collections.unmodifiableCollection(rooms.values());
    }

    /** Parses a configured room: a local part on the MUC service, or a bare room JID. */
    public JID parseConfiguredRoom(String entry) {
        String trimmed = entry.trim();
        JID room = trimmed.indexOf('@') >= 0 ? new JID(trimmed) : new JID(trimmed, jids.mucService(), null);
        if (room.getNode() == null || room.getResource() != null) {
            throw new IllegalArgumentException("not a room: " + entry);
        }
        jids.conferenceFor(room); // validates
        return room;
    }

    /** Binds the configured rooms; they are joined once the stream is up, and looked for again while missing. */
    public void bindConfigured(List<JID> configuredRooms) {
        for (JID room : configuredRooms) {
            rooms.computeIfAbsent(room.asBareJID(), r -> newRoom(r, true));
        }
    }

    /** Which rooms may be bound, and for how long those bound on demand stay (PROTOCOL.md §3). */
    public void admission(RoomAdmission admission) {
        this.admission = admission;
    }

    /** Whether rooms of this JID's service may be bound at all. */
    public boolean serves(JID roomJid) {
        return admission.serves(roomJid);
    }

    /** {@link #bind(JID, JID)} on the gateway's own behalf. */
    public CompletableFuture<Room> bind(JID roomJid) {
        return bind(roomJid, null);
    }

    /**
     * Binds a room (a member called it, or ran a command on it) and completes once its state has
     * settled: {@link RoomState#JOINED}, {@link RoomState#MISSING}, {@link RoomState#REFUSED} or
     * {@link RoomState#OFFLINE}. Completes exceptionally with {@link BindRefused} when the room's
     * service is not served, or the gateway or the requester has bound too many rooms on demand.
     *
     * @param requester who asked (its bare JID counts against the per-user limit), or null
     */
    public CompletableFuture<Room> bind(JID roomJid, JID requester) {
        Room room = rooms.get(roomJid.asBareJID());
        if (room == null) {
            BindRefused refused = admission.refusal(roomJid, requester, idle -> release(idle, "to make way for another"));
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            room = newRoom(roomJid.asBareJID(), false);
            rooms.put(room.jid(), room);
            admission.bound(room, requester);
        }
        if (room.state() == RoomState.JOINED || room.state() == RoomState.LEFT
                || (!connected && !room.state().settling())) {
            return CompletableFuture.completedFuture(room);
        }
        if (room.waiters() >= MAX_WAITERS) {
            return CompletableFuture.failedFuture(new BindRefused(PacketError.Condition.resource_constraint,
                    "too many requests are waiting for " + room.jid() + " to be joined"));
        }
        CompletableFuture<Room> waiter = new CompletableFuture<>();
        room.addWaiter(waiter);
        if (connected && (room.state() == RoomState.NEW || room.state() == RoomState.MISSING
                || room.state() == RoomState.REFUSED)) {
            startProbe(room);
        }
        return waiter;
    }

    /**
     * A room bound on demand served no call (the caller was refused): leave it at the next sweep,
     * unless a call has started there by then. Configured rooms stay.
     */
    public void releaseSoon(Room room) {
        admission.releaseSoon(room);
    }

    /** Leaves the rooms bound on demand that have been without a call for too long. Periodic. */
    public void sweep() {
        for (Room room : admission.expired()) {
            release(room, "after " + admission.settings().idle().toSeconds() + " s without a call");
        }
    }

    private void release(Room room, String why) {
        log.info("{}: leaving, {}", room.jid(), why);
        if (room.state() == RoomState.JOINED || room.state() == RoomState.JOINING) {
            sendLeave(room);
        }
        if (room.state() != RoomState.LEFT) {
            room.moveTo(RoomState.LEFT);
        }
        room.settleWaiters();
        forget(room);
    }

    /** A room that is not configured and is not (or no longer) in use is forgotten. */
    private void forget(Room room) {
        admission.forget(room);
        rooms.remove(room.jid(), room);
    }

    /**
     * The configuration of a room, bound or not, without joining it: empty when the room does not
     * exist, or its service is not served (which is then never asked).
     */
    public CompletableFuture<Optional<RoomConfig>> lookUp(JID roomJid) {
        if (!serves(roomJid)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Room bound = rooms.get(roomJid.asBareJID());
        if (bound != null && bound.state() == RoomState.JOINED && bound.config() != null) {
            return CompletableFuture.completedFuture(Optional.of(bound.config()));
        }
        return iq.request(RoomStanzas.discoInfo(roomJid, new JID(null, jids.gatewayDomain(), null))).thenApply(answer -> {
            if (answer.getType() == IQ.Type.result) {
                return Optional.of(RoomConfig.fromDiscoInfo(answer.getChildElement()));
            }
            if (answer.getError() != null && answer.getError().getCondition() == PacketError.Condition.item_not_found) {
                return Optional.empty();
            }
            throw new RoomLookupException(Stanzas.describeError(answer));
        });
    }

    /** Posts a human notice in a joined room; false if the gateway is not in it. */
    public boolean post(Room room, String body) {
        Message message = new Message();
        message.setBody(body);
        return send(room, message);
    }

    /**
     * Sends a groupchat message from the gateway's occupant, with a storage hint (PROTOCOL.md §4);
     * false, and nothing sent, if the gateway is not in the room.
     */
    public boolean send(Room room, Message message) {
        if (room.state() != RoomState.JOINED) {
            return false;
        }
        message.setType(Message.Type.groupchat);
        message.setFrom(room.occupantAddress());
        message.setTo(room.jid());
        if (message.getChildElement("store", Namespaces.HINTS) == null) {
            message.addChildElement("store", Namespaces.HINTS);
        }
        sink.send(message);
        return true;
    }

    /**
     * Sets one extension the gateway's presence in the room carries, named by its element name
     * ({@code "call"}, {@code "jibri-recording-status"}); null removes it. If the gateway is in the
     * room, the updated presence, with every extension, goes out at once. Rejoins carry them too.
     */
    public void presenceExtension(Room room, String name, Element extension) {
        room.presenceExtension(name, extension == null ? null : extension.createCopy());
        if (room.state() == RoomState.JOINED) {
            sink.send(RoomStanzas.presence(room));
        }
    }

    /** Posts why calls are refused here, once per room until its configuration changes. */
    public void postUnsuitableNoticeOnce(Room room) {
        String why = room.config() == null ? null : room.config().whyNotCallable();
        if (why != null && room.state() == RoomState.JOINED && room.claimUnsuitableNotice()) {
            post(room, why);
        }
    }

    // --- stream events ---

    public void onConnected() {
        connected = true;
        for (Room room : new ArrayList<>(rooms.values())) {
            if (room.state() == RoomState.NEW || room.state() == RoomState.OFFLINE) {
                startProbe(room);
            }
        }
    }

    public void onDisconnected() {
        connected = false;
        for (Room room : rooms.values()) {
            if (room.state() != RoomState.LEFT && room.state() != RoomState.OFFLINE) {
                room.moveTo(RoomState.OFFLINE);
                room.settleWaiters();
            }
        }
    }

    /** Sends unavailable presence to every room the gateway is in, and forgets them. */
    public void leaveAll() {
        for (Room room : rooms.values()) {
            if (room.state() == RoomState.JOINED || room.state() == RoomState.JOINING) {
                sink.send(RoomStanzas.leave(room, "Chorus is shutting down"));
            }
            if (room.state() != RoomState.LEFT) {
                room.moveTo(RoomState.LEFT);
                room.settleWaiters();
            }
        }
    }

    // --- stanzas ---

    /** Handles a presence from a room occupant; false when it does not concern a bound room. */
    public boolean onPresence(Presence presence) {
        if (presence.getFrom() == null) {
            return false;
        }
        Room room = rooms.get(presence.getFrom().asBareJID());
        if (room == null || presence.getFrom().getResource() == null) {
            return false;
        }
        MucPresence p = MucPresence.parse(presence);
        if (p == null) {
            return true;
        }
        switch (room.state()) {
            case JOINING -> whileJoining(room, p, presence);
            case JOINED -> whileJoined(room, p, presence);
            default -> log.debug("{}: presence from {} ignored in state {}", room.jid(), p.nick(), room.state());
        }
        return true;
    }

    /** Handles a message from a room; false when it does not concern a bound room. */
    public boolean onMessage(Message message) {
        if (message.getFrom() == null) {
            return false;
        }
        Room room = rooms.get(message.getFrom().asBareJID());
        if (room == null) {
            return false;
        }
        if (room.state() != RoomState.JOINED || message.getType() == Message.Type.error) {
            return true;
        }
        messages.handle(room, message);
        return true;
    }

    // --- probing and joining ---

    private Room newRoom(JID roomJid, boolean configured) {
        JID conference = jids.conferenceFor(roomJid);
        JID self = new JID(null, jids.gatewayDomain(), conference.getNode());
        return new Room(roomJid.asBareJID(), conference, self, configured, baseNick);
    }

    private void startProbe(Room room) {
        room.moveTo(RoomState.PROBING);
        iq.request(RoomStanzas.discoInfo(room.jid(), room.occupantAddress())).whenComplete((answer, failure) -> {
            if (room.state() != RoomState.PROBING) {
                return;
            }
            if (failure != null) {
                refused(room, "no answer to disco#info: " + failure.getMessage());
            } else if (answer.getType() == IQ.Type.result) {
                room.config(RoomConfig.fromDiscoInfo(answer.getChildElement()));
                join(room);
            } else if (answer.getError() != null
                    && answer.getError().getCondition() == PacketError.Condition.item_not_found) {
                missing(room);
            } else {
                refused(room, "disco#info refused: " + Stanzas.describeError(answer));
            }
        });
    }

    private void join(Room room) {
        room.moveTo(RoomState.JOINING);
        room.startArriving();
        sendJoin(room);
        // a MUC that never answers must not keep the room, and every call waiting for it, joining forever
        room.stateTimer(signalling.schedule(() -> {
            if (room.state() == RoomState.JOINING) {
                sendLeave(room);
                refused(room, "no answer to the join within " + admission.settings().joinTimeout().toMillis() + " ms");
            }
        }, admission.settings().joinTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    private void sendJoin(Room room) {
        sink.send(RoomStanzas.join(room));
    }

    private void whileJoining(Room room, MucPresence p, Presence presence) {
        if (p.isError()) {
            joinFailed(room, p, presence);
            return;
        }
        if (!p.isSelf()) {
            if (p.available()) {
                room.arriving().put(p.nick(), p.toOccupant());
            } else {
                room.arriving().remove(p.nick());
            }
            return;
        }
        if (p.statusCodes().contains(MucStatus.ROOM_CREATED)) {
            // the room vanished between the look and the join, and the join created it: undo that
            log.warn("{}: joining created the room; leaving it again", room.jid());
            sendLeave(room);
            missing(room);
            return;
        }
        if (!p.available()) {
            refused(room, "removed while joining");
            return;
        }
        room.nick(p.nick());
        room.resetNickAttempts();
        Map<String, Occupant> before = room.replaceOccupants(room.arriving());
        room.startArriving();
        room.moveTo(RoomState.JOINED);
        log.info("{}: joined as '{}' with {} other occupant(s); members-only={}, non-anonymous={}", room.jid(),
                room.nick(), room.occupants().size(), room.config().membersOnly(), room.config().nonAnonymous());
        affiliations.fetch(room);
        for (Occupant previous : before.values()) {
            boolean stillHere = previous.realJid() != null
                    ? room.occupantByRealJid(previous.realJid()).isPresent()
                    : room.occupant(previous.nick()).isPresent();
            if (!stillHere) {
                listener.occupantLeft(room, previous, LeaveReason.GONE_WHILE_DISCONNECTED);
            }
        }
        room.settleWaiters();
        listener.joined(room);
    }

    private void joinFailed(Room room, MucPresence p, Presence presence) {
        PacketError.Condition condition = p.error();
        if (condition == PacketError.Condition.conflict) {
            int attempt = room.nextNickAttempt();
            if (attempt < 10) {
                room.nick(baseNick + " (" + (attempt + 1) + ")");
                sendJoin(room);
                return;
            }
        }
        if (condition == PacketError.Condition.item_not_found) {
            missing(room);
            return;
        }
        String hint = condition == PacketError.Condition.registration_required
                || condition == PacketError.Condition.forbidden || condition == PacketError.Condition.not_authorized
                ? "; make " + jids.gatewayDomain() + " an admin of " + room.jid().getDomain() : "";
        refused(room, "join refused (" + (condition == null ? "error" : condition.toXMPP()) + ")" + hint);
    }

    private void whileJoined(Room room, MucPresence p, Presence presence) {
        if (p.isError()) {
            log.debug("{}: error presence from {}", room.jid(), p.nick());
            return;
        }
        boolean self = p.isSelf() || (p.nick().equals(room.nick()) && p.realJid() != null
                && p.realJid().equals(room.occupantAddress()));
        if (self) {
            if (!p.available()) {
                selfRemoved(room, p, presence);
            }
            return;
        }
        occupantChanges.apply(room, p);
    }

    private void selfRemoved(Room room, MucPresence p, Presence presence) {
        boolean destroyed = p.statusCodes().contains(MucStatus.SHUTDOWN) || presence.getElement()
                .element(QName.get("x", Namespaces.MUC_USER)) != null && presence.getElement()
                .element(QName.get("x", Namespaces.MUC_USER)).element("destroy") != null;
        for (Occupant o : room.replaceOccupants(new LinkedHashMap<>()).values()) {
            listener.occupantLeft(room, o, LeaveReason.ROOM_CLOSED);
        }
        if (destroyed) {
            missing(room);
        } else {
            refused(room, "the gateway was removed from the room (" + LeaveReason.fromStatus(p) + ")");
        }
    }

    private void sendLeave(Room room) {
        sink.send(RoomStanzas.leave(room, null));
    }

    private void missing(Room room) {
        room.moveTo(RoomState.MISSING);
        log.info("{}: the room does not exist{}", room.jid(), room.configured() ? "; looking again in " + retryDelay : "");
        room.settleWaiters();
        scheduleRetry(room);
    }

    private void refused(Room room, String why) {
        room.moveTo(RoomState.REFUSED);
        if (room.configured()) {
            log.warn("{}: {}; trying again in {}", room.jid(), why, retryDelay);
        } else {
            log.info("{}: {}", room.jid(), why);
        }
        room.settleWaiters();
        scheduleRetry(room);
    }

    private void scheduleRetry(Room room) {
        if (!room.configured()) {
            forget(room); // the next call to it looks again
            return;
        }
        room.stateTimer(signalling.schedule(() -> {
            if (connected && (room.state() == RoomState.MISSING || room.state() == RoomState.REFUSED)) {
                startProbe(room);
            }
        }, retryDelay.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** A room could not be looked at (not a missing room, which is an empty answer). */
    public static final class RoomLookupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RoomLookupException(String message) {
            super(message);
        }
    }
}
