package org.chorus.recording;

import org.chorus.component.StanzaSink;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;
import org.xmpp.packet.Presence;

/**
 * The brewery room where recorders gather (PROTOCOL.md §10). The gateway joins it as an occupant
 * and reads each recorder's {@code jibri-status} presence into the {@link RecorderPool}. The room
 * must be non-anonymous, so that the gateway sees the recorders' own JIDs. Confined to the
 * signalling thread.
 */
public final class Brewery {
    private static final Logger log = LoggerFactory.getLogger(Brewery.class);
    /** How long after a refused join (e.g. the room does not exist yet) the gateway tries again. */
    public static final java.time.Duration RETRY = java.time.Duration.ofSeconds(10);

    private final JID room;
    private final String nick;
    private final JID from;
    private final StanzaSink sink;
    private final RecorderPool pool;
    private final java.util.function.Consumer<JID> gone;
    private final java.util.concurrent.ScheduledExecutorService signalling;
    private final java.util.Set<String> trusted;
    private boolean joined;

    /**
     * {@code gone} hears of each recorder (its own JID) that leaves the brewery; a refused join is
     * tried again on {@code signalling} every {@link #RETRY}. {@code trusted} names the recorders'
     * domains or bare JIDs; when empty, every occupant with a {@code jibri-status} is a recorder.
     */
    public Brewery(JID room, String nick, JID componentJid, StanzaSink sink, RecorderPool pool,
            java.util.function.Consumer<JID> gone, java.util.concurrent.ScheduledExecutorService signalling,
            java.util.Set<String> trusted) {
        this.gone = gone;
        this.trusted = java.util.Set.copyOf(trusted);
        this.signalling = signalling;
        this.room = room.asBareJID();
        this.nick = nick;
        this.from = componentJid;
        this.sink = sink;
        this.pool = pool;
    }

    public JID room() {
        return room;
    }

    /** Joins (or rejoins after a lost stream): the room answers with every occupant's presence. */
    public void join() {
        joined = false;
        pool.clear();
        Presence join = new Presence();
        join.setFrom(from);
        join.setTo(new JID(room.getNode(), room.getDomain(), nick));
        join.addChildElement("x", Namespaces.MUC).addElement("history").addAttribute("maxstanzas", "0");
        sink.send(join);
        log.info("Joining the recorders' brewery {}", room);
    }

    public void leave() {
        Presence leave = new Presence(Presence.Type.unavailable);
        leave.setFrom(from);
        leave.setTo(new JID(room.getNode(), room.getDomain(), nick));
        sink.send(leave);
        joined = false;
        pool.clear();
    }

    /** Handles a presence from the brewery; false when it comes from elsewhere. */
    public boolean onPresence(Presence presence) {
        JID sender = presence.getFrom();
        if (sender == null || !room.equals(sender.asBareJID())) {
            return false;
        }
        if (sender.getResource() == null || nick.equals(sender.getResource())) {
            if (presence.getType() == Presence.Type.error) {
                log.warn("Cannot join the brewery {}: {}; trying again in {} s", room,
                        presence.getError() == null ? "error" : presence.getError().getCondition(), RETRY.toSeconds());
                joined = false;
                signalling.schedule(() -> {
                    if (!joined) {
                        join();
                    }
                }, RETRY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } else if (presence.getType() == null && !joined) {
                joined = true;
                if (hasStatus(presence, "201")) {
                    // the gateway created the room: unlock it as an instant room (XEP-0045 §10.1.2)
                    org.xmpp.packet.IQ unlock = new org.xmpp.packet.IQ(org.xmpp.packet.IQ.Type.set);
                    unlock.setFrom(from);
                    unlock.setTo(room);
                    unlock.setChildElement("query", "http://jabber.org/protocol/muc#owner")
                            .addElement("x", Namespaces.DATA_FORMS).addAttribute("type", "submit");
                    sink.send(unlock);
                    log.info("Created the recorders' brewery {}", room);
                }
                log.info("Joined the recorders' brewery {}", room);
            }
            return true;
        }
        if (presence.getType() == Presence.Type.unavailable || presence.getType() == Presence.Type.error) {
            Recorder left = pool.remove(sender);
            log.info("Recorder {} left the brewery", sender.getResource());
            if (left != null && left.realJid() != null) {
                gone.accept(left.realJid());
            }
            return true;
        }
        Element status = presence.getChildElement("jibri-status", Namespaces.JIBRI);
        if (status == null) {
            return true; // another occupant (e.g. a second gateway): not a recorder
        }
        Element busy = status.element("busy-status");
        Element health = status.element("health-status");
        boolean idle = busy != null && "idle".equals(busy.attributeValue("status"));
        boolean healthy = health != null && "healthy".equals(health.attributeValue("status"));
        JID real = realJid(presence);
        if (real == null) {
            log.warn("The brewery {} hides recorder {}'s JID: make it non-anonymous", room, sender.getResource());
        } else if (!trusted.isEmpty() && !trusted.contains(real.getDomain()) && !trusted.contains(real.toBareJID())) {
            log.warn("Ignoring {} in the brewery: {} is not among chorus.recording.recorders", sender.getResource(),
                    real.toBareJID());
            return true;
        }
        Recorder recorder = new Recorder(sender, real, idle, healthy);
        pool.update(recorder);
        log.debug("Recorder {}: {}, {}", sender.getResource(), idle ? "idle" : "busy", healthy ? "healthy" : "unhealthy");
        return true;
    }

    private static boolean hasStatus(Presence presence, String code) {
        Element x = presence.getChildElement("x", Namespaces.MUC_USER);
        if (x == null) {
            return false;
        }
        for (Element status : x.elements("status")) {
            if (code.equals(status.attributeValue("code"))) {
                return true;
            }
        }
        return false;
    }

    private static JID realJid(Presence presence) {
        Element x = presence.getChildElement("x", Namespaces.MUC_USER);
        Element item = x == null ? null : x.element("item");
        String jid = item == null ? null : item.attributeValue("jid");
        if (jid == null) {
            return null;
        }
        try {
            return new JID(jid);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
