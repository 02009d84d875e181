package org.chorus.jingle;

import java.util.List;
import org.chorus.xmpp.Stanzas;
import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError.Condition;

/**
 * How many ICE candidates a peer may signal for one session over its life, in its offer or answer
 * and trickled together (PROTOCOL.md §5; {@link JingleLimits#maxCandidatesPerSession()}): a browser
 * sends a handful; more only costs the gateway checks.
 */
final class CandidateLimit {
    static final int MAX = JingleLimits.DEFAULTS.maxCandidatesPerSession();

    private CandidateLimit() {}

    static int count(SessionDescription description) {
        return description.transport() == null ? 0 : description.transport().candidates().size();
    }

    static int count(List<TransportUpdate> updates) {
        return updates.stream().mapToInt(u -> u.transport().candidates().size()).sum();
    }

    static IQ refusal(IQ iq) {
        return Stanzas.error(iq, Condition.bad_request, "over the gateway's limit of " + MAX + " candidates per session");
    }
}
