package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetransmissionBudgetTest {
    private static final long MS = 1_000_000L;
    private static final int SSRC = 0xCAFE;
    private static final RetransmissionLimits LIMITS = new RetransmissionLimits(
            Duration.ofMillis(100), 50, 8_000, 64_000, 1_200, Duration.ofMillis(20), 64);

    private long now = 5_000 * MS;

    @Test
    void aSequenceNumberIsAdmittedOncePerResendInterval() {
        RetransmissionBudget budget = new RetransmissionBudget(LIMITS, now);

        assertThat(budget.admit(SSRC, 10, now)).isTrue();
        assertThat(budget.admit(SSRC, 10, now + 99 * MS)).isFalse();
        assertThat(budget.admit(SSRC, 11, now + 99 * MS)).as("another sequence number").isTrue();
        assertThat(budget.admit(SSRC + 1, 10, now + 99 * MS)).as("another SSRC").isTrue();
        assertThat(budget.admit(SSRC, 10, now + 100 * MS)).as("a round trip later").isTrue();
        assertThat(budget.admit(SSRC, 10, now + 150 * MS)).isFalse();
    }

    @Test
    void theWholeRingOfSequenceNumbersIsRememberedAtOnce() {
        RetransmissionBudget budget = new RetransmissionBudget(LIMITS, now);
        for (int i = 0; i < RetransmissionBudget.REMEMBERED; i++) {
            assertThat(budget.admit(SSRC, (65_400 + i) & 0xFFFF, now)).isTrue();
        }
        for (int i = 0; i < RetransmissionBudget.REMEMBERED; i++) {
            assertThat(budget.admit(SSRC, (65_400 + i) & 0xFFFF, now + 50 * MS)).as("seq %d again", i).isFalse();
        }
    }

    @Test
    void aReceiverStartsWithTheFloorAndEarnsHalfOfWhatItIsForwarded() {
        RetransmissionBudget budget = new RetransmissionBudget(LIMITS, now);
        assertThat(budget.tokens()).isEqualTo(8_000);

        budget.forwarded(10_000);
        budget.forwarded(2_000);
        now += 250 * MS;
        budget.refill(now);

        assertThat(budget.tokens()).isEqualTo(8_000 + 6_000 + 2_000);
    }

    @Test
    void aFloodGetsNoMoreThanTheShareOfWhatItReceivesPlusTheFloorAndOneBurst() {
        RetransmissionBudget budget = new RetransmissionBudget(LIMITS, now);
        long spent = 0;
        long forwarded = 0;
        // 10 s: 50 packets of 1,100 bytes a second forwarded; 200 NACKs a second, each wanting 50 packets
        for (int tick = 0; tick < 2_000; tick++) {
            now += 5 * MS;
            if (tick % 4 == 0) {
                budget.forwarded(1_100);
                forwarded += 1_100;
            }
            budget.refill(now);
            for (int i = 0; i < 50 && budget.canSpend(); i++) {
                budget.spend(1_100);
                spent += 1_100;
            }
        }

        long bound = 64_000 + forwarded / 2 + 8_000 * 10 + 1_100;
        assertThat(spent).as("bytes retransmitted in 10 s (forwarded %d)", forwarded).isLessThanOrEqualTo(bound);
        assertThat(spent).as("but the receiver gets its share").isGreaterThan(forwarded / 2);
    }

    @Test
    void savedBudgetIsCappedAtTheBurst() {
        RetransmissionBudget budget = new RetransmissionBudget(LIMITS, now);
        budget.forwarded(10_000_000);
        now += 60_000 * MS;
        budget.refill(now);
        assertThat(budget.tokens()).isEqualTo(64_000);
    }

    @Test
    void anOverdraftIsPaidBackBeforeAnythingElseGoes() {
        RetransmissionBudget budget = new RetransmissionBudget(LIMITS, now);
        budget.spend(7_999);
        assertThat(budget.canSpend()).isTrue();
        budget.spend(1_200);
        assertThat(budget.canSpend()).isFalse();

        now += 100 * MS; // the floor earns 800 bytes
        budget.refill(now);
        assertThat(budget.tokens()).isEqualTo(-1_199 + 800);
        assertThat(budget.canSpend()).isFalse();
        now += 100 * MS;
        budget.refill(now);
        assertThat(budget.canSpend()).isTrue();
    }

    @Test
    void aClockThatStandsStillOrGoesBackEarnsNothing() {
        RetransmissionBudget budget = new RetransmissionBudget(LIMITS, now);
        budget.spend(8_000);
        budget.refill(now);
        budget.refill(now - 10_000 * MS);
        assertThat(budget.tokens()).isZero();
    }
}
