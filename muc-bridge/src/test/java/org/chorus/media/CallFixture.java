package org.chorus.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an end-to-end call test opens on its test Prosody, closed for it: one loopback media stack
 * for the whole test class (closed when the class is done), and the gateways, rooms and clients of
 * each test, closed after the test, the newest first. Registered on an instance field, which the
 * test's constructor sets:
 *
 * <pre>{@code
 * @RegisterExtension
 * final CallFixture calls;
 *
 * MyEndToEndTest(ProsodyServer server) {
 *     calls = new CallFixture(server);
 * }
 * }</pre>
 */
final class CallFixture implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CallFixture.class);

    private final ProsodyServer server;
    private final List<AutoCloseable> open = new ArrayList<>();
    private ClientMedia media;
    private AtomicInteger numbers;

    CallFixture(ProsodyServer server) {
        this.server = server;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ExtensionContext.Store testClass = context.getParent().orElseThrow().getStore(NAMESPACE);
        media = testClass.getOrComputeIfAbsent(ClientMedia.class, key -> loopback(), ClientMedia.class);
        numbers = testClass.getOrComputeIfAbsent(AtomicInteger.class, key -> new AtomicInteger(), AtomicInteger.class);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (failure != null) {
            throw failure;
        }
    }

    ProsodyServer server() {
        return server;
    }

    /** The loopback media stack the test class shares. */
    ClientMedia media() {
        return media;
    }

    /** A number no other test of the class got, for names that must differ from test to test. */
    int nextNumber() {
        return numbers.incrementAndGet();
    }

    /** Closes {@code closeable} after the test, before what was added earlier. */
    <T extends AutoCloseable> T add(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /** Starts a gateway that is bound to no room, with default settings. */
    AutoCloseable gateway() throws Exception {
        return gateway(List.of(), Map.of());
    }

    /** Starts a gateway that is bound to no room, with {@code overrides} of its settings. */
    AutoCloseable gateway(Map<String, Object> overrides) throws Exception {
        return gateway(List.of(), overrides);
    }

    /** Starts a gateway bound to {@code rooms}, with {@code overrides} of its settings. */
    AutoCloseable gateway(List<String> rooms, Map<String, Object> overrides) throws Exception {
        return add(GatewayTestAccess.start(server, rooms, overrides));
    }

    /** A members-only room whose members {@code nicks} send {@link MediaParticipant.Video#SMALL} video. */
    TestRoom room(String name, String... nicks) throws Exception {
        return room(MediaParticipant.Video.SMALL, name, nicks);
    }

    /** A members-only room whose members {@code nicks} send {@code video}. */
    TestRoom room(MediaParticipant.Video video, String name, String... nicks) throws Exception {
        return add(TestRoom.create(server, media, video, name, nicks));
    }

    /** A new account's client, in no room. */
    XmppTestClient client(String name) {
        return add(XmppTestClient.connectNewUser(server, name));
    }

    private static ClientMedia loopback() {
        try {
            return ClientMedia.loopback();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
