package org.chorus.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SrtpStartupTest {

    @Test
    void initializeIsIdempotentAndCheapTheSecondTime() {
        SrtpStartup.Backend first = SrtpStartup.initialize();

        long start = System.nanoTime();
        SrtpStartup.Backend second = SrtpStartup.initialize();
        long micros = (System.nanoTime() - start) / 1000;

        assertThat(first).isNotNull().isSameAs(second).isSameAs(SrtpStartup.backend());
        assertThat(SrtpStartup.isInitialized()).isTrue();
        assertThat(micros).isLessThan(10_000);
    }

    @Test
    void afterStartupANewSessionCostsNoBenchmark() {
        SrtpStartup.initialize();
        for (SrtpProfile profile : SrtpProfile.values()) {
            long start = System.nanoTime();
            try (SrtpSession session = new SrtpSession(SrtpSessionTest.randomKeys(profile))) {
                byte[] packet = SrtpSessionTest.rtp(0, 42, 1, 100, SrtpSession.MAX_OVERHEAD);
                assertThat(session.protectRtp(packet, 0, 112)).isPositive();
            }
            assertThat((System.nanoTime() - start) / 1_000_000).as("%s first packet, ms", profile).isLessThan(100);
        }
    }
}
