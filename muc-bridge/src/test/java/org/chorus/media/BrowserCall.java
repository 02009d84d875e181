package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;

/**
 * What the browser end-to-end tests share: the real gateway and a room owner on the test's Prosody,
 * and a call of headless Chromium pages through {@code run-call.mjs} ({@link BrowserDriver}), one
 * page per new account, all members of a new members-only room. Node, npm and Chromium are
 * required: a machine without them fails the test ({@code bash config/run-tests.sh} installs them).
 */
final class BrowserCall implements AutoCloseable {
    private static final Path BROWSER_DIR = Path.of(System.getProperty("basedir", ".")).resolve("src/test/browser");
    /** How long the driver gives the pages; it is itself given 45 s more. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final ProsodyServer server;
    private final XmppTestClient owner;
    private final AutoCloseable gateway;

    private BrowserCall(ProsodyServer server, XmppTestClient owner, AutoCloseable gateway) {
        this.server = server;
        this.owner = owner;
        this.gateway = gateway;
    }

    /** Connects the room owner and starts the gateway. */
    static BrowserCall start(ProsodyServer server) throws Exception {
        XmppTestClient owner = XmppTestClient.connectNewUser(server, "owner");
        try {
            return new BrowserCall(server, owner, GatewayTestAccess.start(server, List.of()));
        } catch (Exception | Error e) {
            owner.close();
            throw e;
        }
    }

    /** New accounts for these nicks, in order, made the members of a new members-only room. */
    List<ProsodyServer.Account> members(String room, List<String> nicks) throws Exception {
        List<ProsodyServer.Account> accounts = nicks.stream().map(server::newUser).toList();
        owner.createMembersOnlyRoom(room, "owner", XmppTestClient.bareJids(accounts.toArray(ProsodyServer.Account[]::new)));
        return accounts;
    }

    /**
     * Runs the pages of these members in the room and returns the driver's result; {@code options}
     * are the driver's own ({@code --min-frames}, {@code --close-connection}, ...).
     */
    Config run(String room, List<String> nicks, List<ProsodyServer.Account> accounts, List<String> options)
            throws Exception {
        String node = BrowserDriver.requireExecutable("node");
        assertThat(Path.of(BrowserDriver.CHROMIUM)).as("Debian's chromium (apt-get install chromium)").isExecutable();
        BrowserDriver.installDependencies(BROWSER_DIR);
        List<String> command = new ArrayList<>(List.of(node, "run-call.mjs",
                "--ws", server.websocketUrl(),
                "--room", room + "@" + server.mucDomain(),
                "--conference", room + "@" + server.componentDomain(),
                "--chromium", BrowserDriver.CHROMIUM,
                "--timeout", Long.toString(CALL_TIMEOUT.toSeconds())));
        command.addAll(options);
        for (int i = 0; i < nicks.size(); i++) {
            ProsodyServer.Account a = accounts.get(i);
            command.addAll(List.of("--participant", nicks.get(i) + "," + a.jid() + "," + a.password()));
        }
        return BrowserDriver.run(BROWSER_DIR, command, CALL_TIMEOUT.plusSeconds(45));
    }

    @Override
    public void close() throws Exception {
        try {
            gateway.close();
        } finally {
            owner.close();
        }
    }
}
