package org.chorus.muc;

import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/** The stanzas the gateway sends to a room as its occupant. */
final class RoomStanzas {
    private RoomStanzas() {}

    /** The join: no history, and the extensions the gateway's presence carries (a rejoin keeps them). */
    static Presence join(Room room) {
        Presence join = presence(room);
        Element x = join.addChildElement("x", Namespaces.MUC);
        x.addElement("history").addAttribute("maxstanzas", "0");
        return join;
    }

    /** The gateway's presence in the room, with every extension it carries. */
    static Presence presence(Room room) {
        Presence update = new Presence();
        update.setFrom(room.occupantAddress());
        update.setTo(occupantJid(room));
        room.presenceExtensions().forEach(e -> update.getElement().add(e.createCopy()));
        return update;
    }

    static Presence leave(Room room, String status) {
        Presence leave = new Presence(Presence.Type.unavailable);
        leave.setFrom(room.occupantAddress());
        leave.setTo(occupantJid(room));
        if (status != null) {
            leave.setStatus(status);
        }
        return leave;
    }

    static IQ discoInfo(JID to, JID from) {
        IQ info = new IQ(IQ.Type.get);
        info.setTo(to);
        info.setFrom(from);
        info.setChildElement("query", Namespaces.DISCO_INFO);
        return info;
    }

    private static JID occupantJid(Room room) {
        return new JID(room.jid().getNode(), room.jid().getDomain(), room.nick());
    }
}
