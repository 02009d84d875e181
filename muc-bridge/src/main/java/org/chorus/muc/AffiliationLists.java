package org.chorus.muc;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.chorus.component.IqTracker;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * A room's affiliation lists, for the members who are not in it (those in it carry their
 * affiliation in their presence): read after every join, and kept current from the room's
 * announcements, so that nobody keeps rights the room took away (PROTOCOL.md §3, §8).
 * Confined to the signalling thread.
 */
final class AffiliationLists {
    private static final Logger log = LoggerFactory.getLogger(AffiliationLists.class);
    private static final List<Affiliation> LISTED = List.of(Affiliation.OWNER, Affiliation.ADMIN, Affiliation.MEMBER);

    private final IqTracker iq;

    AffiliationLists(IqTracker iq) {
        this.iq = iq;
    }

    /**
     * The room announces an affiliation change of someone who is not in it (XEP-0045 §9, "the
     * service MUST also send presence notifications" has no presence to send then): a demoted admin
     * must lose its rights at once, not at the next join.
     */
    void announced(Room room, Element x) {
        for (Element item : x.elements("item")) {
            String jid = item.attributeValue("jid");
            String affiliation = item.attributeValue("affiliation");
            if (jid == null || affiliation == null) {
                continue;
            }
            try {
                JID who = new JID(jid).asBareJID();
                Affiliation now = Affiliation.fromXmpp(affiliation);
                log.info("{}: {} (not in the room) is now {}", room.jid(), who, now.toXmpp());
                room.affiliation(who, now);
            } catch (IllegalArgumentException e) {
                log.debug("{}: unreadable affiliation change", room.jid());
            }
        }
    }

    void fetch(Room room) {
        for (Affiliation affiliation : LISTED) {
            IQ query = new IQ(IQ.Type.get);
            query.setFrom(room.occupantAddress());
            query.setTo(room.jid());
            query.setChildElement("query", Namespaces.MUC_ADMIN).addElement("item")
                    .addAttribute("affiliation", affiliation.toXmpp());
            iq.request(query).whenComplete((answer, failure) -> {
                if (failure != null || answer.getType() != IQ.Type.result || answer.getChildElement() == null) {
                    log.debug("{}: no {} list", room.jid(), affiliation.toXmpp());
                    return;
                }
                Set<JID> listed = new HashSet<>();
                for (Element item : answer.getChildElement().elements("item")) {
                    String jid = item.attributeValue("jid");
                    if (jid != null) {
                        try {
                            listed.add(new JID(jid).asBareJID());
                        } catch (IllegalArgumentException e) {
                            log.debug("{}: bad JID in affiliation list", room.jid());
                        }
                    }
                }
                // the list as it is now: whoever is no longer on it loses what it gave
                room.replaceAffiliationList(affiliation, listed);
            });
        }
    }

}
