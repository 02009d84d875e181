package org.chorus.gateway;

import java.util.List;
import java.util.Map;
import org.chorus.testing.ProsodyServer;

/** Lets tests in other packages start a real gateway on a test Prosody. */
public final class GatewayTestAccess {
    private GatewayTestAccess() {}

    public static AutoCloseable start(ProsodyServer server, List<String> rooms) throws Exception {
        return GatewayFixture.start(server, rooms, Map.of());
    }

    public static AutoCloseable start(ProsodyServer server, List<String> rooms, Map<String, Object> overrides)
            throws Exception {
        return GatewayFixture.start(server, rooms, overrides);
    }
}
