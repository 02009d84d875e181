package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.chorus.config.ConfigLoader;
import org.chorus.media.ice.IceSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The media port's sockets, receive buffer and forwarding threads, from the configuration. */
class GatewayMediaConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String media, Map<String, String> env) throws Exception {
        Path file = dir.resolve("chorus.conf");
        Files.writeString(file, """
                chorus {
                  xmpp { secret = "s" }
                  media { bind-address = "127.0.0.1", allow-loopback = true %s }
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
        GatewayConfig config = load(", sockets = 3, receive-buffer = 8 MiB",
                Map.of("CHORUS_MEDIA_FORWARDING_THREADS", "5"));
        assertThat(config.mediaSockets()).isEqualTo(3);
        assertThat(config.forwardingThreads()).isEqualTo(5);
        assertThat(config.iceSettings().sockets()).isEqualTo(3);
        assertThat(config.iceSettings().receiveBufferSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(load(", receive-buffer = 0", Map.of()).iceSettings().receiveBufferSize()).isZero();
    }

    @Test
    void negativeOrAbsurdValuesAreRefused() {
        assertThatThrownBy(() -> load(", sockets = -1", Map.of())).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("chorus.media.sockets");
        assertThatThrownBy(() -> load(", forwarding-threads = 100000", Map.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("chorus.media.forwarding-threads");
        assertThatThrownBy(() -> load(", receive-buffer = 3 GiB", Map.of()))
                .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("chorus.media.receive-buffer");
    }
}
