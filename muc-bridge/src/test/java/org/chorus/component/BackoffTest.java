package org.chorus.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void withoutJitterEachAttemptWaitsMultiplierTimesLonger() {
        Backoff b = new Backoff(ms(500), Duration.ofSeconds(30), 2.0, 0);

        assertThat(IntStream.range(0, 6).mapToObj(b::delay))
                .containsExactly(ms(500), ms(1000), ms(2000), ms(4000), ms(8000), ms(16000));
    }

    @Test
    void fractionalMultiplier() {
        Backoff b = new Backoff(ms(1000), Duration.ofMinutes(1), 1.5, 0);

        assertThat(b.delay(0)).isEqualTo(ms(1000));
        assertThat(b.delay(1)).isEqualTo(ms(1500));
        assertThat(b.delay(2)).isEqualTo(ms(2250));
    }

    @Test
    void multiplierOneIsAConstantDelay() {
        Backoff b = new Backoff(ms(250), Duration.ofSeconds(1), 1.0, 0);

        assertThat(IntStream.of(0, 1, 10, 1000).mapToObj(b::delay)).containsOnly(ms(250));
    }

    @Test
    void delayIsCappedAtMax() {
        Backoff b = new Backoff(ms(500), Duration.ofSeconds(30), 2.0, 0);

        assertThat(b.delay(6)).isEqualTo(Duration.ofSeconds(30)); // 32 s before the cap
        assertThat(b.delay(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.delay(100)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void delaysNeverShrinkWithoutJitter() {
        Backoff b = new Backoff(ms(3), Duration.ofHours(1), 3.0, 0);
        Duration previous = Duration.ZERO;
        for (int attempt = 0; attempt < 80; attempt++) {
            Duration d = b.delay(attempt);
            assertThat(d).as("attempt %d", attempt).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(Duration.ofHours(1));
            previous = d;
        }
    }

    @Test
    void initialEqualToMaxIsAllowed() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 2.0, 0.5);

        for (int i = 0; i < 200; i++) {
            assertThat(b.delay(i % 5)).isBetween(ms(500), ms(1000));
        }
    }

    @Test
    void jitterStaysWithinItsFractionAndBelowMax() {
        Backoff b = new Backoff(ms(1000), Duration.ofSeconds(10), 2.0, 0.2);

        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            long first = b.delay(0).toMillis();
            long second = b.delay(1).toMillis();
            long capped = b.delay(10).toMillis();
            assertThat(first).isBetween(800L, 1200L);
            assertThat(second).isBetween(1600L, 2400L);
            assertThat(capped).isBetween(8000L, 10000L);
            seen.add(first);
        }
        // it really is randomised, and both sides of the base are used
        assertThat(seen).hasSizeGreaterThan(50);
        assertThat(seen).anyMatch(v -> v < 1000).anyMatch(v -> v > 1000);
    }

    @Test
    void neverZeroEvenForTinyDelaysWithLargeJitter() {
        Backoff b = new Backoff(ms(1), ms(2), 1.0, 0.99);

        for (int i = 0; i < 5000; i++) {
            assertThat(b.delay(i % 3)).isPositive().isLessThanOrEqualTo(ms(2));
        }
    }

    @Test
    void subMillisecondInitialIsNeverZero() {
        Backoff b = new Backoff(Duration.ofNanos(1), ms(5), 2.0, 0);

        assertThat(b.delay(0)).isEqualTo(ms(1));
    }

    @ParameterizedTest(name = "initial={0}ms max={1}ms multiplier={2} jitter={3}")
    @CsvSource({
        "0, 1000, 2.0, 0.1",      // initial must be positive
        "-5, 1000, 2.0, 0.1",
        "2000, 1000, 2.0, 0.1",   // max below initial
        "100, 1000, 0.5, 0.1",    // shrinking
        "100, 1000, 0.0, 0.1",
        "100, 1000, -2.0, 0.1",
        "100, 1000, 2.0, -0.1",   // jitter outside [0, 1)
        "100, 1000, 2.0, 1.0",
        "100, 1000, 2.0, 1.5",
    })
    void badArgumentsAreRefused(long initial, long max, double multiplier, double jitter) {
        assertThatThrownBy(() -> new Backoff(ms(initial), ms(max), multiplier, jitter))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullDurationsAreRefused() {
        assertThatThrownBy(() -> new Backoff(null, ms(1000), 2.0, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Backoff(ms(100), null, 2.0, 0)).isInstanceOf(NullPointerException.class);
    }
}
