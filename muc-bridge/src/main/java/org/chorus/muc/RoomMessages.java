package org.chorus.muc;

import org.chorus.component.IqTracker;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.dom4j.QName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Message;

/**
 * Messages from a joined room: configuration changes (status 104 and 170–174: the room's disco#info
 * is read again), affiliation changes of people not in the room, the room's copy of the gateway's
 * own messages, and other occupants' group chat (members' proposes). Confined to the signalling thread.
 */
final class RoomMessages {
    private static final Logger log = LoggerFactory.getLogger(RoomMessages.class);

    private final IqTracker iq;
    private final RoomListener listener;
    private final AffiliationLists affiliations;

    RoomMessages(IqTracker iq, RoomListener listener, AffiliationLists affiliations) {
        this.iq = iq;
        this.listener = listener;
        this.affiliations = affiliations;
    }

    void handle(Room room, Message message) {
        Element x = message.getElement().element(QName.get("x", Namespaces.MUC_USER));
        if (x != null && message.getFrom().getResource() == null) {
            affiliations.announced(room, x);
        }
        if (x != null) {
            for (Element status : x.elements("status")) {
                if (MucStatus.signalsConfigChange(parseCode(status.attributeValue("code")))) {
                    refreshConfig(room);
                    break;
                }
            }
        }
        String nick = message.getFrom().getResource();
        if (message.getType() == Message.Type.groupchat && nick != null) {
            if (nick.equals(room.nick())) {
                listener.ownMessageEcho(room, message);
            } else {
                room.occupant(nick).ifPresent(o -> listener.messageFromOccupant(room, o, message));
            }
        }
    }

    private void refreshConfig(Room room) {
        iq.request(RoomStanzas.discoInfo(room.jid(), room.occupantAddress())).whenComplete((answer, failure) -> {
            if (failure != null || answer.getType() != IQ.Type.result) {
                log.warn("{}: could not read the changed configuration", room.jid());
                return;
            }
            RoomConfig before = room.config();
            RoomConfig now = RoomConfig.fromDiscoInfo(answer.getChildElement());
            room.config(now);
            if (!now.equals(before)) {
                log.info("{}: configuration changed; members-only={}, non-anonymous={}", room.jid(), now.membersOnly(),
                        now.nonAnonymous());
                listener.configChanged(room, before);
            }
        });
    }

    private static int parseCode(String code) {
        try {
            return code == null ? -1 : Integer.parseInt(code.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
