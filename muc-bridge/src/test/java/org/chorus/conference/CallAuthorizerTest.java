package org.chorus.conference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.testing.fakes.MucFixture.member;
import static org.chorus.testing.fakes.MucFixture.occupant;
import static org.chorus.testing.fakes.MucStanzas.CALLABLE;
import static org.chorus.testing.fakes.MucStanzas.OPEN;
import static org.chorus.testing.fakes.MucStanzas.PUBLIC;
import static org.chorus.testing.fakes.MucStanzas.SEMI_ANONYMOUS;
import static org.chorus.testing.fakes.MucStanzas.discoInfoGet;
import static org.chorus.testing.fakes.MucStanzas.errorReply;

import java.util.List;
import org.chorus.muc.Affiliation;
import org.chorus.muc.Room;
import org.chorus.muc.RoomState;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.ScriptedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError.Condition;

/** Who may call (PROTOCOL.md §3), decided on rooms joined through the registry. */
class CallAuthorizerTest {
    private static final JID TEAM = new JID("team@conference.example.org");
    private static final JID ALICE = new JID("alice@example.org/laptop");

    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private final CallAuthorizer authorizer = new CallAuthorizer();
    private MucFixture muc;

    @BeforeEach
    void setUp() {
        muc = new MucFixture(sink);
    }

    @AfterEach
    void tearDown() {
        muc.close();
    }

    private Room teamWithOccupants(List<String> features) {
        return muc.joined(TEAM, features,
                member("alice", "alice@example.org/laptop"),
                occupant("owen", "owen@example.org/pc", Affiliation.OWNER),
                occupant("ada", "ada@example.org/pc", Affiliation.ADMIN),
                occupant("nobody", "nobody@example.org/pc", Affiliation.NONE),
                occupant("hidden", null, Affiliation.MEMBER));
    }

    @Test
    void aMemberOccupantMayCall() {
        Room room = teamWithOccupants(CALLABLE);

        CallDecision decision = authorizer.decide(room, ALICE, "alice@example.org/laptop");

        assertThat(decision).isInstanceOfSatisfying(CallDecision.MayCall.class, may -> {
            assertThat(may.room()).isSameAs(room);
            assertThat(may.occupant().nick()).isEqualTo("alice");
        });
    }

    @Test
    void withoutInitiatorAttributeTheSenderCounts() {
        Room room = teamWithOccupants(CALLABLE);

        assertThat(authorizer.decide(room, ALICE, null)).isInstanceOf(CallDecision.MayCall.class);
        assertThat(authorizer.decide(room, ALICE, " ")).isInstanceOf(CallDecision.MayCall.class);
    }

    @Test
    void theInitiatorIsComparedAsAJid() {
        Room room = teamWithOccupants(CALLABLE);

        assertThat(authorizer.decide(room, ALICE, "Alice@Example.ORG/laptop")).isInstanceOf(CallDecision.MayCall.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"owen@example.org/pc", "ada@example.org/pc"})
    void ownersAndAdminsMayCall(String jid) {
        Room room = teamWithOccupants(CALLABLE);

        assertThat(authorizer.decide(room, new JID(jid), jid)).isInstanceOf(CallDecision.MayCall.class);
    }

    @Test
    void aNonOccupantIsForbidden() {
        Room room = teamWithOccupants(CALLABLE);

        assertThat(authorizer.decide(room, new JID("eve@example.org/x"), "eve@example.org/x"))
                .isInstanceOfSatisfying(CallDecision.Forbidden.class,
                        f -> assertThat(f.reason()).contains("occupants"));
    }

    @Test
    void aMemberWhoIsNotInTheRoomIsForbidden() {
        Room room = teamWithOccupants(CALLABLE);
        assertThat(room.affiliationOf(new JID("carol@example.org"))).isEqualTo(Affiliation.NONE);

        assertThat(authorizer.decide(room, new JID("carol@example.org/x"), null))
                .isInstanceOf(CallDecision.Forbidden.class);
    }

    @Test
    void theSameUserFromAnotherResourceIsForbidden() {
        Room room = teamWithOccupants(CALLABLE);

        assertThat(authorizer.decide(room, new JID("alice@example.org/phone"), "alice@example.org/phone"))
                .isInstanceOfSatisfying(CallDecision.Forbidden.class,
                        f -> assertThat(f.reason()).contains("client"));
    }

    @Test
    void anOccupantWithoutAffiliationIsForbidden() {
        Room room = teamWithOccupants(CALLABLE);

        assertThat(authorizer.decide(room, new JID("nobody@example.org/pc"), "nobody@example.org/pc"))
                .isInstanceOfSatisfying(CallDecision.Forbidden.class,
                        f -> assertThat(f.reason()).contains("members"));
    }

    @Test
    void anInitiatorOtherThanTheSenderIsForbidden() {
        Room room = teamWithOccupants(CALLABLE);

        assertThat(authorizer.decide(room, ALICE, "owen@example.org/pc")).isInstanceOf(CallDecision.Forbidden.class);
        assertThat(authorizer.decide(room, ALICE, "alice@example.org/phone")).isInstanceOf(CallDecision.Forbidden.class);
        assertThat(authorizer.decide(room, ALICE, "alice@example.org")).isInstanceOf(CallDecision.Forbidden.class);
        assertThat(authorizer.decide(room, ALICE, "not a jid@@")).isInstanceOf(CallDecision.Forbidden.class);
    }

    @Test
    void aSenderWithoutResourceIsForbidden() {
        Room room = teamWithOccupants(CALLABLE);

        assertThat(authorizer.decide(room, new JID("alice@example.org"), null)).isInstanceOf(CallDecision.Forbidden.class);
        assertThat(authorizer.decide(room, new JID("example.org/x"), null)).isInstanceOf(CallDecision.Forbidden.class);
        assertThat(authorizer.decide(room, null, null)).isInstanceOf(CallDecision.Forbidden.class);
    }

    @Test
    void aMemberAfterLeavingIsForbidden() {
        Room room = teamWithOccupants(CALLABLE);
        muc.registry.onPresence(org.chorus.testing.fakes.MucStanzas.unavailable(TEAM, muc.self(TEAM), "alice",
                "alice@example.org/laptop", "member"));

        assertThat(authorizer.decide(room, ALICE, null)).isInstanceOf(CallDecision.Forbidden.class);
    }

    @Test
    void anOpenRoomIsNotAcceptable() {
        Room room = teamWithOccupants(OPEN);

        assertThat(authorizer.decide(room, ALICE, "alice@example.org/laptop"))
                .isInstanceOfSatisfying(CallDecision.NotAcceptable.class,
                        n -> assertThat(n.reason()).isEqualTo(room.config().whyNotCallable()).contains("members-only"));
    }

    @Test
    void aSemiAnonymousRoomIsNotAcceptable() {
        Room room = teamWithOccupants(SEMI_ANONYMOUS);

        assertThat(authorizer.decide(room, ALICE, "alice@example.org/laptop"))
                .isInstanceOfSatisfying(CallDecision.NotAcceptable.class,
                        n -> assertThat(n.reason()).contains("non-anonymous"));
    }

    @Test
    void anUnsuitableRoomIsNotAcceptableForAnyone() {
        Room room = teamWithOccupants(PUBLIC);

        assertThat(authorizer.decide(room, new JID("eve@example.org/x"), null))
                .isInstanceOf(CallDecision.NotAcceptable.class);
    }

    @Test
    void aRoomTheGatewayIsNotInIsForbidden() {
        muc.registry.onConnected();
        sink.expect(discoInfoGet(TEAM, muc.self(TEAM)), "disco#info");
        var bound = muc.registry.bind(TEAM);
        muc.tracker.answer(errorReply(sink.next(IQ.class), Condition.item_not_found));
        Room room = bound.join();
        assertThat(room.state()).isEqualTo(RoomState.MISSING);

        assertThat(authorizer.decide(room, ALICE, null)).isInstanceOf(CallDecision.Forbidden.class);
    }
}
