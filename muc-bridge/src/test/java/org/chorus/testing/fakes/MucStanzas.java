package org.chorus.testing.fakes;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.chorus.xmpp.Namespaces;
import org.dom4j.DocumentException;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/** What a MUC service sends the gateway, and matchers for what the gateway sends it. */
public final class MucStanzas {
    private MucStanzas() {}

    /** disco#info features of a room that may carry calls. */
    public static final List<String> CALLABLE = List.of(
            "http://jabber.org/protocol/muc", "muc_membersonly", "muc_nonanonymous", "muc_persistent", "muc_hidden");
    /** Open to anyone, but non-anonymous. */
    public static final List<String> OPEN = List.of("http://jabber.org/protocol/muc", "muc_open", "muc_nonanonymous");
    /** Members-only, but semi-anonymous. */
    public static final List<String> SEMI_ANONYMOUS =
            List.of("http://jabber.org/protocol/muc", "muc_membersonly", "muc_semianonymous");
    /** Open and semi-anonymous. */
    public static final List<String> PUBLIC = List.of("http://jabber.org/protocol/muc", "muc_open", "muc_semianonymous");

    public static Element parse(String xml) {
        try {
            return DocumentHelper.parseText(xml).getRootElement();
        } catch (DocumentException e) {
            throw new IllegalArgumentException(xml, e);
        }
    }

    public static IQ iq(String xml) {
        return new IQ(parse(xml));
    }

    public static Presence presence(String xml) {
        return new Presence(parse(xml));
    }

    public static Message message(String xml) {
        return new Message(parse(xml));
    }

    // --- answers from the MUC ---

    public static IQ discoInfoResult(IQ request, List<String> features) {
        IQ reply = IQ.createResultIQ(request);
        Element query = reply.setChildElement("query", Namespaces.DISCO_INFO);
        query.addElement("identity").addAttribute("category", "conference").addAttribute("type", "text")
                .addAttribute("name", "A room");
        for (String feature : features) {
            query.addElement("feature").addAttribute("var", feature);
        }
        return reply;
    }

    public static IQ errorReply(IQ request, PacketError.Condition condition) {
        IQ reply = IQ.createResultIQ(request);
        reply.setType(IQ.Type.error);
        reply.setError(new PacketError(condition));
        return reply;
    }

    /** An affiliation list answer: items of {@code jid} with the queried affiliation. */
    public static IQ affiliationList(IQ request, String... bareJids) {
        String affiliation = request.getChildElement().element("item").attributeValue("affiliation");
        IQ reply = IQ.createResultIQ(request);
        Element query = reply.setChildElement("query", Namespaces.MUC_ADMIN);
        for (String jid : bareJids) {
            query.addElement("item").addAttribute("affiliation", affiliation).addAttribute("jid", jid);
        }
        return reply;
    }

    /** An occupant's available presence as a non-anonymous room sends it to an admin. */
    public static Presence occupant(JID room, JID to, String nick, String realJid, String affiliation, String role,
            int... codes) {
        Presence p = new Presence();
        p.setFrom(new JID(room.getNode(), room.getDomain(), nick));
        p.setTo(to);
        Element x = p.addChildElement("x", Namespaces.MUC_USER);
        Element item = x.addElement("item").addAttribute("affiliation", affiliation).addAttribute("role", role);
        if (realJid != null) {
            item.addAttribute("jid", realJid);
        }
        for (int code : codes) {
            x.addElement("status").addAttribute("code", String.valueOf(code));
        }
        return p;
    }

    /** An occupant's unavailable presence with the given status codes. */
    public static Presence unavailable(JID room, JID to, String nick, String realJid, String affiliation,
            int... codes) {
        Presence p = occupant(room, to, nick, realJid, affiliation, "none", codes);
        p.setType(Presence.Type.unavailable);
        return p;
    }

    /** The gateway's own presence in the room (status 110), which completes a join. */
    public static Presence self(JID room, JID gateway, String nick, int... extraCodes) {
        int[] codes = new int[extraCodes.length + 2];
        codes[0] = 100;
        codes[1] = 110;
        System.arraycopy(extraCodes, 0, codes, 2, extraCodes.length);
        return occupant(room, gateway, nick, gateway.toString(), "owner", "moderator", codes);
    }

    /** An error presence to a join, e.g. {@code conflict} for a nick in use. */
    public static Presence joinError(JID room, JID gateway, String nick, PacketError.Condition condition) {
        Presence p = new Presence(Presence.Type.error);
        p.setFrom(new JID(room.getNode(), room.getDomain(), nick));
        p.setTo(gateway);
        p.addChildElement("x", Namespaces.MUC);
        p.setError(new PacketError(condition));
        return p;
    }

    /** A groupchat message from the room itself with status codes, e.g. 104 (configuration changed). */
    public static Message roomStatus(JID room, JID gateway, int... codes) {
        Message m = new Message();
        m.setType(Message.Type.groupchat);
        m.setFrom(room);
        m.setTo(gateway);
        Element x = m.addChildElement("x", Namespaces.MUC_USER);
        for (int code : codes) {
            x.addElement("status").addAttribute("code", String.valueOf(code));
        }
        return m;
    }

    // --- matchers for what the gateway sends ---

    public static Predicate<Packet> discoInfoGet(JID to, JID from) {
        return p -> p instanceof IQ iq && iq.getType() == IQ.Type.get && to.equals(iq.getTo())
                && Objects.equals(from, iq.getFrom()) && iq.getChildElement() != null
                && "query".equals(iq.getChildElement().getName())
                && Namespaces.DISCO_INFO.equals(iq.getChildElement().getNamespaceURI())
                && iq.getChildElement().attributeValue("node") == null;
    }

    /** A join: available presence to room/nick with {@code <x xmlns=muc><history maxstanzas=0/></x>}. */
    public static Predicate<Packet> join(JID occupantJid, JID from) {
        return p -> {
            if (!(p instanceof Presence presence) || presence.getType() != null
                    || !occupantJid.equals(presence.getTo()) || !from.equals(presence.getFrom())) {
                return false;
            }
            Element x = presence.getElement().element(QName.get("x", Namespaces.MUC));
            Element history = x == null ? null : x.element("history");
            return history != null && "0".equals(history.attributeValue("maxstanzas"));
        };
    }

    public static Predicate<Packet> leave(JID occupantJid, JID from) {
        return p -> p instanceof Presence presence && presence.getType() == Presence.Type.unavailable
                && occupantJid.equals(presence.getTo()) && from.equals(presence.getFrom());
    }

    public static Predicate<Packet> affiliationQuery(JID room, JID from, String affiliation) {
        return p -> {
            if (!(p instanceof IQ iq) || iq.getType() != IQ.Type.get || !room.equals(iq.getTo())
                    || !from.equals(iq.getFrom())) {
                return false;
            }
            Element query = iq.getChildElement();
            return query != null && "query".equals(query.getName())
                    && Namespaces.MUC_ADMIN.equals(query.getNamespaceURI()) && query.element("item") != null
                    && affiliation.equals(query.element("item").attributeValue("affiliation"));
        };
    }

    public static Predicate<Packet> groupchat(JID room, JID from, String body) {
        return p -> p instanceof Message m && m.getType() == Message.Type.groupchat && room.equals(m.getTo())
                && from.equals(m.getFrom()) && body.equals(m.getBody());
    }

    /** An IQ answer of type result to the request with this id. */
    public static Predicate<Packet> resultTo(IQ request) {
        return p -> p instanceof IQ iq && iq.getType() == IQ.Type.result && request.getID().equals(iq.getID())
                && Objects.equals(request.getFrom(), iq.getTo());
    }

    /** An IQ error answer to the request with this id and condition. */
    public static Predicate<Packet> errorTo(IQ request, PacketError.Condition condition) {
        return p -> p instanceof IQ iq && iq.getType() == IQ.Type.error && request.getID().equals(iq.getID())
                && Objects.equals(request.getFrom(), iq.getTo()) && iq.getError() != null
                && iq.getError().getCondition() == condition;
    }
}
