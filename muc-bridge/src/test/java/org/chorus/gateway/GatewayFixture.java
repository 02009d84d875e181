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
        Path file = configFile(server, rooms, overrides);
        return GatewayConfig.from(ConfigLoader.forRoot("chorus").load(file, Map.of()));
    }

    /** The settings {@link #config} reads, written to a new file in the server's work directory. */
    static Path configFile(ProsodyServer server, List<String> rooms, Map<String, Object> overrides) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("chorus.xmpp.host", server.host());
        values.put("chorus.xmpp.port", server.componentPort());
        values.put("chorus.xmpp.domain", server.componentDomain());
        values.put("chorus.xmpp.secret", server.componentSecret());
        values.put("chorus.xmpp.reconnect.initial-delay", "200ms");
        values.put("chorus.xmpp.reconnect.max-delay", "2s");
        values.put("chorus.muc.service", server.mucDomain());
        values.put("chorus.muc.rooms", rooms);
        values.put("chorus.muc.missing-room-retry", "1s");
        values.put("chorus.media.port", 0);
        values.put("chorus.media.bind-address", "127.0.0.1");
        values.put("chorus.media.allow-loopback", true);
        values.put("chorus.media.consent-interval", "1s");
        // the test clients in this JVM open their ports with IceSettings.loopback(), and ice4j takes
        // the receive buffer size once per JVM: keep the system's default, as they do
        values.put("chorus.media.receive-buffer", 0);
        values.put("chorus.data-dir", server.workDir().resolve("gateway").toString());
        values.putAll(overrides);
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        try {
            Path file = Files.createTempFile(server.workDir(), "gateway", ".conf");
            Files.writeString(file, c.root().render());
            return file;
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
