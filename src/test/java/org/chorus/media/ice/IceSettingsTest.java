package org.chorus.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IceSettingsTest {

    @Test
    void loopbackSettingsMapToIce4jProperties() {
        assertThat(IceSettings.loopback().ice4jProperties()).containsExactly(
                entry("ice4j.consent-freshness.interval", "1000ms"),
                entry("ice4j.harvest.allowed-addresses.0", "127.0.0.1"),
                entry("ice4j.harvest.mapping.aws.enabled", "false"),
                entry("ice4j.harvest.udp.use-dynamic-ports", "false"),
                entry("ice4j.harvest.use-ipv6", "false"),
                entry("ice4j.ice.termination-delay", "1000 days"));
    }

    @Test
    void anAdvertisedAddressBecomesAStaticMapping() {
        IceSettings s = IceSettings.builder()
                .bindAddress("10.0.0.5")
                .port(10000)
                .advertisedAddress("203.0.113.7")
                .allowLoopback(true)
                .sendSocketPoolSize(4)
                .receiveBufferSize(1 << 20)
                .build();
        assertThat(s.ice4jProperties())
                .containsEntry("ice4j.harvest.allowed-addresses.0", "10.0.0.5")
                .containsEntry("ice4j.harvest.allowed-addresses.1", "127.0.0.1")
                .containsEntry("ice4j.harvest.mapping.static-mappings.0.local-address", "10.0.0.5")
                .containsEntry("ice4j.harvest.mapping.static-mappings.0.public-address", "203.0.113.7")
                .containsEntry("ice4j.harvest.udp.socket-pool-size", "4")
                .containsEntry("ice4j.harvest.udp.receive-buffer-size", "1048576")
                .containsEntry("ice4j.consent-freshness.interval", "5000ms");
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.consentTimeout()).isEqualTo(Duration.ofSeconds(30));
        // An empty advertised address, the configuration's default, means none.
        assertThat(s.toBuilder().advertisedAddress("").build().advertisedAddress()).isNull();
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
    }

    @Test
    void applyingIsIdempotentAndRefusesChanges() throws IOException {
        IceSettings loopback = IceSettings.loopback();
        try (SharedUdpPort port = SharedUdpPort.open(loopback)) { // applies them, if nothing did before
            assertThat(port.port()).isPositive();
            assertThat(port.advertisedAddresses()).containsExactly(port.localAddress());
        }
        assertThat(IceSettings.isApplied()).isTrue();
        IceSettings.applyBeforeIce4jLoads(loopback);
        // The port and the session timers are not ice4j's business: they may differ.
        IceSettings.applyBeforeIce4jLoads(loopback.toBuilder().port(40000).connectTimeout(Duration.ofSeconds(5))
                .build());
        assertThatThrownBy(() -> IceSettings.applyBeforeIce4jLoads(
                loopback.toBuilder().consentInterval(Duration.ofSeconds(2)).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already configured");
    }

    @Test
    void anAdvertisedAddressIsOfferedAsServerReflexive() throws Exception {
        List<String> out = runProbe("advertised");
        String port = out.stream().filter(l -> l.startsWith("PORT ")).findFirst().orElseThrow().substring(5);
        assertThat(out).contains(
                "CANDIDATE HOST 127.0.0.1 " + port + " null 0",
                "CANDIDATE SRFLX 203.0.113.7 " + port + " 127.0.0.1 " + port);
        assertThat(out).anySatisfy(l -> assertThat(l).startsWith("ADVERTISED [/203.0.113.7:" + port));
    }

    @Test
    void settingsAppliedTooLateAreDetected() throws Exception {
        assertThat(runProbe("too-late")).anySatisfy(l -> assertThat(l)
                .startsWith("DETECTED ice4j read its configuration before")
                .contains("ice4j.harvest.use-ipv6 is true"));
    }

    @Test
    void defaultRouteAddressIsAConcreteAddressIfAny() {
        IceSettings.defaultRouteAddress().ifPresent(a -> assertThat(a.isAnyLocalAddress()).isFalse());
    }

    private static Map.Entry<String, String> entry(String k, String v) {
        return Map.entry(k, v);
    }

    /** Runs {@link Ice4jProbe} in a fresh JVM with this test's class path; returns its output lines. */
    private static List<String> runProbe(String mode) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Ice4jProbe.class.getName(), mode)
                .redirectErrorStream(true)
                .start();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(buffer);
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        pump.start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        pump.join(5000);
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(done).as("probe finished; output:%n%s", output).isTrue();
        assertThat(p.exitValue()).as("probe exit code; output:%n%s", output).isZero();
        return output.lines().toList();
    }
}
