package org.chorus.muc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.dom4j.Element;
import org.xmpp.packet.JID;

/**
 * One room the gateway is bound to: its state, configuration, occupants and affiliations.
 * Confined to the signalling thread; {@link RoomRegistry} drives its transitions.
 */
public final class Room {
    private final JID jid;
    private final JID conferenceJid;
    private final JID occupantAddress;
    private final boolean configured;

    private RoomState state = RoomState.NEW;
    private RoomConfig config;
    private String nick;
    private Map<String, Occupant> occupants = new LinkedHashMap<>();
    private Map<String, Occupant> arriving = new LinkedHashMap<>();
    private final Map<JID, Affiliation> affiliations = new HashMap<>();
    private final List<CompletableFuture<Room>> waiters = new ArrayList<>();
    private boolean unsuitableNoticePosted;
    private final Map<String, Element> presenceExtensions = new LinkedHashMap<>();
    private int nickAttempt;
    /** The timer of the current state (giving up a join, looking again for a missing room); cancelled when the state changes. */
    private java.util.concurrent.ScheduledFuture<?> stateTimer;

    Room(JID jid, JID conferenceJid, JID occupantAddress, boolean configured, String nick) {
        this.jid = jid;
        this.conferenceJid = conferenceJid;
        this.occupantAddress = occupantAddress;
        this.configured = configured;
        this.nick = nick;
    }

    public JID jid() {
        return jid;
    }

    public JID conferenceJid() {
        return conferenceJid;
    }

    /** The gateway's own address in this room's traffic: {@code <gateway domain>/<conference localpart>}. */
    public JID occupantAddress() {
        return occupantAddress;
    }

    /** Listed in the configuration: looked for again and again while missing. */
    public boolean configured() {
        return configured;
    }

    public RoomState state() {
        return state;
    }

    public RoomConfig config() {
        return config;
    }

    public String nick() {
        return nick;
    }

    public Collection<Occupant> occupants() {
        return Collections.unmodifiableCollection(occupants.values());
    }

    public Optional<Occupant> occupant(String nick) {
        return Optional.ofNullable(occupants.get(nick));
    }

    /** The occupant whose real full JID is exactly {@code realJid}. */
    public Optional<Occupant> occupantByRealJid(JID realJid) {
        return occupants.values().stream().filter(o -> realJid.equals(o.realJid())).findFirst();
    }

    /**
     * The affiliation of a bare JID: from an occupant's presence when it is in the room, else from the
     * room's affiliation lists.
     */
    public Affiliation affiliationOf(JID bareJid) {
        JID bare = bareJid.asBareJID();
        for (Occupant o : occupants.values()) {
            if (bare.equals(o.realBareJid())) {
                return o.affiliation();
            }
        }
        return affiliations.getOrDefault(bare, Affiliation.NONE);
    }

    // --- mutations, for RoomRegistry ---

    void moveTo(RoomState target) {
        if (!state.canMoveTo(target)) {
            throw new IllegalStateException(jid + ": room cannot go from " + state + " to " + target);
        }
        if (target != state) {
            cancelStateTimer();
        }
        state = target;
    }

    void config(RoomConfig newConfig) {
        if (config != null && !config.equals(newConfig)) {
            unsuitableNoticePosted = false;
        }
        config = newConfig;
    }

    void nick(String newNick) {
        nick = newNick;
    }

    int nextNickAttempt() {
        return ++nickAttempt;
    }

    /**
     * Sets the timer of the current state, cancelling an earlier one: a room has at most one, and it
     * ends with the state it was set in.
     */
    void stateTimer(java.util.concurrent.ScheduledFuture<?> timer) {
        cancelStateTimer();
        stateTimer = timer;
    }

    private void cancelStateTimer() {
        if (stateTimer != null) {
            stateTimer.cancel(false);
            stateTimer = null;
        }
    }

    void resetNickAttempts() {
        nickAttempt = 0;
    }

    /** Replaces the occupant list, returning the previous one (used on rejoin to find who left meanwhile). */
    Map<String, Occupant> replaceOccupants(Map<String, Occupant> fresh) {
        Map<String, Occupant> previous = occupants;
        occupants = fresh;
        return previous;
    }

    Map<String, Occupant> occupantMap() {
        return occupants;
    }

    /** The occupants announced so far while joining; they replace the list once the join completes. */
    Map<String, Occupant> arriving() {
        return arriving;
    }

    void startArriving() {
        arriving = new LinkedHashMap<>();
    }

    void affiliation(JID bareJid, Affiliation affiliation) {
        if (affiliation == Affiliation.NONE) {
            affiliations.remove(bareJid.asBareJID());
        } else {
            affiliations.put(bareJid.asBareJID(), affiliation);
        }
    }

    /** Replaces every entry with this affiliation by the room's current list of it. */
    void replaceAffiliationList(Affiliation affiliation, java.util.Set<JID> bareJids) {
        affiliations.values().removeIf(a -> a == affiliation);
        for (JID jid : bareJids) {
            affiliations.put(jid.asBareJID(), affiliation);
        }
    }

    int waiters() {
        return waiters.size();
    }

    void addWaiter(CompletableFuture<Room> waiter) {
        waiters.add(waiter);
    }

    void settleWaiters() {
        List<CompletableFuture<Room>> done = new ArrayList<>(waiters);
        waiters.clear();
        done.forEach(w -> w.complete(this));
    }

    /**
     * The extensions the gateway's room presence carries (the active call, the recording status),
     * in the order they were first set.
     */
    public Collection<Element> presenceExtensions() {
        return Collections.unmodifiableCollection(presenceExtensions.values());
    }

    /** The extension with this element name (e.g. {@code "call"}), or null. */
    public Element presenceExtension(String name) {
        return presenceExtensions.get(name);
    }

    void presenceExtension(String name, Element extension) {
        if (extension == null) {
            presenceExtensions.remove(name);
        } else {
            presenceExtensions.put(name, extension);
        }
    }

    /** Marks the "calls are not possible here" notice as posted; false if it already was. */
    boolean claimUnsuitableNotice() {
        if (unsuitableNoticePosted) {
            return false;
        }
        unsuitableNoticePosted = true;
        return true;
    }

    @Override
    public String toString() {
        return "Room[" + jid + ", " + state + "]";
    }
}
