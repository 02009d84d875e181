package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real media through the real gateway: Java clients call the conference JID of a room on a real
 * Prosody, and each must receive every other participant's audio and video, decrypted, attributed
 * by COIN to the right member, and never its own (PROTOCOL.md §5, §6).
 */
@ExtendWith(ProsodyExtension.class)
class MediaEndToEndTest {
    @RegisterExtension
    final CallFixture calls;

    MediaEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @Test
    void threeMembersEachReceiveTheOtherTwoAndNeverThemselves() throws Exception {
        calls.gateway();
        TestRoom room = calls.room("trio", "alice", "bob", "carol");
        room.everyMemberCalls();
        List<MediaParticipant> three = room.members;
        for (MediaParticipant p : three) {
            Set<String> others = three.stream().filter(o -> o != p).map(o -> o.name).collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, MediaParticipant.Received> byPublisher = receivedByPublisher(p);
                assertThat(byPublisher.keySet()).as(p.name + " receives streams from").isEqualTo(others);
                for (var e : byPublisher.entrySet()) {
                    assertThat(e.getValue().packets.get()).as(p.name + " from " + e.getKey()).isGreaterThan(20);
                    assertThat(e.getValue().payloadTypes).as("audio and video from " + e.getKey())
                            .contains(MediaParticipant.AUDIO_PT, MediaParticipant.VIDEO_PT);
                }
            });
            for (var e : receivedByPublisher(p).entrySet()) {
                assertThat(e.getValue().senders).as("the payload's sender matches the COIN user").containsExactly(e.getKey());
                assertThat(e.getValue().malformed.get()).isZero();
            }
            assertThat(receivedByPublisher(p)).doesNotContainKey(p.name);
        }
    }

    /** Packets received per publisher, as COIN names it. */
    private static Map<String, MediaParticipant.Received> receivedByPublisher(MediaParticipant p) {
        return p.sessions.values().stream()
                .filter(s -> p.bySid.containsKey(s.sid()) && p.bySid.get(s.sid()).packets.get() > 0)
                .collect(Collectors.toMap(MediaParticipant::publisherOf, s -> p.bySid.get(s.sid()), (a, b) -> a));
    }
}
