package org.chorus.conference;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.chorus.muc.Room;
import org.xmpp.packet.JID;

/**
 * One call in one room: its id, who started it, who is in it, and its state. Confined to the
 * signalling thread; {@link CallManager} drives it.
 */
public final class Call {
    private final String id;
    private final Room room;
    private final JID initiator;
    private final Instant created;
    private final Map<JID, Participant> participants = new LinkedHashMap<>();
    private CallState state;
    private Instant started;
    private String proposeMessageId;
    private String proposeStanzaId;
    private String recording = "off";
    private boolean initiatorArrived;

    Call(String id, Room room, JID initiator, Instant now, CallState initial) {
        this.id = id;
        this.room = room;
        this.initiator = initiator;
        this.created = now;
        this.state = initial;
        this.started = now;
    }

    /** A new call id: a UUIDv4. */
    static String newId() {
        return UUID.randomUUID().toString();
    }

    public String id() {
        return id;
    }

    public Room room() {
        return room;
    }

    /** The bare JID of the member who started it, or null (a scheduled or adopted call). */
    public JID initiator() {
        return initiator;
    }

    public CallState state() {
        return state;
    }

    public Instant started() {
        return started;
    }

    public Instant created() {
        return created;
    }

    /** {@code off}, or the recording mode ({@code file}, {@code stream}) while the call is recorded. */
    public String recording() {
        return recording;
    }

    void recording(String recording) {
        this.recording = recording;
    }

    public Collection<Participant> participants() {
        return Collections.unmodifiableCollection(participants.values());
    }

    public Optional<Participant> participant(JID fullJid) {
        return Optional.ofNullable(participants.get(fullJid));
    }

    public Duration duration(Instant now) {
        return Duration.between(started, now);
    }

    /** The id to retract the invite with: the room's stanza-id for the propose, else the propose's message id. */
    public String retractId() {
        return proposeStanzaId != null ? proposeStanzaId : proposeMessageId;
    }

    String proposeMessageId() {
        return proposeMessageId;
    }

    void proposeMessageId(String id) {
        proposeMessageId = id;
    }

    void proposeStanzaId(String id) {
        proposeStanzaId = id;
    }

    /**
     * True once, when the member who started the call joins it for the first time: the propose
     * already announced it, so it gets no separate accept.
     */
    boolean claimInitiatorArrival(JID fullJid) {
        if (initiatorArrived || initiator == null || !initiator.equals(fullJid.asBareJID())) {
            return false;
        }
        initiatorArrived = true;
        return true;
    }

    void add(Participant participant) {
        moveTo(CallState.ACTIVE);
        participants.put(participant.jid(), participant);
    }

    Optional<Participant> remove(JID fullJid) {
        return Optional.ofNullable(participants.remove(fullJid));
    }

    void end() {
        moveTo(CallState.ENDED);
    }

    private void moveTo(CallState target) {
        if (!state.canMoveTo(target)) {
            throw new IllegalStateException("call " + id + " cannot go from " + state + " to " + target);
        }
        state = target;
    }
}
