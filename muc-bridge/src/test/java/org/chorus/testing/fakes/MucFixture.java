package org.chorus.testing.fakes;

import static org.chorus.testing.fakes.MucStanzas.affiliationList;
import static org.chorus.testing.fakes.MucStanzas.affiliationQuery;
import static org.chorus.testing.fakes.MucStanzas.discoInfoGet;
import static org.chorus.testing.fakes.MucStanzas.discoInfoResult;
import static org.chorus.testing.fakes.MucStanzas.join;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.chorus.component.IqTracker;
import org.chorus.conference.ConferenceJids;
import org.chorus.muc.Occupant;
import org.chorus.muc.Room;
import org.chorus.muc.RoomRegistry;
import org.chorus.muc.RoomState;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * A {@link RoomRegistry} wired to a {@link ScriptedSink}, with a script for the MUC side of a join, so
 * that tests get JOINED rooms with known occupants through the registry's own code paths.
 * Everything is driven from the test's thread; IQ timeouts and retries are long enough never to fire.
 */
public final class MucFixture implements AutoCloseable {
    public static final String GATEWAY = "av.example.org";
    public static final String MUC = "conference.example.org";
    public static final String NICK = "Call";

    public final ConferenceJids jids = new ConferenceJids(GATEWAY, MUC);
    public final ScriptedSink sink;
    public final ScheduledExecutorService signalling;
    public final IqTracker tracker;
    public final RecordingRoomListener listener = new RecordingRoomListener();
    public final RoomRegistry registry;

    public MucFixture(ScriptedSink sink) {
        this(sink, Executors.newSingleThreadScheduledExecutor(), Duration.ofMinutes(5), Duration.ofHours(1));
    }

    public MucFixture(ScriptedSink sink, ScheduledExecutorService signalling, Duration requestTimeout,
            Duration retryDelay) {
        this.sink = sink;
        this.signalling = signalling;
        this.tracker = new IqTracker(sink, signalling, requestTimeout);
        this.registry = new RoomRegistry(jids, sink, tracker, signalling, NICK, retryDelay, listener);
    }

    /** The gateway's address in a room's traffic: {@code av.example.org/<conference localpart>}. */
    public JID self(JID room) {
        return new JID(null, GATEWAY, jids.conferenceFor(room).getNode());
    }

    public static JID occupantJid(JID room, String nick) {
        return new JID(room.getNode(), room.getDomain(), nick);
    }

    /** A member's occupant entry, e.g. {@code member("alice", "alice@example.org/laptop")}. */
    public static Occupant member(String nick, String realJid) {
        return new Occupant(nick, new JID(realJid), org.chorus.muc.Affiliation.MEMBER, "participant");
    }

    public static Occupant occupant(String nick, String realJid, org.chorus.muc.Affiliation affiliation) {
        return new Occupant(nick, realJid == null ? null : new JID(realJid), affiliation, "participant");
    }

    /**
     * Binds the room and plays the MUC's side of a successful probe and join: disco#info with these
     * features, the occupants' presences, the self-presence, and empty affiliation lists.
     * The stream counts as up from here on.
     */
    public Room joined(JID room, List<String> features, Occupant... others) {
        registry.onConnected();
        JID self = self(room);
        sink.expect(discoInfoGet(room, self), "disco#info to " + room);
        CompletableFuture<Room> bound = registry.bind(room);
        IQ probe = sink.next(IQ.class);
        sink.expect(join(occupantJid(room, NICK), self), "join presence to " + room);
        tracker.answer(discoInfoResult(probe, features));
        sink.next();
        completeJoin(room, NICK, others);
        if (!bound.isDone() || bound.join().state() != RoomState.JOINED) {
            throw new AssertionError("the room did not join: " + bound);
        }
        return bound.join();
    }

    /** After the join presence: occupants arrive, then the self-presence; answers the affiliation lists empty. */
    public void completeJoin(JID room, String nick, Occupant... others) {
        arrive(room, others);
        expectAffiliationQueries(room);
        selfPresence(room, nick);
        answerAffiliationQueries();
    }

    /** The presences of the occupants already in the room, as the MUC sends them while the gateway joins. */
    public void arrive(JID room, Occupant... others) {
        JID self = self(room);
        for (Occupant o : others) {
            registry.onPresence(MucStanzas.occupant(room, self, o.nick(),
                    o.realJid() == null ? null : o.realJid().toString(), o.affiliation().toXmpp(), o.role()));
        }
    }

    /** The owner, admin and member list queries that a completed join sends. */
    public void expectAffiliationQueries(JID room) {
        JID self = self(room);
        for (String affiliation : List.of("owner", "admin", "member")) {
            sink.expect(affiliationQuery(room, self, affiliation), affiliation + " list query to " + room);
        }
    }

    /** The gateway's own presence, which completes the join. */
    public void selfPresence(JID room, String nick) {
        registry.onPresence(MucStanzas.self(room, self(room), nick));
    }

    /** Answers the three affiliation list queries, empty. */
    public void answerAffiliationQueries() {
        for (int i = 0; i < 3; i++) {
            tracker.answer(affiliationList(sink.next(IQ.class)));
        }
    }

    @Override
    public void close() {
        signalling.shutdownNow();
    }
}
