package org.chorus.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** One server per top-level class, injected everywhere, also with a per-class test instance. */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProsodyExtensionTest {

    private final ProsodyServer fromConstructor;
    private ProsodyServer fromBeforeAll;

    ProsodyExtensionTest(ProsodyServer prosody) {
        this.fromConstructor = prosody;
    }

    @BeforeAll
    void beforeAll(ProsodyServer prosody) {
        fromBeforeAll = prosody;
    }

    @Test
    void sameServerEverywhere(ProsodyServer prosody) {
        assertThat(prosody).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
        assertThat(prosody.isRunning()).isTrue();
    }

    @Nested
    class Inner {
        @Test
        void nestedClassSharesTheServer(ProsodyServer prosody) {
            assertThat(prosody).isSameAs(fromConstructor);
            try (XmppTestClient client = XmppTestClient.connectNewUser(prosody, "nested")) {
                assertThat(client.bareJid().getDomain().toString()).isEqualTo(prosody.domain());
            }
        }
    }
}
