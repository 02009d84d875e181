package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.chorus.config.ConfigLoader;
import org.chorus.media.ice.IceSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The media settings, from the configuration: the media port's sockets, receive buffer and
 * forwarding threads, and {@code chorus.media.consent-timeout} and {@code connect-timeout} as they
 * reach the ICE settings of the media port.
 */
class GatewayMediaConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String media, Map<String, String> env) throws Exception {
        Path file = dir.resolve("chorus.conf");
        Files.writeString(file, """
                chorus {
                  xmpp { domain = "av.example.org", secret = "s3cret" }
                  muc { service = "conference.example.org" }
                  media { bind-address = "127.0.0.1", allow-loopback = true, %s }
                }
                """.formatted(media));
        return GatewayConfig.from(ConfigLoader.forRoot("chorus").load(file, env));
    }

    @Test
    void defaultsAreOnePerProcessorAndFourMebibytes() throws Exception {
        GatewayConfig config = load("", Map.of());
        assertThat(config.mediaSockets()).isZero();
        assertThat(config.forwardingThreads()).isZero();
        assertThat(config.mediaReceiveBuffer()).isEqualTo(4 * 1024 * 1024);
        IceSettings ice = config.iceSettings();
        assertThat(ice.sockets()).isZero();
        assertThat(ice.receiveBufferSize()).isEqualTo(4 * 1024 * 1024);
    }

    @Test
    void theFileAndTheEnvironmentSetThem() throws Exception {
        GatewayConfig config = load("sockets = 3, receive-buffer = 8 MiB",
                Map.of("CHORUS_MEDIA_FORWARDING_THREADS", "5"));
        assertThat(config.mediaSockets()).isEqualTo(3);
        assertThat(config.forwardingThreads()).isEqualTo(5);
        assertThat(config.iceSettings().sockets()).isEqualTo(3);
        assertThat(config.iceSettings().receiveBufferSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(load("receive-buffer = 0", Map.of()).iceSettings().receiveBufferSize()).isZero();
    }

    @Test
    void negativeOrAbsurdValuesAreRefused() {
        assertThatThrownBy(() -> load("sockets = -1", Map.of())).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("chorus.media.sockets");
        assertThatThrownBy(() -> load("forwarding-threads = 100000", Map.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("chorus.media.forwarding-threads");
        assertThatThrownBy(() -> load("receive-buffer = 3 GiB", Map.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("chorus.media.receive-buffer");
    }

    @Test
    void theDefaultsAreThirtySeconds() throws Exception {
        GatewayConfig config = load("", Map.of());
        IceSettings ice = config.iceSettings();
        assertThat(config.consentTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.mediaConnectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ice.consentTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ice.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ice.consentDisconnectedAfter()).isEqualTo(IceSettings.DEFAULT_CONSENT_DISCONNECTED_AFTER);
    }

    @Test
    void shortTimeoutsReachTheIceSettings() throws Exception {
        IceSettings ice = load("consent-interval = 1s, consent-timeout = 4s, connect-timeout = 6s", Map.of()).iceSettings();
        assertThat(ice.consentTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(ice.consentDisconnectedAfter()).as("never later than the timeout").isEqualTo(Duration.ofSeconds(4));
        assertThat(ice.connectTimeout()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void theEnvironmentSetsThem() throws Exception {
        IceSettings ice = load("", Map.of("CHORUS_MEDIA_CONSENT_TIMEOUT", "12s", "CHORUS_MEDIA_CONNECT_TIMEOUT", "9s"))
                .iceSettings();
        assertThat(ice.consentTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(ice.connectTimeout()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void aConsentTimeoutWithinOneConsentGapIsRefused() {
        assertThatThrownBy(() -> load("consent-interval = 5s, consent-timeout = 6s", Map.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("chorus.media.consent-timeout");
        assertThatThrownBy(() -> load("connect-timeout = 0s", Map.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("chorus.media.connect-timeout");
    }
}
