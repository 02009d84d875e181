package org.chorus.recorder;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jitsi.xmpp.extensions.health.HealthStatusPacketExt;
import org.jitsi.xmpp.extensions.jibri.JibriBusyStatusPacketExt;
import org.jitsi.xmpp.extensions.jibri.JibriStatusPacketExt;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.PresenceBuilder;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's place in the brewery room (PROTOCOL.md §10): it joins, and keeps its
 * {@code jibri-status} presence current.
 *
 * <p>The recorder never creates the brewery: the operator does (members-only, non-anonymous, with
 * the recorders' accounts as members). Before each join it asks the room's disco#info; a missing
 * room ({@code item-not-found}) or a refused join is logged once and looked at again every retry
 * delay. A join that creates the room all the same (status 201: it vanished in between) is left
 * at once, which lets the MUC service drop the new, still locked room. Until it is in the brewery
 * the recorder is simply not in the gateways' pool; its health is not affected.
 *
 * <p>Every change of state happens on one thread of its own ({@code brewery}): the stream's
 * presences, the disco#info answer, the timers and the status updates all hop onto it.
 */
final class BreweryMembership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BreweryMembership.class);
    private static final String MUC = "http://jabber.org/protocol/muc";
    private static final String MISSING = "it does not exist; the operator creates it (members-only, non-anonymous,"
            + " with this recorder's account as a member)";

    /** Where the recorder stands with the brewery. */
    enum State {
        /** Not in the room, nothing under way (before login, after a lost stream). */
        OUT,
        /** Asking the room's disco#info. */
        PROBING,
        /** The join presence is sent. */
        JOINING,
        JOINED,
        /** Missing or refused: looking again after the retry delay. */
        WAITING;

        boolean canMoveTo(State next) {
            return switch (this) {
                case OUT -> next == PROBING;
                case PROBING -> next == JOINING || next == WAITING || next == OUT || next == PROBING;
                case JOINING -> next == JOINED || next == WAITING || next == OUT || next == PROBING;
                case JOINED -> next == WAITING || next == OUT || next == PROBING;
                case WAITING -> next == PROBING || next == OUT;
            };
        }
    }

    private final XMPPConnection connection;
    private final EntityBareJid room;
    private final Resourcepart nick;
    private final EntityFullJid self;
    private final Duration retry;
    private final ScheduledExecutorService thread;
    // confined to the brewery thread
    private State state = State.OUT;
    private long generation;
    private String problem;
    private boolean wantBusy;
    private boolean wantHealthy;
    private boolean sentBusy;
    private boolean sentHealthy;

    /** A missing or refused brewery is looked at again every {@code retry}. */
    BreweryMembership(XMPPConnection connection, String room, String nick, Duration retry) {
        this.connection = connection;
        try {
            this.room = JidCreate.entityBareFrom(room);
            this.nick = Resourcepart.from(nick);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad brewery or nick: " + e.getMessage(), e);
        }
        this.self = JidCreate.entityFullFrom(this.room, this.nick);
        this.retry = retry;
        this.thread = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brewery");
            t.setDaemon(true);
            return t;
        });
        // our own presence in the room (the answer to a join, a kick, an error): in order, on our thread
        connection.addSyncStanzaListener(p -> run(() -> onOwnPresence((Presence) p)),
                new AndFilter(StanzaTypeFilter.PRESENCE, FromMatchesFilter.createFull(self)));
    }

    /** Looks for the room and joins it once it exists, announcing this status (also after a lost stream). */
    void join(boolean busy, boolean healthy) {
        run(() -> {
            wantBusy = busy;
            wantHealthy = healthy;
            probe();
        });
    }

    /** The status to announce; it is sent now if it changed (or always, with {@code force}) and the recorder is in. */
    void update(boolean busy, boolean healthy, boolean force) {
        run(() -> {
            wantBusy = busy;
            wantHealthy = healthy;
            if (state == State.JOINED && (force || busy != sentBusy || healthy != sentHealthy)) {
                sendStatus(false);
            }
        });
    }

    /** The stream is gone, and the room forgot us with it. */
    void connectionLost() {
        run(() -> {
            generation++;
            if (state != State.OUT) {
                moveTo(State.OUT);
            }
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    // --- on the brewery thread ---

    private void probe() {
        moveTo(State.PROBING);
        long attempt = ++generation;
        DiscoverInfo info = DiscoverInfo.builder(connection).to(room).ofType(IQ.Type.get).build();
        try {
            connection.sendIqRequestAsync(info, connection.getReplyTimeout())
                    .onSuccess(answer -> run(() -> probed(attempt, null)))
                    .onError(e -> run(() -> probed(attempt, e)));
        } catch (RuntimeException e) {
            waitAndRetry("cannot ask its disco#info (" + e + ")");
        }
    }

    private void probed(long attempt, Exception failure) {
        if (attempt != generation || state != State.PROBING) {
            return;
        }
        if (failure == null) {
            sendJoin();
        } else if (failure instanceof XMPPException.XMPPErrorException error) {
            StanzaError.Condition condition = error.getStanzaError().getCondition();
            waitAndRetry(condition == StanzaError.Condition.item_not_found ? MISSING
                    : "its disco#info was refused (" + condition + ")");
        } else {
            waitAndRetry("no answer to its disco#info (" + failure.getClass().getSimpleName() + ")");
        }
    }

    private void sendJoin() {
        moveTo(State.JOINING);
        long attempt = generation;
        try {
            sendStatus(true);
        } catch (Exception e) {
            waitAndRetry("cannot send the join (" + e + ")");
            return;
        }
        thread.schedule(() -> {
            if (attempt == generation && state == State.JOINING) {
                sendLeave();
                waitAndRetry("no answer to the join");
            }
        }, connection.getReplyTimeout(), TimeUnit.MILLISECONDS);
    }

    private void onOwnPresence(Presence presence) {
        if (state != State.JOINING && state != State.JOINED) {
            return;
        }
        if (presence.getType() == Presence.Type.error) {
            StanzaError error = presence.getError();
            waitAndRetry("the join was refused (" + (error == null ? "error" : error.getCondition()) + ")");
        } else if (presence.getType() == Presence.Type.unavailable) {
            waitAndRetry("the recorder was removed from it");
        } else if (presence.getType() == Presence.Type.available && state == State.JOINING) {
            MUCUser user = MUCUser.from(presence);
            if (user != null && user.getStatus().contains(MUCUser.Status.ROOM_CREATED_201)) {
                // the join made the room (it vanished after the disco#info): never keep a room we made
                sendLeave();
                log.warn("Left the brewery {} at once: joining it created it", room);
                waitAndRetry(MISSING);
                return;
            }
            moveTo(State.JOINED);
            problem = null;
            log.info("Joined the brewery {} as {}", room, nick);
            if (wantBusy != sentBusy || wantHealthy != sentHealthy) {
                sendStatus(false);
            }
        }
    }

    private void waitAndRetry(String why) {
        moveTo(State.WAITING);
        if (!why.equals(problem)) {
            problem = why;
            log.warn("Not in the brewery {}: {}; looking again every {} s", room, why, retry.toSeconds());
        }
        long attempt = ++generation;
        thread.schedule(() -> {
            if (attempt == generation && state == State.WAITING) {
                probe();
            }
        }, retry.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The status presence; {@code join} makes it a MUC join (no history) as well. */
    private void sendStatus(boolean join) {
        PresenceBuilder presence = PresenceBuilder.buildPresence().to(self);
        if (join) {
            presence.addExtension(StandardExtensionElement.builder("x", MUC)
                    .addElement(StandardExtensionElement.builder("history", MUC).addAttribute("maxstanzas", "0").build())
                    .build());
        }
        try {
            connection.sendStanza(presence.addExtension(status(wantBusy, wantHealthy)).build());
        } catch (Exception e) {
            if (join) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            log.warn("Cannot update the brewery presence: {}", e.toString());
            return;
        }
        sentBusy = wantBusy;
        sentHealthy = wantHealthy;
        log.info("Status: {}, {}", sentBusy ? "busy" : "idle", sentHealthy ? "healthy" : "unhealthy");
    }

    private void sendLeave() {
        try {
            connection.sendStanza(PresenceBuilder.buildPresence().ofType(Presence.Type.unavailable).to(self).build());
        } catch (Exception e) {
            log.debug("Cannot leave the brewery: {}", e.toString());
        }
    }

    private void moveTo(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("brewery membership cannot go from " + state + " to " + next);
        }
        state = next;
    }

    private void run(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("Brewery membership: {}", e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
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
}
