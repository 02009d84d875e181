package org.chorus.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IceSettingsTest {

    @Test
    void defaultsAndDerivedValues() {
        IceSettings s = IceSettings.builder()
                .bindAddress("10.0.0.5")
                .port(10000)
                .advertisedAddress("203.0.113.7")
                .sockets(4)
                .receiveBufferSize(1 << 20)
                .build();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.consentTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.consentInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.sockets()).isEqualTo(4);
        assertThat(s.effectiveSockets()).isEqualTo(4);
        assertThat(s.receiveBufferSize()).isEqualTo(1 << 20);
        // 0 sockets means one per processor.
        assertThat(s.toBuilder().sockets(0).build().effectiveSockets())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        // An empty advertised address, the configuration's default, means none.
        assertThat(s.toBuilder().advertisedAddress("").build().advertisedAddress()).isNull();
        assertThat(IceSettings.loopback().effectiveSockets()).isEqualTo(1);
    }

    @Test
    void inconsistentSettingsAreRefused() {
        assertThatThrownBy(() -> IceSettings.builder().build()).hasMessageContaining("bindAddress");
        assertThatThrownBy(() -> IceSettings.builder().bindAddress("0.0.0.0").build())
                .hasMessageContaining("concrete");
        assertThatThrownBy(() -> IceSettings.builder().bindAddress("127.0.0.1").build())
                .hasMessageContaining("allowLoopback");
        assertThatThrownBy(() -> IceSettings.builder().bindAddress("media.example.org"))
                .hasMessageContaining("literal");
        assertThatThrownBy(() -> IceSettings.builder().bindAddress("2001:db8::5").build())
                .hasMessageContaining("useIpv6");
        assertThatThrownBy(() -> IceSettings.builder().bindAddress("10.0.0.5").advertisedAddress("2001:db8::7")
                .useIpv6(true).build()).hasMessageContaining("family");
        assertThatThrownBy(() -> IceSettings.builder().bindAddress("10.0.0.5")
                .consentDisconnectedAfter(Duration.ofSeconds(5)).build()).hasMessageContaining("1.2 times");
        assertThatThrownBy(() -> IceSettings.builder().bindAddress("10.0.0.5")
                .consentTimeout(Duration.ofSeconds(8)).build()).hasMessageContaining("consentTimeout");
        assertThatThrownBy(() -> IceSettings.builder().bindAddress("10.0.0.5").sockets(-1).build())
                .hasMessageContaining("sockets");
    }

    @Test
    void portsWithDifferentSettingsCoexistInOneJvm() throws IOException {
        // Nothing is JVM-wide any more: two ports with other intervals and buffers open side by side.
        try (SharedUdpPort a = SharedUdpPort.open(IceSettings.loopback());
                SharedUdpPort b = SharedUdpPort.open(IceSettings.loopback().toBuilder()
                        .consentInterval(Duration.ofSeconds(2)).receiveBufferSize(1 << 18).build())) {
            assertThat(a.port()).isPositive().isNotEqualTo(b.port());
            assertThat(a.advertisedAddresses()).containsExactly(a.localAddress());
            assertThat(b.settings().consentInterval()).isEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void anAdvertisedAddressIsOfferedAsServerReflexive() throws IOException {
        IceSettings settings = IceSettings.loopback().toBuilder().advertisedAddress("203.0.113.7").build();
        try (SharedUdpPort port = SharedUdpPort.open(settings)) {
            IceSession session = IceSession.create(port, false, "advertised");
            int n = port.port();
            assertThat(port.advertisedAddresses()).first().hasToString("/203.0.113.7:" + n);
            assertThat(session.localCandidates()).extracting(c -> c.type() + " " + c.ip() + " " + c.port() + " "
                    + c.relAddr() + " " + c.relPort())
                    .contains("HOST 127.0.0.1 " + n + " null 0", "SRFLX 203.0.113.7 " + n + " 127.0.0.1 " + n);
        }
    }

    @Test
    void defaultRouteAddressIsAConcreteAddressIfAny() {
        IceSettings.defaultRouteAddress().ifPresent(a -> assertThat(a.isAnyLocalAddress()).isFalse());
    }
}
