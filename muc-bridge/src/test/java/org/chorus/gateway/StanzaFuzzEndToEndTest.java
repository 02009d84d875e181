package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chorus.component.ConnectionState;
import org.chorus.gateway.StanzaFuzzer.Sender;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mutated stanzas from a member in the room, a member outside it and a stranger, through a real
 * Prosody to the real gateway. The default size suits CI; the profile of issue 8 is
 * {@code -Dfuzz.stanzas=20000}. Every run prints its seed; {@code -Dfuzz.seed=S -Dfuzz.from=N
 * -Dfuzz.stanzas=1} sends case N of that run again on its own.
 *
 * <p>Invariants: every IQ request is answered within the request timeout; the gateway logs no error;
 * its component stream never drops; it answers a ping within 200 ms afterwards; its threads and its
 * live heap (after a full GC) return to their baseline.
 */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StanzaFuzzEndToEndTest {
    private static final int STANZAS = Integer.getInteger("fuzz.stanzas", 3000);
    private static final long FROM = Long.getLong("fuzz.from", 0);
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int WINDOW = Integer.getInteger("fuzz.window", 24);
    private static final Duration ANSWER = XmppTestClient.REPLY_TIMEOUT;
    private static final long HEAP_SLACK = 24L << 20;
    private static final int THREAD_SLACK = 4;
    private static final String ROOM = "fuzz";
    /** Cases this big may pass Prosody's c2s stanza size limit (256 KiB) and end the sender's stream. */
    private static final int SERVER_STANZA_LIMIT = 100_000;
    private static final boolean HISTOGRAM = Boolean.getBoolean("fuzz.histogram");

    private final ProsodyServer server;
    private final Map<Sender, ProsodyServer.Account> accounts = new EnumMap<>(Sender.class);
    private final Map<Sender, RawXmppClient> clients = new EnumMap<>(Sender.class);
    private GatewayLogCapture errors;
    private final Map<String, Integer> cutReasons = new java.util.TreeMap<>();
    private XmppTestClient owner;
    private GatewayFixture gateway;

    StanzaFuzzEndToEndTest(ProsodyServer server) {
        this.server = server;
    }

    @BeforeAll
    void setUp() throws Exception {
        for (Sender s : Sender.values()) {
            accounts.put(s, server.newUser(s.name().toLowerCase().replace('_', '-')));
        }
        owner = XmppTestClient.connectNewUser(server, "owner");
        owner.createMembersOnlyRoom(ROOM, "owner", XmppTestClient.bareJids(
                accounts.get(Sender.MEMBER_IN_ROOM), accounts.get(Sender.MEMBER_OUTSIDE)));
        errors = GatewayLogCapture.attach();
        gateway = GatewayFixture.start(server, List.of(ROOM));
        for (Sender s : Sender.values()) {
            connect(s);
        }
        String conference = ROOM + "@" + server.componentDomain();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String id = RawXmppClient.newId("ready");
            RawXmppClient.Reply r = clients.get(Sender.MEMBER_IN_ROOM).requestAndWait(id, "<iq type='get' id='" + id
                    + "' to='" + conference + "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>", ANSWER);
            return "result".equals(r.type());
        });
    }

    @AfterAll
    void tearDown() {
        clients.values().forEach(RawXmppClient::close);
        if (owner != null) {
            owner.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (errors != null) {
            errors.detach();
        }
    }

    private RawXmppClient connect(Sender s) {
        ProsodyServer.Account a = accounts.get(s);
        String resource = s == Sender.STRANGER ? "fuzz\uD83D\uDE00" : "fuzz";
        RawXmppClient c = RawXmppClient.connect(server.host(), server.c2sPort(), server.domain(), a.username(), a.password(), resource);
        if (s == Sender.MEMBER_IN_ROOM) {
            c.send("<presence to='" + ROOM + "@" + server.mucDomain() + "/" + a.username() + "'>"
                    + "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
        }
        clients.put(s, c);
        return c;
    }

    private RawXmppClient client(Sender s) {
        RawXmppClient c = clients.get(s);
        if (!c.isOpen()) {
            cutReasons.merge(c.closeReason(), 1, Integer::sum);
            c.close();
            c = connect(s);
        }
        return c;
    }

    @Test
    void mutatedStanzasAreAnsweredAndHarmless() throws Exception {
        System.out.printf("Stanza fuzz: seed %d, cases %d..%d (replay one: -Dfuzz.seed=%d -Dfuzz.from=N -Dfuzz.stanzas=1)%n",
                SEED, FROM, FROM + STANZAS - 1, SEED);
        StanzaFuzzer fuzzer = new StanzaFuzzer(SEED, server.componentDomain(), server.mucDomain(), ROOM);
        long reconnectsBefore = gateway.gateway().reconnectAttempts();
        Baseline before = Baseline.take();
        Map<String, long[]> histogramBefore = HISTOGRAM ? histogram() : Map.of();
        System.out.printf("Baseline: %d threads, %.1f MB live heap%n", before.threads, before.heap / 1048576.0);

        Semaphore window = new Semaphore(WINDOW);
        ConcurrentLinkedQueue<String> unanswered = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger senderCut = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        int streamsCut = 0;
        long started = System.nanoTime();
        for (long n = FROM; n < FROM + STANZAS; n++) {
            StanzaFuzzer.Case c = fuzzer.make(n);
            boolean mayEndStream = c.wire() != null || c.bytes().length > SERVER_STANZA_LIMIT;
            if (mayEndStream) {
                // the server will end the sender's stream: let the requests in flight finish first
                window.acquire(WINDOW);
                window.release(WINDOW);
            }
            RawXmppClient sender = client(c.sender());
            if (!c.expectsAnswer()) {
                try {
                    sender.sendBytes(c.bytes());
                } catch (IllegalStateException e) {
                    // the server ended this sender's stream; the next case reconnects it
                }
                if (c.wire() != null) {
                    streamsCut++;
                    await().atMost(ANSWER).until(() -> !sender.isOpen());
                }
                continue;
            }
            window.acquire();
            requests.incrementAndGet();
            CompletableFuture<RawXmppClient.Reply> reply = sender.request(c.id(), c.xml());
            reply.orTimeout(ANSWER.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, failure) -> {
                window.release();
                if (failure == null) {
                    answered.incrementAndGet();
                } else if (failure instanceof java.util.concurrent.TimeoutException) {
                    sender.forget(c.id());
                    unanswered.add("case " + c.number() + " from " + c.sender() + ": " + c.summary(300));
                } else {
                    senderCut.incrementAndGet(); // the server ended the sender's stream (its own limits)
                }
            });
            if (mayEndStream) {
                reply.handle((r, failure) -> null).get(ANSWER.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
        }
        window.acquire(WINDOW);
        window.release(WINDOW);
        double seconds = (System.nanoTime() - started) / 1e9;

        long heapInUse = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long pingMillis = pingMillis();
        leaveAndRejoin();
        Baseline after = awaitBaseline(before);
        System.out.printf("Stanza fuzz: %d cases (%d IQ requests: %d answered, %d unanswered, %d cut with the sender's"
                        + " stream; %d deliberately malformed) in %.1f s; ping %d ms; threads %d -> %d; live heap %.1f -> %.1f MB"
                        + " (%.1f MB in use before the GC); component reconnects %d; gateway errors logged %d%n",
                STANZAS, requests.get(), answered.get(), unanswered.size(), senderCut.get(), streamsCut, seconds, pingMillis,
                before.threads, after.threads, before.heap / 1048576.0, after.heap / 1048576.0, heapInUse / 1048576.0,
                gateway.gateway().reconnectAttempts() - reconnectsBefore, errors.events().size());
        if (HISTOGRAM) {
            printGrowth(histogramBefore, histogram());
        }
        cutReasons.forEach((why, count) -> System.out.println("Sender streams ended by the server: " + count + " x " + why));
        errors.events().forEach(e -> System.out.println("Gateway error: " + e));
        unanswered.stream().limit(20).forEach(u -> System.out.println("Unanswered: " + u));

        assertThat(unanswered).as("IQ requests left unanswered for %s (seed %d)", ANSWER, SEED).isEmpty();
        assertThat(gateway.gateway().reconnectAttempts() - reconnectsBefore).as("component stream reconnects").isZero();
        assertThat(gateway.gateway().connectionState()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(errors.events()).as("errors the gateway logged (seed %d)", SEED).isEmpty();
        assertThat(pingMillis).as("ping round trip after the run, ms").isLessThan(200);
        assertThat(after.threads).as("threads after the run").isLessThanOrEqualTo(before.threads + THREAD_SLACK);
        assertThat(after.heap).as("live heap after the run").isLessThanOrEqualTo(before.heap + HEAP_SLACK);
    }

    /** The room's member leaves and comes back, which ends any call the fuzz started in its name. */
    private void leaveAndRejoin() {
        RawXmppClient member = client(Sender.MEMBER_IN_ROOM);
        String occupant = ROOM + "@" + server.mucDomain() + "/" + accounts.get(Sender.MEMBER_IN_ROOM).username();
        member.send("<presence type='unavailable' to='" + occupant + "'/>");
        member.send("<presence to='" + occupant + "'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
    }

    private long pingMillis() {
        RawXmppClient c = client(Sender.STRANGER);
        String warm = RawXmppClient.newId("warm");
        c.requestAndWait(warm, ping(warm), ANSWER);
        String id = RawXmppClient.newId("ping");
        long t0 = System.nanoTime();
        RawXmppClient.Reply pong = c.requestAndWait(id, ping(id), ANSWER);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(pong.type()).as("ping after the run").isEqualTo("result");
        return millis;
    }

    private String ping(String id) {
        return "<iq type='get' id='" + id + "' to='" + server.componentDomain() + "'><ping xmlns='urn:xmpp:ping'/></iq>";
    }

    private static Baseline awaitBaseline(Baseline before) {
        Baseline[] last = {Baseline.take()};
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                last[0] = Baseline.take();
                return last[0].threads <= before.threads + THREAD_SLACK && last[0].heap <= before.heap + HEAP_SLACK;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported by the assertions with the last figures
        }
        return last[0];
    }

    /** Live objects per class (bytes, instances), after a full GC: what jcmd GC.class_histogram shows. */
    private static Map<String, long[]> histogram() {
        try {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Map<String, long[]> classes = new java.util.HashMap<>();
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    classes.put(f[3], new long[] {Long.parseLong(f[2]), Long.parseLong(f[1])});
                }
            }
            return classes;
        } catch (Exception e) {
            throw new IllegalStateException("class histogram", e);
        }
    }

    private static void printGrowth(Map<String, long[]> before, Map<String, long[]> after) {
        printGrowth(before, after, "");
        printGrowth(before, after, "org.chorus.");
    }

    private static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, String prefix) {
        after.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .sorted((a, b) -> Long.compare(b.getValue()[0] - before.getOrDefault(b.getKey(), new long[2])[0],
                        a.getValue()[0] - before.getOrDefault(a.getKey(), new long[2])[0]))
                .limit(prefix.isEmpty() ? 15 : 8)
                .forEach(e -> {
                    long[] was = before.getOrDefault(e.getKey(), new long[2]);
                    System.out.printf("Live heap growth: %+,d bytes %+,d instances %s%n",
                            e.getValue()[0] - was[0], e.getValue()[1] - was[1], e.getKey());
                });
    }

    /** Threads and live heap of this JVM, which hosts the gateway. */
    private record Baseline(int threads, long heap) {
        static Baseline take() {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            return new Baseline(ManagementFactory.getThreadMXBean().getThreadCount(),
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
    }
}
