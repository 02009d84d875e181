package org.chorus.conference;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.xmpp.packet.JID;

/**
 * The calls going on, by conference JID: what disco reports about a conference (PROTOCOL.md §2).
 * Confined to the signalling thread. A room has at most one active call.
 */
public final class ActiveCalls {

    /** What the outside sees of one call. */
    public record CallInfo(String callId, JID conference, JID room, Instant started, int participants, String recording) {}

    private final Map<JID, CallInfo> byConference = new HashMap<>();

    public Optional<CallInfo> call(JID conference) {
        return Optional.ofNullable(byConference.get(conference.asBareJID()));
    }

    public Collection<CallInfo> all() {
        return List.copyOf(byConference.values());
    }

    public void put(CallInfo info) {
        byConference.put(info.conference().asBareJID(), info);
    }

    public void remove(JID conference) {
        byConference.remove(conference.asBareJID());
    }

    /** The active calls that pass the filter, e.g. "the requester is a member of the room". */
    public List<CallInfo> visibleTo(Predicate<CallInfo> maySee) {
        return byConference.values().stream().filter(maySee).toList();
    }
}
