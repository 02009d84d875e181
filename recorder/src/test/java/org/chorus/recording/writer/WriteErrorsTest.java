package org.chorus.recording.writer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WriteErrorsTest {

    @Test
    void manyErrorsWithinTheWindowFailTheOutputAndScatteredOnesDoNot() {
        WriteErrors scattered = new WriteErrors();
        for (int i = 0; i < 100; i++) {
            assertThat(scattered.record(i * 1_000_000_000L)).as("one error a second").isFalse();
        }
        WriteErrors burst = new WriteErrors();
        for (int i = 1; i < WriteErrors.LIMIT; i++) {
            assertThat(burst.record(i * 1_000_000L)).isFalse();
        }
        assertThat(burst.record(WriteErrors.LIMIT * 1_000_000L)).as("the limit within the window").isTrue();
        assertThat(burst.total()).isEqualTo(WriteErrors.LIMIT);
    }
}
