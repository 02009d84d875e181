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

    /** The UDP port the gateway started by {@link #start} receives media on. */
    public static int mediaPort(AutoCloseable gateway) {
        return ((GatewayFixture) gateway).gateway().mediaPort();
    }

    /** How often the gateway's component stream had to be opened again since start. */
    public static long reconnectAttempts(AutoCloseable gateway) {
        return ((GatewayFixture) gateway).gateway().reconnectAttempts();
    }
}
