package org.chorus.conference;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.chorus.xmpp.Namespaces;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

/**
 * The call announcements a room sees (PROTOCOL.md §4): propose, accept and ended messages, and the
 * {@code <call>} element of the gateway's presence. Pure builders; {@link CallManager} sends them.
 */
public final class CallAnnouncements {
    static final String CALL_INVITES = "urn:xmpp:call-invites:0";
    private static final String N = Namespaces.JINGLE_MUC_MESSAGE;

    private CallAnnouncements() {}

    /** "alice started a call" with the propose and a XEP-0482 invite. */
    public static Message propose(Call call, JID conference, String starterNick) {
        Message m = message();
        m.setBody((starterNick == null ? "A call started" : starterNick + " started a call")
                + ". Join it: " + conference.toBareJID());
        Element propose = m.addChildElement("propose", N);
        propose.addAttribute("id", call.id()).addAttribute("jid", conference.toBareJID());
        if (call.initiator() != null) {
            propose.addAttribute("initiator", call.initiator().toBareJID());
        }
        for (String media : new String[] {"audio", "video"}) {
            propose.addElement(QName.get("description", Namespaces.JINGLE_RTP)).addAttribute("media", media);
        }
        Element invite = m.addChildElement("invite", CALL_INVITES);
        invite.addAttribute("audio", "true").addAttribute("video", "true");
        invite.addElement("jingle").addAttribute("jid", conference.toBareJID());
        return m;
    }

    /** "bob joined the call". */
    public static Message accept(Call call, Participant participant) {
        Message m = message();
        m.setBody(participant.nick() + " joined the call");
        m.addChildElement("accept", N)
                .addAttribute("id", call.id())
                .addAttribute("jid", participant.jid().toBareJID())
                .addAttribute("nick", participant.nick());
        return m;
    }

    /** "Call ended" with its duration, and the retraction of the invite. */
    public static Message ended(Call call, EndReason reason, Duration duration) {
        Message m = message();
        long seconds = Math.max(0, duration.toSeconds());
        m.setBody(reason == EndReason.NO_SHOW ? "Call ended: nobody joined"
                : "Call ended after " + human(seconds));
        m.addChildElement("ended", N)
                .addAttribute("id", call.id())
                .addAttribute("reason", reason.toXmpp())
                .addAttribute("duration", String.valueOf(seconds));
        if (call.retractId() != null) {
            m.addChildElement("retract", CALL_INVITES).addAttribute("id", call.retractId());
        }
        return m;
    }

    /** The {@code <call>} element of the gateway's room presence while a call is on. */
    public static Element presence(Call call, JID conference) {
        Element el = DocumentHelper.createElement(QName.get("call", N));
        el.addAttribute("id", call.id())
                .addAttribute("jid", conference.toBareJID())
                .addAttribute("started", DateTimeFormatter.ISO_INSTANT.format(call.started().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .addAttribute("recording", call.recording());
        for (Participant p : call.participants()) {
            el.addElement("participant").addAttribute("jid", p.jid().toBareJID()).addAttribute("nick", p.nick());
        }
        return el;
    }

    static String human(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        long h = seconds / 3600;
        long min = (seconds % 3600) / 60;
        long s = seconds % 60;
        if (h > 0) {
            return h + " h" + (min > 0 ? " " + min + " min" : "");
        }
        return min + " min" + (s > 0 ? " " + s + " s" : "");
    }

    private static Message message() {
        Message m = new Message();
        m.setID(UUID.randomUUID().toString());
        return m;
    }
}
