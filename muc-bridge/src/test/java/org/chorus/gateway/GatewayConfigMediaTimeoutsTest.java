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

/** {@code chorus.media.consent-timeout} and {@code connect-timeout} reach the ICE settings of the media port. */
class GatewayConfigMediaTimeoutsTest {
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
