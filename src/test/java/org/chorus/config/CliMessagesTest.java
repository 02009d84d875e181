package org.chorus.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliMessagesTest {

    @Test
    void oneLineJoinsTheLinesWithOneSpaceAndTurnsNullIntoNothing() {
        assertThat(CliMessages.oneLine("file.conf: 3: bad value  \n   for key\r\nchorus.x\n")).isEqualTo(
                "file.conf: 3: bad value for key chorus.x");
        assertThat(CliMessages.oneLine("  already one line ")).isEqualTo("already one line");
        assertThat(CliMessages.oneLine(null)).isEmpty();
    }
}
