package org.chorus.recorder;

import org.jitsi.xmpp.extensions.health.HealthStatusPacketExt;
import org.jitsi.xmpp.extensions.jibri.JibriBusyStatusPacketExt;
import org.jitsi.xmpp.extensions.jibri.JibriStatusPacketExt;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.PresenceBuilder;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jivesoftware.smackx.xdata.form.Form;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's place in the brewery room (PROTOCOL.md §10): it joins, and keeps its
 * {@code jibri-status} presence current. A brewery the recorder has to create is made
 * non-anonymous, so that the gateway sees the recorders' JIDs.
 */
final class BreweryMembership {
    private static final Logger log = LoggerFactory.getLogger(BreweryMembership.class);
    private static final String MUC = "http://jabber.org/protocol/muc";

    private final XMPPConnection connection;
    private final EntityBareJid room;
    private final Resourcepart nick;
    private boolean lastBusy;
    private boolean lastHealthy;
    private boolean joined;

    BreweryMembership(XMPPConnection connection, String room, String nick) {
        this.connection = connection;
        try {
            this.room = JidCreate.entityBareFrom(room);
            this.nick = Resourcepart.from(nick);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad brewery or nick: " + e.getMessage(), e);
        }
    }

    /**
     * Joins and announces the status. The first join goes through Smack's MUC support, which can
     * create and configure the room; a rejoin after a lost stream is a plain MUC join presence
     * carrying the status, since the room forgot us with the stream while Smack's room object did not.
     */
    synchronized void join(boolean busy, boolean healthy) throws Exception {
        MultiUserChat muc = MultiUserChatManager.getInstanceFor(connection).getMultiUserChat(room);
        if (muc.isJoined()) {
            send(busy, healthy, true);
            joined = true;
            log.info("Joined the brewery {} as {} again", room, nick);
            return;
        }
        // the join presence itself carries the status: the gateway sees an idle, healthy recorder at once
        MultiUserChat.MucCreateConfigFormHandle created = muc.createOrJoin(muc.getEnterConfigurationBuilder(nick)
                .withPresence(p -> p.addExtension(status(busy, healthy))).requestNoHistory().build());
        if (created != null) {
            Form form = muc.getConfigurationForm();
            FillableForm fill = form.getFillableForm();
            if (form.hasField("muc#roomconfig_whois")) {
                fill.setAnswer("muc#roomconfig_whois", "anyone");
            }
            muc.sendConfigurationForm(fill);
            log.info("Created the brewery {} (non-anonymous)", room);
        }
        joined = true;
        lastBusy = busy;
        lastHealthy = healthy;
        log.info("Status: {}, {}", busy ? "busy" : "idle", healthy ? "healthy" : "unhealthy");
        log.info("Joined the brewery {} as {}", room, nick);
    }

    /** Sends the status presence if it changed (or always, with {@code force}). */
    synchronized void update(boolean busy, boolean healthy, boolean force) {
        if (!joined || (!force && busy == lastBusy && healthy == lastHealthy)) {
            return;
        }
        try {
            send(busy, healthy);
        } catch (Exception e) {
            log.warn("Cannot update the brewery presence: {}", e.toString());
        }
    }

    synchronized void connectionLost() {
        joined = false;
    }

    private static JibriStatusPacketExt status(boolean busy, boolean healthy) {
        JibriStatusPacketExt status = new JibriStatusPacketExt();
        JibriBusyStatusPacketExt busyStatus = new JibriBusyStatusPacketExt();
        busyStatus.setStatus(busy ? JibriBusyStatusPacketExt.BusyStatus.BUSY : JibriBusyStatusPacketExt.BusyStatus.IDLE);
        HealthStatusPacketExt health = new HealthStatusPacketExt();
        health.setStatus(healthy ? HealthStatusPacketExt.Health.HEALTHY : HealthStatusPacketExt.Health.UNHEALTHY);
        status.setBusyStatus(busyStatus);
        status.setHealthStatus(health);
        return status;
    }

    private void send(boolean busy, boolean healthy) throws Exception {
        send(busy, healthy, false);
    }

    /** The status presence; {@code join} makes it a MUC join (no history) as well. */
    private void send(boolean busy, boolean healthy, boolean join) throws Exception {
        PresenceBuilder presence = PresenceBuilder.buildPresence().to(JidCreate.fullFrom(room, nick));
        if (join) {
            presence.addExtension(org.jivesoftware.smack.packet.StandardExtensionElement.builder("x", MUC)
                    .addElement(org.jivesoftware.smack.packet.StandardExtensionElement.builder("history", MUC)
                            .addAttribute("maxstanzas", "0").build())
                    .build());
        }
        connection.sendStanza(presence.addExtension(status(busy, healthy)).build());
        lastBusy = busy;
        lastHealthy = healthy;
        log.info("Status: {}, {}", busy ? "busy" : "idle", healthy ? "healthy" : "unhealthy");
    }
}
