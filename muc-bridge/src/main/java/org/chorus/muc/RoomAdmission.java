package org.chorus.muc;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * Which rooms the gateway may be brought into (PROTOCOL.md §3). Anyone on the federation can send a
 * call to any conference JID, and the gateway has to enter a room to learn whether the caller may
 * call there. So: only rooms of the allowed MUC services are ever contacted; and the rooms bound
 * because somebody called them (not because the configuration lists them) are capped in number, in
 * number per user, and in how long they stay without a call. Decisions and bookkeeping only:
 * {@link RoomRegistry} joins and leaves. Confined to the signalling thread.
 */
public final class RoomAdmission {
    /**
     * @param otherServices MUC services besides the configured one whose rooms may be bound
     * @param max           rooms bound on demand at once
     * @param perUser       such rooms one user's calls may have bound while they carry no call
     * @param idle          how long such a room stays bound without a call
     * @param joinTimeout   how long a join may go unanswered before the room counts as refused
     */
    public record Settings(Collection<String> otherServices, int max, int perUser, Duration idle, Duration joinTimeout) {
        public static final Settings DEFAULT = new Settings(List.of(), 200, 5, Duration.ofMinutes(10),
                Duration.ofSeconds(10));
    }

    private static final class Bound {
        final JID boundBy;
        long idleSince;

        Bound(JID boundBy, long now) {
            this.boundBy = boundBy;
            this.idleSince = now;
        }
    }

    private final Settings settings;
    private final Set<String> services;
    private final Predicate<Room> inUse;
    private final Clock clock;
    private final Map<Room, Bound> onDemand = new LinkedHashMap<>();

    /**
     * @param mucService the configured MUC service, always allowed
     * @param inUse      rooms that carry a call: never left for idling, and not counted against their user
     */
    public RoomAdmission(String mucService, Settings settings, Predicate<Room> inUse, Clock clock) {
        this.settings = settings;
        Set<String> allowed = new HashSet<>(settings.otherServices());
        allowed.add(mucService);
        this.services = Set.copyOf(allowed);
        this.inUse = inUse;
        this.clock = clock;
    }

    Settings settings() {
        return settings;
    }

    /** Whether rooms of this JID's service may be bound at all. */
    public boolean serves(JID roomJid) {
        return services.contains(roomJid.getDomain());
    }

    /**
     * Why {@code requester} (null for the gateway itself) may not make the gateway bind one more
     * room, or null when it may. When only the gateway-wide cap is in the way, {@code evict} is given
     * the room idle longest, to leave it and make way.
     */
    BindRefused refusal(JID roomJid, JID requester, java.util.function.Consumer<Room> evict) {
        if (!serves(roomJid)) {
            return new BindRefused(PacketError.Condition.item_not_found,
                    "conferences of " + roomJid.getDomain() + " are not served here");
        }
        if (requester != null) {
            JID user = requester.asBareJID();
            long idleOfUser = onDemand.entrySet().stream()
                    .filter(e -> user.equals(e.getValue().boundBy) && !inUse.test(e.getKey())).count();
            if (idleOfUser >= settings.perUser()) {
                return new BindRefused(PacketError.Condition.resource_constraint, "your calls have brought the gateway "
                        + "into too many rooms without a call (on-demand-rooms.per-user: " + settings.perUser() + ")");
            }
        }
        if (onDemand.size() >= settings.max()) {
            longestIdle().ifPresent(evict);
        }
        if (onDemand.size() >= settings.max()) {
            return new BindRefused(PacketError.Condition.resource_constraint,
                    "the gateway is in too many rooms now (on-demand-rooms.max: " + settings.max() + ")");
        }
        return null;
    }

    void bound(Room room, JID requester) {
        onDemand.put(room, new Bound(requester == null ? null : requester.asBareJID(), clock.millis()));
    }

    void forget(Room room) {
        onDemand.remove(room);
    }

    /** The room served no call (its caller was refused): it may go at the next sweep, unless in use by then. */
    void releaseSoon(Room room) {
        Bound b = onDemand.get(room);
        if (b != null) {
            b.idleSince = Math.min(b.idleSince, clock.millis() - settings.idle().toMillis());
        }
    }

    /** The rooms to leave now: without a call for longer than the idle time. Rooms in use start their idle time again. */
    List<Room> expired() {
        long now = clock.millis();
        List<Room> expired = new ArrayList<>();
        for (Map.Entry<Room, Bound> e : onDemand.entrySet()) {
            if (inUse.test(e.getKey())) {
                e.getValue().idleSince = now;
            } else if (now - e.getValue().idleSince >= settings.idle().toMillis()) {
                expired.add(e.getKey());
            }
        }
        return expired;
    }

    private Optional<Room> longestIdle() {
        return onDemand.entrySet().stream().filter(e -> !inUse.test(e.getKey()))
                .min((a, b) -> Long.compare(a.getValue().idleSince, b.getValue().idleSince))
                .map(Map.Entry::getKey);
    }

    /** Rooms bound on demand right now. */
    public int onDemandRooms() {
        return onDemand.size();
    }
}
