package org.chorus.jingle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a new call may take (PROTOCOL.md §5). */
class CallLimitsTest {
    private final CallLimits limits = new CallLimits(3, 2, 10);

    @Test
    void aCallThatFitsIsAllowed() {
        assertThat(limits.refusal(new CallLimits.Request(2, false, false, 1, 9))).isNull();
    }

    @Test
    void aFullCallRefusesNewcomersButNotAMemberCallingAgain() {
        assertThat(limits.refusal(new CallLimits.Request(3, false, false, 0, 0))).contains("max-participants: 3");
        assertThat(limits.refusal(new CallLimits.Request(3, true, true, 1, 3))).isNull();
    }

    @Test
    void aMemberInAnotherCallCountsAgainstTheFullRoom() {
        // in another room's call: neither in this call nor replacing a session here
        assertThat(limits.refusal(new CallLimits.Request(3, false, false, 1, 1))).contains("max-participants");
    }

    @Test
    void oneUserMaySendInOnlySoManyCalls() {
        assertThat(limits.refusal(new CallLimits.Request(0, false, false, 2, 2))).contains("max-calls-per-user: 2");
        assertThat(limits.refusal(new CallLimits.Request(1, true, true, 2, 2))).isNull();
    }

    @Test
    void aClientWithTooManySessionsMayNotCall() {
        assertThat(limits.refusal(new CallLimits.Request(0, false, false, 0, 10))).contains("max-sessions-per-jid: 10");
        assertThat(limits.refusal(new CallLimits.Request(1, true, true, 1, 10))).contains("max-sessions-per-jid");
    }
}
