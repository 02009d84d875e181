package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.PayloadType;
import org.chorus.jingle.RtcpFb;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.client.ConferenceException;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's offer far beyond what any client sends (issue 8, hole 9): 20 video payload types with
 * 2000 RTCP feedback entries each. The gateway answers {@code bad-request} naming the limit it
 * exceeds, and another call on the same gateway goes on undisturbed.
 *
 * <p>Prosody refuses client stanzas over 256 KiB by default, which this offer (about 2.5 MB) is; the
 * gateway must not count on that (an operator may raise the limit, and other servers have other
 * limits), so this server accepts stanzas of up to 8 MiB.
 */
class OversizeOfferEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(OversizeOfferEndToEndTest.class);
    private static final int PAYLOAD_TYPES = 20;
    private static final int FEEDBACK_PER_PAYLOAD_TYPE = 2000;

    @RegisterExtension
    static final ProsodyExtension PROSODY = new ProsodyExtension(ProsodyServer.Options.builder()
            .extraGlobalConfig("c2s_stanza_size_limit = 8 * 1024 * 1024\n")
            .build());

    @RegisterExtension
    final CallFixture calls;

    OversizeOfferEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @Test
    void anOfferWithTwentyPayloadTypesOfTwoThousandFeedbackEntriesIsRefusedAndTheOtherCallGoesOn() throws Exception {
        calls.gateway();
        TestRoom calm = calls.room(MediaParticipant.Video.FULL_SIZE, "calm", "yara", "zeno");
        MediaParticipant y = calm.member(0);
        MediaParticipant z = calm.member(1);
        y.join(calm.conference);
        z.join(calm.conference);
        await().atMost(Duration.ofSeconds(30)).until(() -> y.videoFrom(z) > 50);

        TestRoom loud = calls.room(MediaParticipant.Video.FULL_SIZE, "loud", "xerxes");
        MediaParticipant x = loud.member(0);
        assertThatThrownBy(() -> x.join(loud.conference, withFeedbackFlood()))
                .isInstanceOfSatisfying(ConferenceException.class, refused -> {
                    log.info("the oversized offer was refused: {}", refused.getMessage());
                    assertThat(refused.condition()).as(refused.getMessage()).contains(StanzaError.Condition.bad_request);
                    assertThat(refused.error().map(StanzaError::getDescriptiveText).orElse(""))
                            .as("the error text names the limit").containsPattern("limit of \\d+ ");
                });

        long before = y.videoFrom(z);
        Thread.sleep(3_000);
        assertThat(y.videoFrom(z) - before).as("video packets the other call carried in 3 s after the refusal")
                .isGreaterThan(100);
        assertThat(y.sendingEndReason()).as("the other call").isEmpty();
        assertThat(z.sendingEndReason()).as("the other call").isEmpty();
    }

    /** 20 video payload types (VP8 first), each with 2000 distinct RTCP feedback types. */
    private static UnaryOperator<SessionDescription> withFeedbackFlood() {
        return OfferFilters.onVideo(content -> {
            List<PayloadType> payloadTypes = new ArrayList<>();
            for (int i = 0; i < PAYLOAD_TYPES; i++) {
                List<RtcpFb> feedback = new ArrayList<>();
                for (int f = 0; f < FEEDBACK_PER_PAYLOAD_TYPE; f++) {
                    feedback.add(new RtcpFb("x-fb-" + f, null));
                }
                String name = i == 0 ? "VP8" : "X-CODEC-" + i;
                payloadTypes.add(new PayloadType(96 + i, name, 90000, 1, Map.of(), feedback));
            }
            return new MediaContent(content.name(), content.media(), content.senders(), content.rtcpMux(),
                    payloadTypes, content.headerExtensions(), content.sources(), content.sourceGroups());
        });
    }
}
