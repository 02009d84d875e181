package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.Source;
import org.chorus.jingle.client.ConferenceException;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's offer with hundreds of video sources (issue 8, hole 5) must not stop the gateway's
 * once-a-second housekeeping: the other senders keep getting REMB, and a member whose media stops
 * still leaves the call on time. The gateway refuses the offer with {@code bad-request} naming its
 * limit, or accepts it; then an offer with as many sources as the limit allows must be accepted
 * and must not stop the housekeeping either.
 */
@ExtendWith(ProsodyExtension.class)
class HousekeepingEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(HousekeepingEndToEndTest.class);
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern SOURCE_LIMIT = Pattern.compile("limit of (\\d+) sources per content");

    @RegisterExtension
    final CallFixture calls;

    HousekeepingEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @Test
    void anOfferWithHundredsOfVideoSourcesLeavesRembAndMediaTimeoutsRunning() throws Exception {
        calls.gateway(Map.of("chorus.calls.media-timeout", MEDIA_TIMEOUT.toMillis() + "ms"));
        TestRoom room = calls.room(MediaParticipant.Video.FULL_SIZE, "house", "steady", "silent", "many");
        MediaParticipant steady = room.member(0);
        MediaParticipant silent = room.member(1);
        MediaParticipant many = room.member(2);
        var conference = room.conference;
        steady.join(conference);
        silent.join(conference);
        await().atMost(Duration.ofSeconds(10)).until(() -> steady.rembs.get() >= 2);

        Optional<Integer> limit = Optional.empty();
        try {
            many.join(conference, withVideoSources(300));
        } catch (ConferenceException refused) {
            assertThat(refused.condition()).as("%s", refused.getMessage()).contains(StanzaError.Condition.bad_request);
            String text = refused.error().map(StanzaError::getDescriptiveText).orElse("");
            log.info("the 300-source offer was refused: {}", text);
            Matcher m = SOURCE_LIMIT.matcher(text);
            if (!m.find()) {
                fail("the refusal does not name the limit on sources: " + text);
            }
            limit = Optional.of(Integer.parseInt(m.group(1)));
        }
        if (limit.isPresent()) {
            assertThat(limit.get()).as("the limit on sources").isLessThan(300);
            many.join(conference, withVideoSources(limit.get()));
        }
        Thread.sleep(2_000); // a couple of housekeeping ticks with the big sender in the call

        long before = steady.rembs.get();
        Thread.sleep(4_000);
        assertThat(steady.rembs.get() - before).as("REMBs a normal sender got in 4 s after the big offer").isGreaterThanOrEqualTo(3);

        silent.stopSending();
        await().atMost(MEDIA_TIMEOUT.plusSeconds(10)).untilAsserted(() ->
                assertThat(silent.sendingEndReason()).as("the silent member's call").contains("timeout"));
        assertThat(steady.sendingEndReason()).as("the steady member's call").isEmpty();
        assertThat(many.sendingEndReason()).as("the big sender's call").isEmpty();
    }

    /** Adds video sources (random SSRCs, as many in total as asked) to the video content of the offer. */
    private static UnaryOperator<SessionDescription> withVideoSources(int total) {
        return OfferFilters.onVideo(content -> {
            List<Source> sources = new ArrayList<>(content.sources());
            Set<Long> used = new HashSet<>();
            sources.forEach(s -> used.add(s.ssrc()));
            while (sources.size() < total) {
                long ssrc = ThreadLocalRandom.current().nextLong(1, Source.MAX_SSRC);
                if (used.add(ssrc)) {
                    sources.add(new Source(ssrc, sources.get(0).parameters()));
                }
            }
            return content.withSources(sources, content.sourceGroups());
        });
    }
}
