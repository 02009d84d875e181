package org.chorus.component;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with jitter: attempt 0 waits {@code initial}, each further one {@code multiplier} times more. */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial delay must be positive");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max delay must not be below the initial delay");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
    }

    /** The delay before the given attempt (0-based), jittered, never above {@code max} and never zero. */
    public Duration delay(int attempt) {
        double base = initial.toMillis() * Math.pow(multiplier, Math.min(attempt, 62));
        double capped = Math.min(base, max.toMillis());
        double factor = jitter == 0 ? 1.0 : 1.0 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        long millis = Math.max(1, Math.round(Math.min(capped * factor, max.toMillis())));
        return Duration.ofMillis(millis);
    }
}
