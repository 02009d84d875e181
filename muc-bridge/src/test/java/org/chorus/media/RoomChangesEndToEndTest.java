package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.chorus.gateway.Commands;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.jingle.client.SendingSession;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * What the room decides wins over what the gateway saw earlier (PROTOCOL.md §3, §8): a kick that
 * lands while a call is being set up, a room that stops being members-only, an admin who is
 * demoted while away.
 */
@ExtendWith(ProsodyExtension.class)
class RoomChangesEndToEndTest {
    @RegisterExtension
    final CallFixture calls;

    RoomChangesEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    /** Starts a gateway bound to the room at once, and waits until it is in it. */
    private AutoCloseable gatewayIn(TestRoom room) throws Exception {
        AutoCloseable gateway = calls.gateway(List.of(room.name), Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> room.ownerView.getOccupants().stream()
                .anyMatch(o -> o.getResourceOrEmpty().toString().equals("Call")));
        return gateway;
    }

    @Test
    void aKickThatLandsWhileTheCallIsBeingSetUpKeepsTheKickedMemberOut() throws Exception {
        TestRoom room = calls.room("race", "alice");
        MediaParticipant alice = room.member(0);
        AutoCloseable gateway = gatewayIn(room);
        Thread.sleep(500); // let the join's own traffic settle

        GatewayTestAccess.Paused paused = GatewayTestAccess.pauseSignalling(gateway);
        CompletableFuture<SendingSession> call;
        try {
            int before = paused.queued();
            call = CompletableFuture.supplyAsync(() -> {
                try {
                    return alice.client.join(room.conference, LocalStreams.audioAndVideo().withoutRtx());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await("the call waits for the gateway").atMost(Duration.ofSeconds(10)).until(() -> paused.queued() > before);
            int withCall = paused.queued();
            room.ownerView.kickParticipant(Resourcepart.from("alice"), "not now");
            await("the kick waits behind it").atMost(Duration.ofSeconds(10)).until(() -> paused.queued() > withCall);
        } finally {
            paused.resume();
        }

        await("the call is refused or ended").atMost(Duration.ofSeconds(15)).until(() -> call.isCompletedExceptionally()
                || call.isDone() && call.join().endReason().isPresent());
        Thread.sleep(1000);
        assertThat(room.find("propose")).as("no call was started by the kicked member").isEmpty();
        assertThat(room.callElement()).isEmpty();
    }

    @Test
    void aRoomThatStopsBeingMembersOnlyEndsItsCall() throws Exception {
        TestRoom room = calls.room("opened", "alice", "bob");
        gatewayIn(room);
        MediaParticipant alice = room.member(0);
        MediaParticipant bob = room.member(1);
        alice.join(room.conference);
        bob.join(room.conference);
        await().atMost(Duration.ofSeconds(20)).until(() -> alice.packetsFrom(bob.name) > 20);

        FillableForm form = room.ownerView.getConfigurationForm().getFillableForm();
        form.setAnswer("muc#roomconfig_membersonly", false);
        room.ownerView.sendConfigurationForm(form);

        for (MediaParticipant p : List.of(alice, bob)) {
            await(p.name + "'s call ends").atMost(Duration.ofSeconds(10)).until(() -> p.sending().endReason().isPresent());
            assertThat(p.sending().endReason()).contains("decline");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> room.find("ended").isPresent());
        await().atMost(Duration.ofSeconds(5)).until(() -> room.callElement().isEmpty());
    }

    @Test
    void anAdminDemotedWhileAwayLosesTheRightToRecord() throws Exception {
        TestRoom room = calls.room("demoted");
        XmppTestClient adam = calls.client("adam");
        room.ownerView.grantAdmin(adam.bareJid());
        gatewayIn(room);
        Thread.sleep(500); // the gateway reads the affiliation lists after joining

        room.ownerView.grantMembership(adam.bareJid()); // admin -> member, while adam is not in the room

        IQ answer = await().atMost(Duration.ofSeconds(10)).until(() -> Commands.submit(adam, room.conference,
                "chorus:record", Map.of("action", "start")), a -> a.getType() == IQ.Type.error
                && a.getError().getCondition() == StanzaError.Condition.forbidden);
        assertThat(answer.getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
    }
}
