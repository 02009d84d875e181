package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/** The recorder's trust and admission rules. */
class RecorderPolicyTest {

    @Test
    void anEmptyAcceptFromRefusesEveryoneWithNotAllowed() throws Exception {
        RecorderPolicy policy = new RecorderPolicy(List.of(), 4);
        assertThat(policy.acceptsAnyone()).isFalse();
        RecorderPolicy.Refusal refusal = policy.mayCommand(jid("team@av.example.org")).orElseThrow();
        assertThat(refusal.condition()).isEqualTo(StanzaError.Condition.not_allowed);
        assertThat(refusal.text()).contains("accept-from");
        assertThat(policy.mayCall(jid("team@av.example.org"), Set.of("team@av.example.org"))).isFalse();
    }

    @Test
    void acceptFromMatchesBareJidsAndDomains() throws Exception {
        RecorderPolicy policy = new RecorderPolicy(List.of("av.example.org", "Gateway@Example.net"), 4);
        assertThat(policy.mayCommand(jid("team@av.example.org/x"))).isEmpty();
        assertThat(policy.mayCommand(jid("av.example.org"))).isEmpty();
        assertThat(policy.mayCommand(jid("gateway@example.net/res"))).isEmpty();
        assertThat(policy.mayCommand(jid("mallory@example.net")).orElseThrow().condition())
                .isEqualTo(StanzaError.Condition.forbidden);
        assertThat(policy.mayCommand(jid("team@av.example.org.evil.com")).orElseThrow().condition())
                .isEqualTo(StanzaError.Condition.forbidden);
        assertThat(policy.mayCommand(null)).isPresent();
    }

    @Test
    void onlyTheConferencesOfRunningRecordingsMayCall() throws Exception {
        RecorderPolicy policy = new RecorderPolicy(List.of("av.example.org"), 4);
        Set<String> running = Set.of("team@av.example.org");
        assertThat(policy.mayCall(jid("team@av.example.org"), running)).isTrue();
        assertThat(policy.mayCall(jid("other@av.example.org"), running)).as("not being recorded").isFalse();
        assertThat(policy.mayCall(jid("stranger@example.com/x"), running)).isFalse();
        // a recording whose app_data names an untrusted conference takes no calls from it
        assertThat(policy.mayCall(jid("team@evil.example.com"), Set.of("team@evil.example.com"))).isFalse();
    }

    @Test
    void onlyTheJidThatStartedARecordingMayStopIt() throws Exception {
        RecorderPolicy policy = new RecorderPolicy(List.of("av.example.org", "gw@example.net"), 4);
        // the gateway starts and stops from the conference JID, a bare JID
        assertThat(policy.mayStop(jid("team@av.example.org"), jid("team@av.example.org"))).isTrue();
        assertThat(policy.mayStop(jid("team@av.example.org"), jid("team@av.example.org/x"))).isTrue();
        assertThat(policy.mayStop(jid("team@av.example.org"), jid("other@av.example.org")))
                .as("another conference of the same gateway").isFalse();
        assertThat(policy.mayStop(jid("team@av.example.org"), jid("av.example.org"))).isFalse();
        assertThat(policy.mayStop(jid("team@av.example.org"), jid("gw@example.net/a")))
                .as("another trusted gateway").isFalse();
        // a start from a full JID is stopped only from that very full JID
        assertThat(policy.mayStop(jid("gw@example.net/a"), jid("gw@example.net/a"))).isTrue();
        assertThat(policy.mayStop(jid("gw@example.net/a"), jid("gw@example.net/b"))).isFalse();
        assertThat(policy.mayStop(jid("gw@example.net/a"), jid("gw@example.net"))).isFalse();
        assertThat(policy.mayStop(jid("team@av.example.org"), null)).isFalse();
        assertThat(policy.mayStop(null, jid("team@av.example.org"))).isFalse();
    }

    @Test
    void sessionIdsAreFolderNamesThatCannotLeaveTheirFolder() {
        for (String good : List.of("a", "0", "ab12-1700000000", "A.b_c-d", "x".repeat(100))) {
            assertThat(RecorderPolicy.sessionIdProblem(good)).as(good).isEmpty();
        }
        for (String bad : new String[] {null, "", ".", "..", ".hidden", "-x", "_x", "a/b", "a\\b", "a b", "é",
                "x".repeat(101)}) {
            assertThat(RecorderPolicy.sessionIdProblem(bad)).as(String.valueOf(bad)).isPresent();
        }
    }

    @Test
    void admissionTakesHealthSlotsAndDuplicatesIntoAccount() {
        RecorderPolicy policy = new RecorderPolicy(List.of("av.example.org"), 2);
        assertThat(policy.admit(true, 0, false)).isEqualTo(RecorderPolicy.Admission.ACCEPT);
        assertThat(policy.admit(true, 1, true)).isEqualTo(RecorderPolicy.Admission.BUSY);
        assertThat(policy.admit(true, 2, false)).isEqualTo(RecorderPolicy.Admission.BUSY);
        assertThat(policy.admit(false, 0, false)).isEqualTo(RecorderPolicy.Admission.UNHEALTHY);
        assertThat(policy.busy(1)).isFalse();
        assertThat(policy.busy(2)).isTrue();
    }

    private static Jid jid(String s) throws Exception {
        return JidCreate.from(s);
    }
}
