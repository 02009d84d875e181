package org.chorus.jingle;

import java.util.HashSet;
import java.util.Set;
import org.chorus.conference.Call;
import org.xmpp.packet.JID;

/**
 * The streams members turned down (PROTOCOL.md §6): a member that declines a forwarding session is
 * not offered that publisher's streams again in that call. Confined to the signalling thread.
 */
final class DeclinedStreams {
    private record Declined(String callId, JID receiver, JID publisher) {}

    private final Set<Declined> declined = new HashSet<>();

    void add(Call call, JID receiver, JID publisher) {
        declined.add(new Declined(call.id(), receiver, publisher));
    }

    boolean has(Call call, JID receiver, JID publisher) {
        return declined.contains(new Declined(call.id(), receiver, publisher));
    }

    /** The call is over: forgets what was declined in it. */
    void forget(Call call) {
        declined.removeIf(d -> d.callId().equals(call.id()));
    }
}
