package org.chorus.recording;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.chorus.component.StanzaSink;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

/**
 * The brewery room where recorders gather (PROTOCOL.md §10). The gateway joins it as an occupant
 * and reads each trusted recorder's {@code jibri-status} presence into the {@link RecorderPool}.
 * The room must be non-anonymous, so that the gateway sees the recorders' own JIDs.
 *
 * <p>The gateway never creates the brewery: it asks the room's disco#info first and joins only a
 * room that exists (a missing one is logged and looked for again later); if its join creates the
 * room all the same (it was removed in between), it leaves at once, which lets the MUC service
 * drop the new, still locked room. Confined to the signalling thread.
 */
public final class Brewery {
    private static final Logger log = LoggerFactory.getLogger(Brewery.class);

    /** Sends an IQ request and completes with its answer (of any type), on the signalling thread. */
    public interface Requests {
        CompletionStage<IQ> request(IQ iq);
    }

    /** Where the gateway stands with the brewery. */
    enum State {
        /** Not joined, nothing under way (before the stream is up, after leaving). */
        OUT,
        /** Asking the room's disco#info. */
        PROBING,
        /** The join presence is sent. */
        JOINING,
        JOINED,
        /** Missing or refused: looking again after the retry delay. */
        WAITING
    }

    private final JID room;
    private final String nick;
    private final JID from;
    private final StanzaSink sink;
    private final Requests requests;
    private final RecorderPool pool;
    private final Consumer<JID> gone;
    private final ScheduledExecutorService signalling;
    private final Duration retry;
    private final Set<String> trusted;
    private State state = State.OUT;
    /** Why the brewery cannot be joined, as last logged (a problem is logged once until it changes). */
    private String problem;
    private long generation;

    /**
     * {@code gone} hears of each recorder (its own JID) that leaves the brewery; a missing or
     * refused brewery is looked for again on {@code signalling} every {@code retry}. {@code trusted}
     * names the recorders' domains or bare JIDs; an occupant that matches none is ignored.
     */
    public Brewery(JID room, String nick, JID componentJid, StanzaSink sink, Requests requests, RecorderPool pool,
            Consumer<JID> gone, ScheduledExecutorService signalling, Duration retry, Set<String> trusted) {
        this.gone = gone;
        this.trusted = Set.copyOf(trusted);
        this.signalling = signalling;
        this.retry = retry;
        this.room = room.asBareJID();
        this.nick = nick;
        this.from = componentJid;
        this.sink = sink;
        this.requests = requests;
        this.pool = pool;
    }

    public JID room() {
        return room;
    }

    State state() {
        return state;
    }

    /** Looks for the room and joins it if it exists (also after a lost stream). */
    public void join() {
        pool.clear();
        long attempt = ++generation;
        state = State.PROBING;
        IQ info = new IQ(IQ.Type.get);
        info.setFrom(from);
        info.setTo(room);
        info.setChildElement("query", Namespaces.DISCO_INFO);
        requests.request(info).whenComplete((answer, failure) -> {
            if (attempt != generation || state != State.PROBING) {
                return;
            }
            if (failure != null) {
                waitAndRetry("no answer to disco#info (" + failure.getMessage() + ")");
            } else if (answer.getType() == IQ.Type.result) {
                sendJoin();
            } else if (answer.getError() != null
                    && answer.getError().getCondition() == PacketError.Condition.item_not_found) {
                waitAndRetry("it does not exist; create it (non-anonymous, members-only, with the recorders as members)");
            } else {
                waitAndRetry("disco#info refused: "
                        + (answer.getError() == null ? "error" : answer.getError().getCondition().toXMPP()));
            }
        });
    }

    public void leave() {
        generation++;
        if (state == State.JOINING || state == State.JOINED) {
            sendLeave();
        }
        state = State.OUT;
        pool.clear();
    }

    /** Handles a presence from the brewery; false when it comes from elsewhere. */
    public boolean onPresence(Presence presence) {
        JID sender = presence.getFrom();
        if (sender == null || !room.equals(sender.asBareJID())) {
            return false;
        }
        if (sender.getResource() == null || nick.equals(sender.getResource())) {
            ownPresence(presence);
            return true;
        }
        if (state != State.JOINING && state != State.JOINED) {
            return true; // the occupants' presences come before our own, while joining
        }
        if (presence.getType() == Presence.Type.unavailable || presence.getType() == Presence.Type.error) {
            Recorder left = pool.remove(sender);
            if (left != null) {
                log.info("Recorder {} left the brewery", sender.getResource());
                if (left.realJid() != null) {
                    gone.accept(left.realJid());
                }
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
            return true;
        }
        if (!trusted.contains(real.getDomain()) && !trusted.contains(real.toBareJID())) {
            if (pool.remove(sender) == null) {
                log.warn("Ignoring {} in the brewery: {} is not among chorus.recording.recorders",
                        sender.getResource(), real.toBareJID());
            }
            return true;
        }
        pool.update(new Recorder(sender, real, idle, healthy));
        log.debug("Recorder {}: {}, {}", sender.getResource(), idle ? "idle" : "busy", healthy ? "healthy" : "unhealthy");
        return true;
    }

    private void ownPresence(Presence presence) {
        if (state != State.JOINING && state != State.JOINED) {
            return;
        }
        if (presence.getType() == Presence.Type.error) {
            waitAndRetry("the join was refused: "
                    + (presence.getError() == null ? "error" : presence.getError().getCondition().toXMPP()));
        } else if (presence.getType() == Presence.Type.unavailable) {
            pool.clear();
            waitAndRetry("the gateway was removed from it");
        } else if (presence.getType() == null && state == State.JOINING) {
            if (hasStatus(presence, "201")) {
                // the join created the room (it vanished after the disco#info): never keep a room we made
                sendLeave();
                waitAndRetry("it does not exist; create it (non-anonymous, members-only, with the recorders as members)");
                return;
            }
            state = State.JOINED;
            problem = null;
            log.info("Joined the recorders' brewery {}", room);
        }
    }

    private void sendJoin() {
        state = State.JOINING;
        Presence join = new Presence();
        join.setFrom(from);
        join.setTo(new JID(room.getNode(), room.getDomain(), nick));
        join.addChildElement("x", Namespaces.MUC).addElement("history").addAttribute("maxstanzas", "0");
        sink.send(join);
        log.info("Joining the recorders' brewery {}", room);
    }

    private void sendLeave() {
        Presence leave = new Presence(Presence.Type.unavailable);
        leave.setFrom(from);
        leave.setTo(new JID(room.getNode(), room.getDomain(), nick));
        sink.send(leave);
    }

    private void waitAndRetry(String why) {
        state = State.WAITING;
        pool.clear();
        if (!why.equals(problem)) {
            problem = why;
            log.warn("Cannot join the recorders' brewery {}: {}; looking again every {} s", room, why, retry.toSeconds());
        }
        long attempt = ++generation;
        signalling.schedule(() -> {
            if (attempt == generation && state == State.WAITING) {
                join();
            }
        }, retry.toMillis(), TimeUnit.MILLISECONDS);
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
