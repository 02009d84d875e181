package org.chorus.jingle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.chorus.media.MediaLeg;
import org.chorus.muc.Room;
import org.xmpp.packet.JID;

/**
 * Every live Jingle session of the gateway, with the indexes the session layer looks them up by:
 * by key (member, conference, sid), by media leg, by member, by participant (its own sending session)
 * and by the sending session whose streams a forwarding session carries.
 *
 * <p>Sessions enter only through {@link #add} and leave only through {@link #remove}, which update
 * every index together and remove only the very session given, so the indexes cannot drift apart: a
 * session found through one is found through all of them. A key that is taken cannot be added again.
 * Confined to the signalling thread.
 */
final class SessionTable {
    private final Map<SessionKey, GatewaySession> byKey = new HashMap<>();
    private final Map<MediaLeg, GatewaySession> byLeg = new IdentityHashMap<>();
    private final Map<JID, Set<GatewaySession>> byPeer = new HashMap<>();
    private final Map<ParticipantKey, PublishingSession> senders = new HashMap<>();
    private final Map<PublishingSession, Set<ForwardingSession>> bySource = new IdentityHashMap<>();

    /**
     * Adds a session; false, and nothing changed, when its key is taken, or when it is a sending
     * session and its participant already has one (end that one first).
     */
    boolean add(GatewaySession session) {
        if (byKey.containsKey(session.key()) || byLeg.containsKey(session.leg())) {
            return false;
        }
        if (session instanceof PublishingSession s && senders.containsKey(participant(s))) {
            return false;
        }
        byKey.put(session.key(), session);
        byLeg.put(session.leg(), session);
        byPeer.computeIfAbsent(session.peer(), p -> new LinkedHashSet<>()).add(session);
        if (session instanceof PublishingSession s) {
            senders.put(participant(s), s);
            bySource.put(s, new LinkedHashSet<>());
        } else if (session instanceof ForwardingSession f) {
            bySource.computeIfAbsent(f.source(), s -> new LinkedHashSet<>()).add(f);
        }
        return true;
    }

    /** Removes exactly this session from every index; false if it was not in the table. */
    boolean remove(GatewaySession session) {
        if (!byKey.remove(session.key(), session)) {
            return false;
        }
        byLeg.remove(session.leg(), session);
        Set<GatewaySession> ofPeer = byPeer.get(session.peer());
        if (ofPeer != null && ofPeer.remove(session) && ofPeer.isEmpty()) {
            byPeer.remove(session.peer());
        }
        if (session instanceof PublishingSession s) {
            senders.remove(participant(s), s);
            Set<ForwardingSession> carrying = bySource.get(s);
            if (carrying != null && carrying.isEmpty()) {
                bySource.remove(s);
            }
        } else if (session instanceof ForwardingSession f) {
            Set<ForwardingSession> carrying = bySource.get(f.source());
            if (carrying != null && carrying.remove(f) && carrying.isEmpty()
                    && byLeg.get(f.source().leg()) != f.source()) {
                bySource.remove(f.source());
            }
        }
        return true;
    }

    Optional<GatewaySession> get(SessionKey key) {
        return Optional.ofNullable(byKey.get(key));
    }

    Optional<GatewaySession> byLeg(MediaLeg leg) {
        return Optional.ofNullable(byLeg.get(leg));
    }

    /** The participant's own session in that room's call. */
    Optional<PublishingSession> sender(ParticipantKey participant) {
        return Optional.ofNullable(senders.get(participant));
    }

    /** Every session with {@code peer} at the other end, in {@code room}: its own, and those carrying streams to it. */
    List<GatewaySession> ofPeer(Room room, JID peer) {
        Set<GatewaySession> all = byPeer.get(peer);
        if (all == null) {
            return List.of();
        }
        List<GatewaySession> inRoom = new ArrayList<>();
        for (GatewaySession s : all) {
            if (s.room() == room) {
                inRoom.add(s);
            }
        }
        return inRoom;
    }

    /** The forwarding sessions that carry this sending session's streams to others. */
    List<ForwardingSession> carrying(PublishingSession source) {
        Set<ForwardingSession> set = bySource.get(source);
        return set == null ? List.of() : List.copyOf(set);
    }

    /** The sending sessions of a room's call, in the order they came. */
    List<PublishingSession> senders(Room room) {
        List<PublishingSession> inRoom = new ArrayList<>();
        for (PublishingSession s : senders.values()) {
            if (s.room() == room) {
                inRoom.add(s);
            }
        }
        return inRoom;
    }

    /** Every sending session, a copy. */
    List<PublishingSession> senders() {
        return new ArrayList<>(senders.values());
    }

    /** How many sessions the full JID has with the gateway, in both directions, in every room. */
    int sessionsOf(JID fullJid) {
        return byPeer.getOrDefault(fullJid, Collections.emptySet()).size();
    }

    /** How many calls the user (any of its clients) is sending in. */
    int callsOf(JID bareJid) {
        JID bare = bareJid.asBareJID();
        int n = 0;
        for (ParticipantKey p : senders.keySet()) {
            if (bare.equals(p.member().asBareJID())) {
                n++;
            }
        }
        return n;
    }

    int size() {
        return byKey.size();
    }

    private static ParticipantKey participant(PublishingSession s) {
        return new ParticipantKey(s.room(), s.peer());
    }
}
