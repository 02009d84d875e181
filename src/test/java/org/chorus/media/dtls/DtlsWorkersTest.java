package org.chorus.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.chorus.media.DatagramPath;
import org.chorus.media.SecureTransport.FailureReason;
import org.chorus.media.TestCertificates;
import org.chorus.media.srtp.SrtpKeys;
import org.chorus.media.srtp.SrtpProfile;
import org.chorus.media.srtp.SrtpStartup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DTLS endpoints on a shared pool of workers over in-memory paths: many handshakes on a few threads,
 * no thread kept per endpoint afterwards, alerts read on the delivering thread, deadlines.
 */
class DtlsWorkersTest {

    private static final String POOL = "dtls-test-pool";
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private DtlsWorkers workers;
    private MemoryNetwork network;
    private Set<Thread> baseline;
    private final List<Side> sides = new ArrayList<>();

    @BeforeAll
    static void srtpStartup() {
        SrtpStartup.initialize();
    }

    @BeforeEach
    void setUp() {
        workers = new DtlsWorkers(POOL, 4);
        network = new MemoryNetwork();
        baseline = liveThreads();
    }

    @AfterEach
    void tearDown() {
        sides.forEach(side -> side.endpoint.close());
        workers.close();
        network.close();
    }

    @Test
    void fiftyPairsOnAPoolOfFourAllCompleteAndNoThreadOutlivesThem() {
        List<Side[]> pairs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pairs.add(pair(LONG));
        }
        pairs.forEach(pair -> pair[1].endpoint.start());
        pairs.forEach(pair -> pair[0].endpoint.start());

        for (Side[] pair : pairs) {
            waitUntil(() -> pair[0].keys != null && pair[1].keys != null);
            assertThat(pair[0].keys.localKey()).isEqualTo(pair[1].keys.remoteKey());
            assertThat(pair[0].keys.remoteKey()).isEqualTo(pair[1].keys.localKey());
        }
        assertThat(sides).allSatisfy(side -> assertThat(side.failure).isNull());
        // Every handshake ran on one of the pool's workers.
        assertThat(sides.stream().map(side -> side.completedOn).collect(Collectors.toSet()))
                .allSatisfy(name -> assertThat(name).startsWith(POOL + "-"))
                .hasSizeLessThanOrEqualTo(workers.size());
        // No thread was started for an endpoint: the live threads are the ones from before, which
        // include the pool's (all of them, and no more).
        waitUntil(() -> workers.running() == 0 && workers.queued() == 0);
        assertThat(newThreads()).isEmpty();
        assertThat(baseline.stream().filter(t -> t.getName().startsWith(POOL + "-")).count())
                .isEqualTo(workers.threadCount());
    }

    @Test
    void closeNotifyAfterTheHandshakeReachesTheListenerOnTheDeliveringThread() {
        Side[] pair = pair(LONG);
        pair[1].endpoint.start();
        pair[0].endpoint.start();
        waitUntil(() -> pair[0].keys != null && pair[1].keys != null);
        waitUntil(() -> workers.running() == 0);

        pair[0].endpoint.close();

        waitUntil(() -> pair[1].failure != null);
        assertThat(pair[1].failure).isEqualTo(FailureReason.CLOSED_BY_PEER);
        assertThat(pair[1].failedOn).isEqualTo(MemoryNetwork.THREAD_NAME);
        assertThat(pair[0].failure).as("no listener call after close()").isNull();
        assertThat(newThreads()).isEmpty();
    }

    @Test
    void aPeerThatNeverAnswersFailsAtItsDeadlineWhileOthersOnThePoolComplete() {
        // Three clients whose server never answers hold three workers (initiators never take the
        // fourth); a fourth waits in the queue, and a server never hears a ClientHello. Each of them
        // must fail with its own deadline, including the one that never left the queue.
        List<Side> silent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            silent.add(side("silent-client-" + i, network.deadEnd(), DtlsRole.CLIENT, Duration.ofMillis(1500)));
        }
        Side queued = side("queued-client", network.deadEnd(), DtlsRole.CLIENT, Duration.ofMillis(700));
        Side lonelyServer = side("lonely-server", network.deadEnd(), DtlsRole.SERVER, Duration.ofMillis(700));
        silent.forEach(side -> side.endpoint.start());
        waitUntil(() -> workers.running() == 3);
        queued.endpoint.start();
        lonelyServer.endpoint.start();
        List<Side[]> pairs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Side[] pair = pair(LONG);
            pair[1].endpoint.start();
            pair[0].endpoint.start();
            pairs.add(pair);
        }

        waitUntil(() -> queued.failure != null && lonelyServer.failure != null);
        assertThat(queued.failure).isEqualTo(FailureReason.HANDSHAKE_TIMEOUT);
        assertThat(queued.keys).isNull();
        assertThat(lonelyServer.failure).isEqualTo(FailureReason.HANDSHAKE_TIMEOUT);
        assertThat(queued.failedOn).isEqualTo(POOL + "-deadlines");
        for (Side side : silent) {
            waitUntil(() -> side.failure != null);
            assertThat(side.failure).isEqualTo(FailureReason.HANDSHAKE_TIMEOUT);
        }
        for (Side[] pair : pairs) {
            waitUntil(() -> pair[0].keys != null && pair[1].keys != null);
            assertThat(pair[0].failure).isNull();
            assertThat(pair[1].failure).isNull();
        }
    }

    @Test
    void aHandshakeOnAClosedPoolFailsAtOnce() {
        Side[] pair = pair(LONG);
        workers.close();

        pair[0].endpoint.start();

        waitUntil(() -> pair[0].failure != null);
        assertThat(pair[0].failure).isEqualTo(FailureReason.PROTOCOL_ERROR);
        waitUntil(() -> liveThreads().stream().noneMatch(t -> t.getName().startsWith(POOL + "-")));
    }

    // --- helpers --------------------------------------------------------------------------------------

    /** A client (index 0) and a server (index 1) on connected paths that know each other's fingerprints. */
    private Side[] pair(Duration timeout) {
        MemoryNetwork.Path[] paths = network.pair();
        Side client = side("client", paths[0], DtlsRole.CLIENT, timeout);
        Side server = side("server", paths[1], DtlsRole.SERVER, timeout);
        return new Side[] {client, server};
    }

    private Side side(String name, MemoryNetwork.Path path, DtlsRole role, Duration timeout) {
        Side side = new Side(name, path, role, timeout);
        sides.add(side);
        return side;
    }

    private Set<Thread> newThreads() {
        Set<Thread> now = liveThreads();
        now.removeAll(baseline);
        return now;
    }

    private static Set<Thread> liveThreads() {
        Set<Thread> live = ConcurrentHashMap.newKeySet();
        Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).forEach(live::add);
        return live;
    }

    /** Polls on the test's own thread, so that waiting starts no thread of its own. */
    private static void waitUntil(Callable<Boolean> condition) {
        await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(condition);
    }

    /** One endpoint and what its listener heard, and on which thread. */
    private final class Side {
        final String name;
        final DtlsEndpoint endpoint;
        volatile SrtpKeys keys;
        volatile String completedOn;
        volatile FailureReason failure;
        volatile String failedOn;

        Side(String name, DatagramPath path, DtlsRole role, Duration timeout) {
            this.name = name;
            this.endpoint = new DtlsEndpoint(path, workers,
                    role == DtlsRole.CLIENT ? TestCertificates.CLIENT : TestCertificates.SERVER, role,
                    SrtpProfile.DEFAULT_PREFERENCE, timeout, new DtlsEndpoint.Listener() {
                        @Override
                        public void onHandshakeComplete(SrtpKeys result) {
                            completedOn = Thread.currentThread().getName();
                            keys = result;
                        }

                        @Override
                        public void onFailure(FailureReason reason, String detail) {
                            failedOn = Thread.currentThread().getName();
                            failure = reason;
                        }
                    });
            endpoint.setRemoteFingerprint(role == DtlsRole.CLIENT ? TestCertificates.SERVER.localFingerprint()
                    : TestCertificates.CLIENT.localFingerprint());
            path.setReceiver(endpoint::onDatagram);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
