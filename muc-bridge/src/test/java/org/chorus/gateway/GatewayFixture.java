package org.chorus.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.chorus.config.ConfigLoader;
import org.chorus.testing.ProsodyServer;

/** A real gateway, in this JVM, connected to a test Prosody. */
final class GatewayFixture implements AutoCloseable {
    private final Gateway gateway;

    private GatewayFixture(Gateway gateway) {
        this.gateway = gateway;
    }

    static GatewayConfig config(ProsodyServer server, List<String> rooms) {
        return config(server, rooms, Map.of());
    }

    static GatewayConfig config(ProsodyServer server, List<String> rooms, Map<String, Object> overrides) {
        Map<String, Object> values = new java.util.HashMap<>(Map.of(
                "chorus.xmpp.host", server.host(),
                "chorus.xmpp.port", server.componentPort(),
                "chorus.xmpp.domain", server.componentDomain(),
                "chorus.xmpp.secret", server.componentSecret(),
                "chorus.xmpp.reconnect.initial-delay", "200ms",
                "chorus.xmpp.reconnect.max-delay", "2s",
                "chorus.muc.service", server.mucDomain(),
                "chorus.muc.rooms", rooms,
                "chorus.muc.missing-room-retry", "1s",
                "chorus.data-dir", server.workDir().resolve("gateway").toString()));
        values.putAll(overrides);
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        try {
            Path file = Files.createTempFile(server.workDir(), "gateway", ".conf");
            Files.writeString(file, c.root().render());
            return GatewayConfig.from(ConfigLoader.forRoot("chorus").load(file, Map.of()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static GatewayFixture start(ProsodyServer server, List<String> rooms) throws Exception {
        return start(server, rooms, Map.of());
    }

    static GatewayFixture start(ProsodyServer server, List<String> rooms, Map<String, Object> overrides) throws Exception {
        Gateway gateway = new Gateway(config(server, rooms, overrides));
        gateway.start();
        return new GatewayFixture(gateway);
    }

    Gateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gateway.stop();
    }
}
