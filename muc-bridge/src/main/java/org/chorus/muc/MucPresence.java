package org.chorus.muc;

import java.util.HashSet;
import java.util.Set;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * A room presence as the gateway reads it: who, with which real JID, affiliation and role, and the
 * status codes that explain a change (XEP-0045).
 */
public record MucPresence(
        JID room,
        String nick,
        boolean available,
        PacketError.Condition error,
        JID realJid,
        Affiliation affiliation,
        String role,
        String newNick,
        Set<Integer> statusCodes) {

    /** Reads a presence from a room occupant JID; returns null when it is not one. */
    public static MucPresence parse(Presence presence) {
        JID from = presence.getFrom();
        if (from == null || from.getNode() == null || from.getResource() == null) {
            return null;
        }
        Element x = presence.getElement().element(org.dom4j.QName.get("x", Namespaces.MUC_USER));
        JID real = null;
        Affiliation affiliation = Affiliation.NONE;
        String role = "none";
        String newNick = null;
        Set<Integer> codes = new HashSet<>();
        if (x != null) {
            Element item = x.element("item");
            if (item != null) {
                String jid = item.attributeValue("jid");
                if (jid != null) {
                    try {
                        real = new JID(jid);
                    } catch (IllegalArgumentException e) {
                        real = null;
                    }
                }
                affiliation = Affiliation.fromXmpp(item.attributeValue("affiliation"));
                String r = item.attributeValue("role");
                role = r == null ? "none" : r;
                newNick = item.attributeValue("nick");
            }
            for (Element status : x.elements("status")) {
                try {
                    codes.add(Integer.parseInt(status.attributeValue("code", "").trim()));
                } catch (NumberFormatException e) {
                    // ignore a malformed code
                }
            }
        } else if (presence.getType() != Presence.Type.error) {
            return null;
        }
        Presence.Type type = presence.getType();
        PacketError.Condition error = type == Presence.Type.error && presence.getError() != null
                ? presence.getError().getCondition() : null;
        return new MucPresence(from.asBareJID(), from.getResource(), type == null, error, real, affiliation, role,
                newNick, Set.copyOf(codes));
    }

    public boolean isSelf() {
        return statusCodes.contains(MucStatus.SELF);
    }

    public boolean isError() {
        return error != null;
    }

    public Occupant toOccupant() {
        return new Occupant(nick, realJid, affiliation, role);
    }
}
