package org.chorus.conference;

import java.util.Optional;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.muc.RoomState;
import org.xmpp.packet.JID;

/** Decides whether a caller may take part in a room's calls, from the room's live state. */
public final class CallAuthorizer {

    /**
     * @param room a bound room
     * @param caller the full JID the request came from
     * @param initiator the Jingle {@code initiator} attribute, or null when absent
     */
    public CallDecision decide(Room room, JID caller, String initiator) {
        if (room.state() != RoomState.JOINED || room.config() == null) {
            return new CallDecision.Forbidden("the gateway is not in the room");
        }
        String whyNot = room.config().whyNotCallable();
        if (whyNot != null) {
            return new CallDecision.NotAcceptable(whyNot);
        }
        if (caller == null || caller.getNode() == null || caller.getResource() == null) {
            return new CallDecision.Forbidden("calls come from a full JID");
        }
        if (initiator != null && !initiator.isBlank() && !sameJid(initiator, caller)) {
            return new CallDecision.Forbidden("the Jingle initiator is not the sender");
        }
        Optional<Occupant> occupant = room.occupantByRealJid(caller);
        if (occupant.isEmpty()) {
            boolean sameUserElsewhere = room.occupants().stream()
                    .anyMatch(o -> caller.asBareJID().equals(o.realBareJid()));
            return new CallDecision.Forbidden(sameUserElsewhere
                    ? "this client is not the one that is in the room; call from the client that joined it"
                    : "only occupants of the room may call; join it first");
        }
        if (!occupant.get().affiliation().mayCall()) {
            return new CallDecision.Forbidden("only members of the room may call");
        }
        return new CallDecision.MayCall(room, occupant.get());
    }

    private static boolean sameJid(String text, JID jid) {
        try {
            return new JID(text).equals(jid);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
