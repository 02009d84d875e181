package org.chorus.muc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.testing.fakes.MucStanzas.CALLABLE;
import static org.chorus.testing.fakes.MucStanzas.affiliationList;
import static org.chorus.testing.fakes.MucStanzas.discoInfoGet;
import static org.chorus.testing.fakes.MucStanzas.leave;
import static org.chorus.testing.fakes.MucStanzas.message;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.chorus.testing.fakes.ManualScheduler;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.ScriptedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError.Condition;

/**
 * What a caller can make the gateway bind (PROTOCOL.md §3), against a scripted MUC whose strict sink
 * proves that a refused room is never contacted.
 */
class RoomAdmissionTest {
    private static final JID STRANGER = new JID("eve@evil.example/x");
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Set<Room> inUse = new HashSet<>();
    private MucFixture muc;
    private RoomRegistry registry;

    @BeforeEach
    void setUp() {
        muc = new MucFixture(sink, scheduler, Duration.ofSeconds(10), Duration.ofSeconds(60));
        registry = muc.registry;
        registry.admission(new RoomAdmission(MucFixture.MUC,
                new RoomAdmission.Settings(List.of("muc.partner.org"), 3, 2, Duration.ofMinutes(10), Duration.ofSeconds(10)),
                inUse::contains, scheduler.clock(T0)));
        registry.onConnected();
    }

    @AfterEach
    void tearDown() {
        muc.close();
    }

    private static JID room(String local) {
        return new JID(local + "@" + MucFixture.MUC);
    }

    private Room joinedFor(JID room, JID requester) {
        sink.expect(discoInfoGet(room, muc.self(room)), "disco#info to " + room);
        CompletableFuture<Room> bound = registry.bind(room, requester);
        IQ probe = sink.next(IQ.class);
        sink.expect(p -> p.getTo() != null && p.getTo().asBareJID().equals(room), "join presence to " + room);
        muc.tracker.answer(org.chorus.testing.fakes.MucStanzas.discoInfoResult(probe, CALLABLE));
        sink.next();
        muc.completeJoin(room, MucFixture.NICK);
        return bound.join();
    }

    private static Condition refusal(CompletableFuture<Room> bound) {
        try {
            bound.join();
            throw new AssertionError("the bind was not refused");
        } catch (CompletionException e) {
            return ((BindRefused) e.getCause()).condition();
        }
    }

    @Test
    void aRoomOfAServiceThatIsNotAllowedIsRefusedWithoutAStanza() {
        assertThat(refusal(registry.bind(new JID("team@muc.elsewhere.org"), STRANGER))).isEqualTo(Condition.item_not_found);
        assertThat(registry.lookUp(new JID("team@muc.elsewhere.org")).join()).isEmpty();
        assertThat(registry.rooms()).isEmpty();
    }

    @Test
    void anAllowedOtherServiceIsBound() {
        JID partner = new JID("ops@muc.partner.org");
        sink.expect(discoInfoGet(partner, new JID(null, MucFixture.GATEWAY, "ops\\40muc.partner.org")), "disco#info");
        registry.bind(partner, STRANGER);
        assertThat(sink.next(IQ.class).getTo()).isEqualTo(partner);
    }

    @Test
    void oneUserBindsOnlySoManyRoomsWithoutACall() {
        joinedFor(room("a"), STRANGER);
        joinedFor(room("b"), STRANGER);

        assertThat(refusal(registry.bind(room("c"), STRANGER))).isEqualTo(Condition.resource_constraint);
        // another user is not held back by it
        joinedFor(room("c"), new JID("bob@example.org/y"));
    }

    @Test
    void aRoomWithACallDoesNotCountAgainstItsUser() {
        inUse.add(joinedFor(room("a"), STRANGER));
        joinedFor(room("b"), STRANGER);
        joinedFor(room("c"), STRANGER);
    }

    @Test
    void whenTheGatewayIsFullTheRoomIdleLongestMakesWay() {
        Room a = joinedFor(room("a"), new JID("u1@example.org/x"));
        scheduler.advance(Duration.ofMinutes(1));
        inUse.add(joinedFor(room("b"), new JID("u2@example.org/x")));
        joinedFor(room("c"), new JID("u3@example.org/x"));

        sink.expect(leave(MucFixture.occupantJid(room("a"), MucFixture.NICK), muc.self(room("a"))), "leave a");
        sink.expect(discoInfoGet(room("d"), muc.self(room("d"))), "disco#info to d");
        registry.bind(room("d"), new JID("u4@example.org/x"));

        assertThat(a.state()).isEqualTo(RoomState.LEFT);
        assertThat(registry.room(room("a"))).isEmpty();
    }

    @Test
    void whenEveryRoomCarriesACallTheNextIsRefused() {
        inUse.add(joinedFor(room("a"), null));
        inUse.add(joinedFor(room("b"), null));
        inUse.add(joinedFor(room("c"), null));

        assertThat(refusal(registry.bind(room("d"), null))).isEqualTo(Condition.resource_constraint);
    }

    @Test
    void aRoomBoundForARefusedCallIsLeftAtTheNextSweepAndAnIdleOneAfterTheIdleTime() {
        Room refusedCaller = joinedFor(room("a"), STRANGER);
        Room quiet = joinedFor(room("b"), new JID("bob@example.org/y"));
        registry.releaseSoon(refusedCaller);

        sink.expect(leave(MucFixture.occupantJid(room("a"), MucFixture.NICK), muc.self(room("a"))), "leave a");
        registry.sweep();
        assertThat(refusedCaller.state()).isEqualTo(RoomState.LEFT);
        assertThat(quiet.state()).isEqualTo(RoomState.JOINED);

        scheduler.advance(Duration.ofMinutes(10));
        sink.expect(leave(MucFixture.occupantJid(room("b"), MucFixture.NICK), muc.self(room("b"))), "leave b");
        registry.sweep();
        assertThat(quiet.state()).isEqualTo(RoomState.LEFT);
    }

    @Test
    void aRoomInUseIsNeverSweptAndStartsItsIdleTimeWhenTheCallEnds() {
        Room busy = joinedFor(room("a"), STRANGER);
        inUse.add(busy);
        registry.releaseSoon(busy);
        scheduler.advance(Duration.ofMinutes(30));
        registry.sweep();
        assertThat(busy.state()).isEqualTo(RoomState.JOINED);

        inUse.remove(busy);
        scheduler.advance(Duration.ofMinutes(9));
        registry.sweep();
        assertThat(busy.state()).isEqualTo(RoomState.JOINED);
    }

    @Test
    void onlySoManyRequestsWaitForOneRoom() {
        sink.expect(discoInfoGet(room("a"), muc.self(room("a"))), "one disco#info for all of them");
        for (int i = 0; i < RoomRegistry.MAX_WAITERS; i++) {
            assertThat(registry.bind(room("a"), new JID("m" + i + "@example.org/x"))).isNotDone();
        }
        assertThat(refusal(registry.bind(room("a"), STRANGER))).isEqualTo(Condition.resource_constraint);
    }

    @Test
    void configuredRoomsAreNeitherCountedNorSwept() {
        registry.bindConfigured(List.of(room("x")));
        Room configured = registry.room(room("x")).orElseThrow();
        registry.releaseSoon(configured);
        scheduler.advance(Duration.ofHours(1));
        registry.sweep();
        assertThat(configured.state()).isNotEqualTo(RoomState.LEFT);
    }

    @Test
    void anAffiliationChangeOfSomeoneNotInTheRoomIsTakenAtOnce() {
        Room team = joinedFor(room("team"), null);
        JID adam = new JID("adam@example.org");
        registry.onMessage(message("<message from='team@" + MucFixture.MUC + "' to='" + muc.self(room("team"))
                + "'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='admin' jid='adam@example.org'/>"
                + "</x></message>"));
        assertThat(team.affiliationOf(adam)).isEqualTo(Affiliation.ADMIN);

        registry.onMessage(message("<message from='team@" + MucFixture.MUC + "' to='" + muc.self(room("team"))
                + "'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' jid='adam@example.org'/>"
                + "</x></message>"));
        assertThat(team.affiliationOf(adam)).isEqualTo(Affiliation.MEMBER);
    }

    @Test
    void aRelistedAffiliationListDropsWhoeverIsNoLongerOnIt() {
        JID team = room("team");
        sink.expect(discoInfoGet(team, muc.self(team)), "disco#info");
        CompletableFuture<Room> bound = registry.bind(team, null);
        IQ probe = sink.next(IQ.class);
        sink.expect(p -> true, "join");
        muc.tracker.answer(org.chorus.testing.fakes.MucStanzas.discoInfoResult(probe, CALLABLE));
        sink.next();
        muc.expectAffiliationQueries(team);
        muc.selfPresence(team, MucFixture.NICK);
        IQ owners = sink.next(IQ.class);
        IQ admins = sink.next(IQ.class);
        IQ members = sink.next(IQ.class);
        muc.tracker.answer(affiliationList(owners, "olga@example.org"));
        muc.tracker.answer(affiliationList(admins, "adam@example.org"));
        muc.tracker.answer(affiliationList(members));
        Room r = bound.join();
        assertThat(r.affiliationOf(new JID("adam@example.org"))).isEqualTo(Affiliation.ADMIN);

        // the gateway rejoins later (a reconnect): adam is no admin any more
        registry.onDisconnected();
        sink.expect(discoInfoGet(team, muc.self(team)), "disco#info again");
        registry.onConnected();
        IQ again = sink.next(IQ.class);
        sink.expect(p -> true, "join again");
        muc.tracker.answer(org.chorus.testing.fakes.MucStanzas.discoInfoResult(again, CALLABLE));
        sink.next();
        muc.expectAffiliationQueries(team);
        muc.selfPresence(team, MucFixture.NICK);
        muc.tracker.answer(affiliationList(sink.next(IQ.class), "olga@example.org"));
        muc.tracker.answer(affiliationList(sink.next(IQ.class)));
        muc.tracker.answer(affiliationList(sink.next(IQ.class)));

        assertThat(r.affiliationOf(new JID("adam@example.org"))).isEqualTo(Affiliation.NONE);
        assertThat(r.affiliationOf(new JID("olga@example.org"))).isEqualTo(Affiliation.OWNER);
    }
}
