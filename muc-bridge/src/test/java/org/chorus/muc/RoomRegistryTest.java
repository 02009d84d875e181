package org.chorus.muc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chorus.testing.fakes.MucFixture.member;
import static org.chorus.testing.fakes.MucFixture.occupantJid;
import static org.chorus.testing.fakes.MucStanzas.CALLABLE;
import static org.chorus.testing.fakes.MucStanzas.OPEN;
import static org.chorus.testing.fakes.MucStanzas.SEMI_ANONYMOUS;
import static org.chorus.testing.fakes.MucStanzas.affiliationList;
import static org.chorus.testing.fakes.MucStanzas.affiliationQuery;
import static org.chorus.testing.fakes.MucStanzas.discoInfoGet;
import static org.chorus.testing.fakes.MucStanzas.discoInfoResult;
import static org.chorus.testing.fakes.MucStanzas.errorReply;
import static org.chorus.testing.fakes.MucStanzas.groupchat;
import static org.chorus.testing.fakes.MucStanzas.join;
import static org.chorus.testing.fakes.MucStanzas.joinError;
import static org.chorus.testing.fakes.MucStanzas.leave;
import static org.chorus.testing.fakes.MucStanzas.occupant;
import static org.chorus.testing.fakes.MucStanzas.roomStatus;
import static org.chorus.testing.fakes.MucStanzas.self;
import static org.chorus.testing.fakes.MucStanzas.unavailable;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.chorus.testing.fakes.ManualScheduler;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.RecordingRoomListener;
import org.chorus.testing.fakes.RecordingRoomListener.Left;
import org.chorus.testing.fakes.ScriptedSink;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.dom4j.QName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;
import org.xmpp.packet.PacketError.Condition;
import org.xmpp.packet.Presence;

/** Room binding (PROTOCOL.md §3) against a scripted MUC: every stanza the registry sends is expected. */
class RoomRegistryTest {
    private static final JID TEAM = new JID("team@conference.example.org");
    private static final JID SELF = new JID("av.example.org/team");
    private static final JID TEAM_CALL = new JID("team@conference.example.org/Call");

    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private MucFixture muc;
    private RoomRegistry registry;
    private RecordingRoomListener listener;

    @BeforeEach
    void setUp() {
        use(new MucFixture(sink));
    }

    private void use(MucFixture fixture) {
        if (muc != null) {
            muc.close();
        }
        muc = fixture;
        registry = fixture.registry;
        listener = fixture.listener;
    }

    @AfterEach
    void tearDown() {
        muc.close();
    }

    private Room team() {
        return registry.room(TEAM).orElseThrow();
    }

    private IQ probeConfigured() {
        registry.bindConfigured(List.of(TEAM));
        sink.expect(discoInfoGet(TEAM, SELF), "disco#info to the room from av.example.org/team");
        registry.onConnected();
        return sink.next(IQ.class);
    }

    private Presence answerProbeAndExpectJoin(IQ probe, List<String> features) {
        sink.expect(join(TEAM_CALL, SELF), "join presence");
        assertThat(muc.tracker.answer(discoInfoResult(probe, features))).isTrue();
        return sink.next(Presence.class);
    }

    @Nested
    class Probing {
        @Test
        void configuredRoomsWaitForTheStream() {
            registry.bindConfigured(List.of(TEAM, new JID("ops@muc.other.org")));

            assertThat(registry.rooms()).extracting(Room::state).containsOnly(RoomState.NEW);
            assertThat(team().configured()).isTrue();
            assertThat(team().conferenceJid()).isEqualTo(new JID("team@av.example.org"));
            assertThat(team().occupantAddress()).isEqualTo(SELF);
            // the strict sink proves that nothing was sent before the stream is up
        }

        @Test
        void bindingTheSameRoomTwiceKeepsOneRoom() {
            registry.bindConfigured(List.of(TEAM, new JID("TEAM@conference.example.org/x")));

            assertThat(registry.rooms()).hasSize(1);
        }

        @Test
        void onConnectedAsksTheRoomForDiscoInfoFromItsOwnResource() {
            IQ probe = probeConfigured();

            assertThat(probe.getType()).isEqualTo(IQ.Type.get);
            assertThat(probe.getTo()).isEqualTo(TEAM);
            assertThat(probe.getFrom()).isEqualTo(SELF);
            assertThat(probe.getChildElement().getQName()).isEqualTo(QName.get("query", Namespaces.DISCO_INFO));
            assertThat(team().state()).isEqualTo(RoomState.PROBING);
        }

        @Test
        void aForeignRoomIsProbedFromItsConferenceLocalpart() {
            JID ops = new JID("ops@muc.other.org");
            registry.bindConfigured(List.of(ops));
            sink.expect(discoInfoGet(ops, new JID(null, "av.example.org", "ops\\40muc.other.org")), "disco#info");

            registry.onConnected();

            assertThat(sink.next(IQ.class).getFrom().getResource()).isEqualTo("ops\\40muc.other.org");
        }

        @Test
        void missingRoomIsNotJoined() {
            IQ probe = probeConfigured();

            assertThat(muc.tracker.answer(errorReply(probe, Condition.item_not_found))).isTrue();

            assertThat(team().state()).isEqualTo(RoomState.MISSING);
            assertThat(sink.sent()).hasSize(1); // the probe only: no join presence, which would create the room
        }

        @Test
        void otherErrorsToTheProbeRefuseTheRoomWithoutJoining() {
            IQ probe = probeConfigured();

            muc.tracker.answer(errorReply(probe, Condition.forbidden));

            assertThat(team().state()).isEqualTo(RoomState.REFUSED);
        }

        @Test
        void anAnswerFromSomeoneElseIsIgnored() {
            IQ probe = probeConfigured();
            IQ forged = discoInfoResult(probe, CALLABLE);
            forged.setFrom(new JID("mallory@example.org/x"));

            assertThat(muc.tracker.answer(forged)).isFalse();
            assertThat(team().state()).isEqualTo(RoomState.PROBING);
        }

        @Test
        void bindOfAMissingRoomSettlesAsMissing() {
            registry.onConnected();
            sink.expect(discoInfoGet(TEAM, SELF), "disco#info");
            CompletableFuture<Room> bound = registry.bind(TEAM);
            IQ probe = sink.next(IQ.class);
            assertThat(bound).isNotDone();

            muc.tracker.answer(errorReply(probe, Condition.item_not_found));

            assertThat(bound).isCompleted();
            assertThat(bound.join().state()).isEqualTo(RoomState.MISSING);
            assertThat(bound.join().configured()).isFalse();
        }

        @Test
        void bindWhileDisconnectedWaitsForTheStream() {
            CompletableFuture<Room> bound = registry.bind(TEAM);

            assertThat(bound).isNotDone();
            assertThat(team().state()).isEqualTo(RoomState.NEW);

            sink.expect(discoInfoGet(TEAM, SELF), "disco#info");
            registry.onConnected();
            muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));

            assertThat(bound.join().state()).isEqualTo(RoomState.MISSING);
        }
    }

    @Nested
    class Retrying {
        private final ManualScheduler clock = new ManualScheduler();

        @BeforeEach
        void manualClock() {
            use(new MucFixture(sink, clock, Duration.ofSeconds(10), Duration.ofSeconds(60)));
        }

        @Test
        void aMissingConfiguredRoomIsLookedForAgainLaterAndJoinedOnceItExists() {
            muc.tracker.answer(errorReply(probeConfigured(), Condition.item_not_found));
            clock.advance(Duration.ofSeconds(59));
            assertThat(team().state()).isEqualTo(RoomState.MISSING);

            sink.expect(discoInfoGet(TEAM, SELF), "second disco#info");
            clock.advance(Duration.ofSeconds(1));
            IQ again = sink.next(IQ.class);
            assertThat(team().state()).isEqualTo(RoomState.PROBING);

            answerProbeAndExpectJoin(again, CALLABLE);
            assertThat(team().state()).isEqualTo(RoomState.JOINING);
        }

        @Test
        void aStillMissingRoomKeepsBeingLookedFor() {
            muc.tracker.answer(errorReply(probeConfigured(), Condition.item_not_found));
            for (int i = 0; i < 3; i++) {
                sink.expect(discoInfoGet(TEAM, SELF), "disco#info " + i);
                clock.advance(Duration.ofSeconds(60));
                muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));
                assertThat(team().state()).isEqualTo(RoomState.MISSING);
            }
        }

        @Test
        void aRoomBoundByACallIsNotRetriedButForgotten() {
            registry.onConnected();
            sink.expect(discoInfoGet(TEAM, SELF), "disco#info");
            CompletableFuture<Room> bound = registry.bind(TEAM);
            muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));

            clock.advance(Duration.ofMinutes(10));

            assertThat(bound.join().state()).isEqualTo(RoomState.MISSING);
            assertThat(registry.room(TEAM)).isEmpty();
            assertThat(clock.pending()).isZero();
        }

        @Test
        void aJoinThatGetsNoAnswerFailsAfterTheRequestTimeoutAndSettlesItsCallers() {
            registry.onConnected();
            sink.expect(discoInfoGet(TEAM, SELF), "disco#info");
            CompletableFuture<Room> bound = registry.bind(TEAM);
            answerProbeAndExpectJoin(sink.next(IQ.class), CALLABLE);
            clock.advance(Duration.ofSeconds(9));
            assertThat(bound).isNotDone();

            sink.expect(leave(TEAM_CALL, SELF), "unavailable presence, in case the join lands later");
            clock.advance(Duration.ofSeconds(1));

            assertThat(bound.join().state()).isEqualTo(RoomState.REFUSED);
            assertThat(registry.room(TEAM)).isEmpty();
        }

        @Test
        void aJoinThatCompletesCancelsItsTimer() {
            registry.bindConfigured(List.of(TEAM));
            sink.expect(discoInfoGet(TEAM, SELF), "disco#info");
            registry.onConnected();
            answerProbeAndExpectJoin(sink.next(IQ.class), CALLABLE);
            muc.completeJoin(TEAM, "Call");

            assertThat(team().state()).isEqualTo(RoomState.JOINED);
            assertThat(clock.pending()).isZero();
        }

        @Test
        void anUnansweredProbeTimesOutAndIsRetried() {
            probeConfigured();

            clock.advance(Duration.ofSeconds(10));

            assertThat(team().state()).isEqualTo(RoomState.REFUSED);
            assertThat(muc.tracker.openRequests()).isZero();
            sink.expect(discoInfoGet(TEAM, SELF), "retry");
            clock.advance(Duration.ofSeconds(60));
            assertThat(sink.next(IQ.class).getTo()).isEqualTo(TEAM);
        }

        @Test
        void reconnectsDoNotMultiplyTheLookingAgain() {
            muc.tracker.answer(errorReply(probeConfigured(), Condition.item_not_found));
            for (int i = 0; i < 2; i++) {
                clock.advance(Duration.ofSeconds(30));
                registry.onDisconnected();
                sink.expect(discoInfoGet(TEAM, SELF), "disco#info after reconnect " + i);
                registry.onConnected();
                muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));
            }

            for (int i = 0; i < 3; i++) {
                sink.expect(discoInfoGet(TEAM, SELF), "the one look " + i);
                clock.advance(Duration.ofSeconds(60));
                muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));
            }
            assertThat(clock.pending()).isEqualTo(1);
        }

        @Test
        void noRetryWhileDisconnected() {
            muc.tracker.answer(errorReply(probeConfigured(), Condition.item_not_found));
            registry.onDisconnected();

            clock.advance(Duration.ofMinutes(5));

            assertThat(team().state()).isEqualTo(RoomState.OFFLINE);
        }
    }

    @Nested
    class Joining {
        @Test
        void aSuitableRoomIsJoinedAsCallWithoutHistory() {
            Presence join = answerProbeAndExpectJoin(probeConfigured(), CALLABLE);

            assertThat(join.getType()).isNull();
            assertThat(join.getFrom()).isEqualTo(SELF);
            assertThat(join.getTo()).isEqualTo(TEAM_CALL);
            Element x = join.getElement().element(QName.get("x", Namespaces.MUC));
            assertThat(x).isNotNull();
            assertThat(x.elements()).hasSize(1);
            assertThat(x.element("history").attributeValue("maxstanzas")).isEqualTo("0");
            assertThat(team().state()).isEqualTo(RoomState.JOINING);
            assertThat(team().config().callable()).isTrue();
        }

        @Test
        void anUnsuitableRoomIsJoinedTooSoThatTheGatewayCanExplain() {
            answerProbeAndExpectJoin(probeConfigured(), OPEN);

            assertThat(team().config().callable()).isFalse();
        }

        @Test
        void occupantsThenSelfPresenceCompleteTheJoin() {
            IQ probe = probeConfigured();
            CompletableFuture<Room> bound = registry.bind(TEAM);
            answerProbeAndExpectJoin(probe, CALLABLE);

            registry.onPresence(occupant(TEAM, SELF, "alice", "alice@example.org/laptop", "member", "participant"));
            registry.onPresence(occupant(TEAM, SELF, "bob", "bob@example.org/phone", "owner", "moderator"));
            registry.onPresence(occupant(TEAM, SELF, "zed", "zed@example.org/x", "member", "participant"));
            registry.onPresence(unavailable(TEAM, SELF, "zed", "zed@example.org/x", "member"));
            assertThat(team().state()).isEqualTo(RoomState.JOINING);
            assertThat(team().occupants()).isEmpty();
            assertThat(bound).isNotDone();

            sink.expect(affiliationQuery(TEAM, SELF, "owner"), "owner list")
                    .expect(affiliationQuery(TEAM, SELF, "admin"), "admin list")
                    .expect(affiliationQuery(TEAM, SELF, "member"), "member list");
            registry.onPresence(self(TEAM, SELF, "Call"));

            Room room = team();
            assertThat(room.state()).isEqualTo(RoomState.JOINED);
            assertThat(room.nick()).isEqualTo("Call");
            assertThat(room.occupants()).extracting(Occupant::nick).containsExactly("alice", "bob");
            assertThat(room.occupant("alice")).get().extracting(Occupant::realJid)
                    .isEqualTo(new JID("alice@example.org/laptop"));
            assertThat(room.occupantByRealJid(new JID("bob@example.org/phone"))).get()
                    .extracting(Occupant::affiliation).isEqualTo(Affiliation.OWNER);
            assertThat(room.affiliationOf(new JID("alice@example.org"))).isEqualTo(Affiliation.MEMBER);
            assertThat(room.affiliationOf(new JID("alice@example.org/other"))).isEqualTo(Affiliation.MEMBER);
            assertThat(listener.joins).containsExactly(room);
            assertThat(listener.left).isEmpty();
            assertThat(bound).isCompletedWithValue(room);

            IQ owners = sink.next(IQ.class);
            IQ admins = sink.next(IQ.class);
            IQ members = sink.next(IQ.class);
            for (IQ q : List.of(owners, admins, members)) {
                assertThat(q.getType()).isEqualTo(IQ.Type.get);
                assertThat(q.getChildElement().elements("item")).hasSize(1);
            }
            muc.tracker.answer(affiliationList(owners, "bob@example.org"));
            muc.tracker.answer(affiliationList(admins));
            muc.tracker.answer(affiliationList(members, "alice@example.org", "carol@example.org"));

            // carol is not in the room, but her membership is known from the list
            assertThat(room.affiliationOf(new JID("carol@example.org/tablet"))).isEqualTo(Affiliation.MEMBER);
            assertThat(room.affiliationOf(new JID("mallory@example.org"))).isEqualTo(Affiliation.NONE);
            assertThat(muc.tracker.openRequests()).isZero();
        }

        @Test
        void presencesFromOtherRoomsOrTheBareRoomAreNotTheRegistrys() {
            answerProbeAndExpectJoin(probeConfigured(), CALLABLE);

            assertThat(registry.onPresence(occupant(new JID("other@conference.example.org"), SELF, "alice",
                    "alice@example.org/laptop", "member", "participant"))).isFalse();
            Presence bare = new Presence();
            bare.setFrom(TEAM);
            assertThat(registry.onPresence(bare)).isFalse();
            assertThat(registry.onPresence(new Presence())).isFalse();
        }

        @Test
        void aJoinThatCreatedTheRoomIsUndone() {
            answerProbeAndExpectJoin(probeConfigured(), CALLABLE);
            sink.expect(leave(TEAM_CALL, SELF), "leave the room that the join created");

            registry.onPresence(self(TEAM, SELF, "Call", 201));

            assertThat(team().state()).isEqualTo(RoomState.MISSING);
            assertThat(listener.joins).isEmpty();
        }

        @Test
        void nickConflictRejoinsWithANumberedNick() {
            answerProbeAndExpectJoin(probeConfigured(), CALLABLE);
            sink.expect(join(occupantJid(TEAM, "Call (2)"), SELF), "join as Call (2)");

            registry.onPresence(joinError(TEAM, SELF, "Call", Condition.conflict));

            assertThat(sink.next(Presence.class).getTo().getResource()).isEqualTo("Call (2)");
            assertThat(team().state()).isEqualTo(RoomState.JOINING);

            sink.expect(join(occupantJid(TEAM, "Call (3)"), SELF), "join as Call (3)");
            registry.onPresence(joinError(TEAM, SELF, "Call (2)", Condition.conflict));
            sink.next();

            muc.completeJoin(TEAM, "Call (3)", member("alice", "alice@example.org/laptop"));
            assertThat(team().state()).isEqualTo(RoomState.JOINED);
            assertThat(team().nick()).isEqualTo("Call (3)");

            sink.expect(leave(occupantJid(TEAM, "Call (3)"), SELF), "leave under the nick in use");
            registry.leaveAll();
        }

        @Test
        void nickConflictGivesUpAfterTenAttempts() {
            answerProbeAndExpectJoin(probeConfigured(), CALLABLE);
            String nick = "Call";
            for (int n = 2; n <= 10; n++) {
                String next = "Call (" + n + ")";
                sink.expect(join(occupantJid(TEAM, next), SELF), "join as " + next);
                registry.onPresence(joinError(TEAM, SELF, nick, Condition.conflict));
                sink.next();
                nick = next;
            }

            registry.onPresence(joinError(TEAM, SELF, nick, Condition.conflict));

            assertThat(team().state()).isEqualTo(RoomState.REFUSED);
        }

        @Test
        void registrationRequiredRefusesTheRoom() {
            IQ probe = probeConfigured();
            CompletableFuture<Room> bound = registry.bind(TEAM);
            answerProbeAndExpectJoin(probe, CALLABLE);

            registry.onPresence(joinError(TEAM, SELF, "Call", Condition.registration_required));

            assertThat(team().state()).isEqualTo(RoomState.REFUSED);
            assertThat(bound.join().state()).isEqualTo(RoomState.REFUSED);
        }

        @Test
        void itemNotFoundToTheJoinMeansMissing() {
            answerProbeAndExpectJoin(probeConfigured(), CALLABLE);

            registry.onPresence(joinError(TEAM, SELF, "Call", Condition.item_not_found));

            assertThat(team().state()).isEqualTo(RoomState.MISSING);
        }
    }

    @Nested
    class Occupants {
        private Room room;

        @BeforeEach
        void joinTeam() {
            room = muc.joined(TEAM, CALLABLE,
                    member("alice", "alice@example.org/laptop"),
                    member("bob", "bob@example.org/phone"),
                    member("carol", "carol@example.org/desk"),
                    member("dave", "dave@example.org/x"),
                    member("erin", "erin@example.org/y"));
            listener.clear();
        }

        private Left leaves(String nick, String realJid, String affiliation, int... codes) {
            registry.onPresence(unavailable(TEAM, SELF, nick, realJid, affiliation, codes));
            assertThat(room.occupant(nick)).isEmpty();
            assertThat(listener.left).hasSize(1);
            Left left = listener.left.get(0);
            listener.clear();
            return left;
        }

        @Test
        void kicked() {
            Left left = leaves("alice", "alice@example.org/laptop", "member", 307);

            assertThat(left.reason()).isEqualTo(LeaveReason.KICKED);
            assertThat(left.room()).isSameAs(room);
            assertThat(left.occupant().realJid()).isEqualTo(new JID("alice@example.org/laptop"));
        }

        @Test
        void membershipLost() {
            Left left = leaves("bob", "bob@example.org/phone", "none", 321);

            assertThat(left.reason()).isEqualTo(LeaveReason.MEMBERSHIP_LOST);
            assertThat(room.affiliationOf(new JID("bob@example.org"))).isEqualTo(Affiliation.NONE);
        }

        @Test
        void banned() {
            Left left = leaves("dave", "dave@example.org/x", "outcast", 301);

            assertThat(left.reason()).isEqualTo(LeaveReason.BANNED);
            assertThat(room.affiliationOf(new JID("dave@example.org"))).isEqualTo(Affiliation.OUTCAST);
        }

        @Test
        void plainLeave() {
            Left left = leaves("carol", "carol@example.org/desk", "member");

            assertThat(left.reason()).isEqualTo(LeaveReason.LEFT);
            assertThat(left.nick()).isEqualTo("carol");
            // she is still a member, though no longer an occupant
            assertThat(room.affiliationOf(new JID("carol@example.org"))).isEqualTo(Affiliation.MEMBER);
        }

        @Test
        void roomGoingMembersOnly() {
            assertThat(leaves("erin", "erin@example.org/y", "none", 322).reason())
                    .isEqualTo(LeaveReason.MEMBERSHIP_LOST);
        }

        @Test
        void nickChangeKeepsTheOccupantUnderItsNewNick() {
            Presence change = unavailable(TEAM, SELF, "erin", "erin@example.org/y", "member", 303);
            change.getElement().element(QName.get("x", Namespaces.MUC_USER)).element("item")
                    .addAttribute("nick", "Erin B");

            registry.onPresence(change);

            assertThat(listener.left).isEmpty();
            assertThat(room.occupant("erin")).isEmpty();
            assertThat(room.occupant("Erin B")).get().extracting(Occupant::realJid)
                    .isEqualTo(new JID("erin@example.org/y"));

            registry.onPresence(occupant(TEAM, SELF, "Erin B", "erin@example.org/y", "member", "participant"));

            assertThat(listener.left).isEmpty();
            assertThat(room.occupants()).filteredOn(o -> o.realBareJid().equals(new JID("erin@example.org")))
                    .extracting(Occupant::nick).containsExactly("Erin B");
            assertThat(room.occupantByRealJid(new JID("erin@example.org/y"))).isPresent();
        }

        @Test
        void demotionWhileInTheRoomIsAMembershipLoss() {
            registry.onPresence(occupant(TEAM, SELF, "alice", "alice@example.org/laptop", "none", "participant", 321));

            assertThat(listener.left).extracting(Left::nick, Left::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", LeaveReason.MEMBERSHIP_LOST));
            assertThat(room.occupant("alice")).get().extracting(Occupant::affiliation).isEqualTo(Affiliation.NONE);
        }

        @Test
        void promotionIsNotALeave() {
            registry.onPresence(occupant(TEAM, SELF, "alice", "alice@example.org/laptop", "admin", "moderator"));

            assertThat(listener.left).isEmpty();
            assertThat(room.affiliationOf(new JID("alice@example.org"))).isEqualTo(Affiliation.ADMIN);
        }

        @Test
        void newcomersAreTracked() {
            registry.onPresence(occupant(TEAM, SELF, "frank", "frank@example.org/z", "member", "participant"));

            assertThat(room.occupant("frank")).isPresent();
            assertThat(listener.left).isEmpty();
        }

        @Test
        void unavailableFromSomeoneNotTrackedIsHarmless() {
            registry.onPresence(unavailable(TEAM, SELF, "ghost", "ghost@example.org/x", "none"));

            assertThat(listener.left).isEmpty();
            assertThat(room.occupants()).hasSize(5);
        }

        @Test
        void errorPresenceWhileJoinedIsIgnored() {
            registry.onPresence(joinError(TEAM, SELF, "alice", Condition.not_acceptable));

            assertThat(room.state()).isEqualTo(RoomState.JOINED);
            assertThat(room.occupants()).hasSize(5);
        }

        @Test
        void theGatewayKickedFromTheRoomEndsEveryonesPart() {
            registry.onPresence(unavailable(TEAM, SELF, "Call", "av.example.org/team", "none", 110, 307));

            assertThat(room.state()).isEqualTo(RoomState.REFUSED);
            assertThat(listener.left).extracting(Left::reason).containsOnly(LeaveReason.ROOM_CLOSED).hasSize(5);
            assertThat(room.occupants()).isEmpty();
        }
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"destroy element", "status 332"})
        void theRoomDestroyedMakesItMissing(String how) {
            Presence destroyed = how.startsWith("destroy")
                    ? unavailable(TEAM, SELF, "Call", "av.example.org/team", "none", 110)
                    : unavailable(TEAM, SELF, "Call", "av.example.org/team", "none", 110, 332);
            if (how.startsWith("destroy")) {
                destroyed.getElement().element(QName.get("x", Namespaces.MUC_USER)).addElement("destroy");
            }

            registry.onPresence(destroyed);

            assertThat(room.state()).isEqualTo(RoomState.MISSING);
            assertThat(listener.left).hasSize(5).extracting(Left::reason).containsOnly(LeaveReason.ROOM_CLOSED);
        }
    }

    @Nested
    class Reconnecting {
        @Test
        void disconnectMovesRoomsOffline() {
            Room room = muc.joined(TEAM, CALLABLE, member("alice", "alice@example.org/laptop"));

            registry.onDisconnected();

            assertThat(room.state()).isEqualTo(RoomState.OFFLINE);
            // occupants are kept so that the rejoin can tell who left meanwhile
            assertThat(room.occupants()).hasSize(1);
            assertThat(registry.bind(TEAM)).isCompletedWithValue(room);
        }

        @Test
        void reconnectProbesAgainRejoinsAndReportsWhoLeftMeanwhile() {
            Room room = muc.joined(TEAM, CALLABLE,
                    member("alice", "alice@example.org/laptop"),
                    member("bob", "bob@example.org/phone"),
                    member("carol", "carol@example.org/desk"));
            muc.tracker.failAll(new IllegalStateException("the XMPP stream dropped"));
            registry.onDisconnected();
            listener.clear();

            sink.expect(discoInfoGet(TEAM, SELF), "disco#info after the reconnect");
            registry.onConnected();
            IQ probe = sink.next(IQ.class);
            assertThat(room.state()).isEqualTo(RoomState.PROBING);
            answerProbeAndExpectJoin(probe, CALLABLE);
            // bob is still there; carol came back under another nick; alice is gone
            muc.completeJoin(TEAM, "Call",
                    member("bob", "bob@example.org/phone"),
                    member("caro", "carol@example.org/desk"));

            assertThat(room.state()).isEqualTo(RoomState.JOINED);
            assertThat(listener.left).extracting(Left::nick, Left::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", LeaveReason.GONE_WHILE_DISCONNECTED));
            assertThat(listener.joins).containsExactly(room);
            assertThat(room.occupants()).extracting(Occupant::nick).containsExactly("bob", "caro");
        }

        @Test
        void aRoomThatVanishedWhileDisconnectedIsMissing() {
            Room room = muc.joined(TEAM, CALLABLE, member("alice", "alice@example.org/laptop"));
            muc.tracker.failAll(new IllegalStateException("dropped"));
            registry.onDisconnected();

            sink.expect(discoInfoGet(TEAM, SELF), "disco#info after the reconnect");
            registry.onConnected();
            muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));

            assertThat(room.state()).isEqualTo(RoomState.MISSING);
        }
    }

    @Nested
    class ConfigChanges {
        private Room room;

        @BeforeEach
        void joinTeam() {
            room = muc.joined(TEAM, CALLABLE, member("alice", "alice@example.org/laptop"));
        }

        private void configChange(int code, List<String> features) {
            sink.expect(discoInfoGet(TEAM, SELF), "disco#info after status " + code);
            assertThat(registry.onMessage(roomStatus(TEAM, SELF, code))).isTrue();
            muc.tracker.answer(discoInfoResult(sink.next(IQ.class), features));
        }

        @Test
        void status104RefreshesTheConfigAndReportsTheChange() {
            RoomConfig before = room.config();

            configChange(104, OPEN);

            assertThat(room.config().callable()).isFalse();
            assertThat(room.config().membersOnly()).isFalse();
            assertThat(listener.configChanges).hasSize(1);
            assertThat(listener.configChanges.get(0).before()).isEqualTo(before);
            assertThat(listener.configChanges.get(0).after()).isEqualTo(room.config());
        }

        @Test
        void anUnchangedConfigIsNotReported() {
            configChange(104, CALLABLE);

            assertThat(listener.configChanges).isEmpty();
            assertThat(room.config().callable()).isTrue();
        }

        @Test
        void anonymityChangeCodesRefreshToo() {
            configChange(173, SEMI_ANONYMOUS);

            assertThat(listener.configChanges).hasSize(1);
            assertThat(room.config().nonAnonymous()).isFalse();
        }

        @Test
        void ordinaryGroupchatTriggersNothing() {
            Message chat = new Message();
            chat.setType(Message.Type.groupchat);
            chat.setFrom(occupantJid(TEAM, "alice"));
            chat.setTo(SELF);
            chat.setBody("hello");

            assertThat(registry.onMessage(chat)).isTrue();
            assertThat(registry.onMessage(roomStatus(TEAM, SELF, 100))).isTrue();
            // the strict sink proves that no disco#info went out
        }

        @Test
        void messagesFromUnboundRoomsAreNotTheRegistrys() {
            assertThat(registry.onMessage(roomStatus(new JID("other@conference.example.org"), SELF, 104))).isFalse();
            assertThat(registry.onMessage(new Message())).isFalse();
        }

        @Test
        void aFailedRefreshKeepsTheOldConfig() {
            sink.expect(discoInfoGet(TEAM, SELF), "disco#info after 104");
            registry.onMessage(roomStatus(TEAM, SELF, 104));
            muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.remote_server_timeout));

            assertThat(room.config().callable()).isTrue();
            assertThat(listener.configChanges).isEmpty();
        }
    }

    @Nested
    class Leaving {
        @Test
        void leaveAllSendsUnavailableToJoinedRoomsOnly() {
            JID ops = new JID("ops@conference.example.org");
            Room team = muc.joined(TEAM, CALLABLE, member("alice", "alice@example.org/laptop"));
            sink.expect(discoInfoGet(ops, new JID("av.example.org/ops")), "disco#info to ops");
            registry.bind(ops);
            muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));
            assertThat(registry.room(ops)).as("a missing room that was not configured is forgotten").isEmpty();
            sink.expect(leave(TEAM_CALL, SELF), "unavailable presence to team");

            registry.leaveAll();

            Presence leave = sink.next(Presence.class);
            assertThat(leave.getType()).isEqualTo(Presence.Type.unavailable);
            assertThat(team.state()).isEqualTo(RoomState.LEFT);

            // a left room stays left: neither a reconnect nor a call brings it back
            registry.onConnected();
            assertThat(registry.bind(TEAM)).isCompletedWithValue(team);
            assertThat(team.state()).isEqualTo(RoomState.LEFT);
        }

        @Test
        void leaveAllWhileJoiningLeavesToo() {
            answerProbeAndExpectJoin(probeConfigured(), CALLABLE);
            sink.expect(leave(TEAM_CALL, SELF), "unavailable presence while joining");

            registry.leaveAll();

            assertThat(team().state()).isEqualTo(RoomState.LEFT);
        }
    }

    @Nested
    class UnsuitableNotice {
        @Test
        void postedOnceUntilTheConfigChanges() {
            Room room = muc.joined(TEAM, OPEN, member("alice", "alice@example.org/laptop"));
            String why = room.config().whyNotCallable();
            sink.expect(groupchat(TEAM, SELF, why), "the notice");

            registry.postUnsuitableNoticeOnce(room);

            Message notice = sink.next(Message.class);
            assertThat(notice.getChildElement("store", Namespaces.HINTS)).isNotNull();
            registry.postUnsuitableNoticeOnce(room);
            registry.postUnsuitableNoticeOnce(room);

            // the same config read again does not re-arm it
            sink.expect(discoInfoGet(TEAM, SELF), "disco#info after 104");
            registry.onMessage(roomStatus(TEAM, SELF, 104));
            muc.tracker.answer(discoInfoResult(sink.next(IQ.class), OPEN));
            registry.postUnsuitableNoticeOnce(room);

            // a different, still unsuitable config does
            sink.expect(discoInfoGet(TEAM, SELF), "disco#info after 104");
            registry.onMessage(roomStatus(TEAM, SELF, 104));
            muc.tracker.answer(discoInfoResult(sink.next(IQ.class), SEMI_ANONYMOUS));
            String newWhy = room.config().whyNotCallable();
            assertThat(newWhy).isNotEqualTo(why);
            sink.expect(groupchat(TEAM, SELF, newWhy), "the new notice");
            registry.postUnsuitableNoticeOnce(room);
            registry.postUnsuitableNoticeOnce(room);
        }

        @Test
        void nothingIsPostedInASuitableRoom() {
            Room room = muc.joined(TEAM, CALLABLE);

            registry.postUnsuitableNoticeOnce(room);
        }

        @Test
        void nothingIsPostedInARoomTheGatewayIsNotIn() {
            IQ probe = probeConfigured();
            muc.tracker.answer(errorReply(probe, Condition.item_not_found));

            registry.postUnsuitableNoticeOnce(team());
            assertThat(registry.post(team(), "hello")).isFalse();
        }
    }

    @Nested
    class LookUp {
        private static final JID GATEWAY = new JID("av.example.org");

        @Test
        void aRoomIsLookedAtFromTheBareDomainWithoutBindingIt() {
            sink.expect(discoInfoGet(TEAM, GATEWAY), "disco#info from the bare domain");
            CompletableFuture<Optional<RoomConfig>> config = registry.lookUp(TEAM);

            muc.tracker.answer(discoInfoResult(sink.next(IQ.class), CALLABLE));

            assertThat(config.join()).get().extracting(RoomConfig::callable).isEqualTo(true);
            assertThat(registry.room(TEAM)).isEmpty();
        }

        @Test
        void aMissingRoomIsEmpty() {
            sink.expect(discoInfoGet(TEAM, GATEWAY), "disco#info");
            CompletableFuture<Optional<RoomConfig>> config = registry.lookUp(TEAM);

            muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));

            assertThat(config.join()).isEmpty();
        }

        @Test
        void otherErrorsFail() {
            sink.expect(discoInfoGet(TEAM, GATEWAY), "disco#info");
            CompletableFuture<Optional<RoomConfig>> config = registry.lookUp(TEAM);

            muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.forbidden));

            assertThatThrownBy(config::join).hasCauseInstanceOf(RoomRegistry.RoomLookupException.class);
        }

        @Test
        void aJoinedRoomAnswersFromWhatItKnows() {
            Room room = muc.joined(TEAM, CALLABLE);

            assertThat(registry.lookUp(TEAM)).isCompletedWithValue(Optional.of(room.config()));
        }
    }

    @Test
    void parseConfiguredRoom() {
        assertThat(registry.parseConfiguredRoom(" team ")).isEqualTo(TEAM);
        assertThat(registry.parseConfiguredRoom("ops@muc.other.org")).isEqualTo(new JID("ops@muc.other.org"));
        assertThatThrownBy(() -> registry.parseConfiguredRoom("team@conference.example.org/nick"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.parseConfiguredRoom("x@av.example.org"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
