package org.chorus.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.chorus.media.ice.IceSession.State;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.ice.harvest.HarvestConfig;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IceAgent} against a real ice4j {@link Agent} over loopback, in both roles, consent checks
 * included both ways. The ice4j agent has one candidate, from a single-port harvester on
 * 127.0.0.1; our agent runs on its own socket, driven by a small loop that does what the media port
 * does (hand it STUN, tick it at its deadlines).
 */
class IceAgentIce4jInteropTest {

    private static final String OUR_UFRAG = "ours";
    private static final String OUR_PASSWORD = "our-password-0123456789";

    private static SinglePortUdpHarvester harvester;

    @BeforeAll
    static void configureIce4j() throws IOException {
        // ice4j reads these once, when its configuration first loads. The values are those the
        // gateway's loopback settings used for ice4j, so whichever test configures ice4j first in
        // this JVM, the other finds what it expects.
        Map<String, String> wanted = Map.of(
                "ice4j.harvest.mapping.aws.enabled", "false", // never probe a cloud metadata address
                "ice4j.harvest.use-ipv6", "false",
                "ice4j.harvest.udp.use-dynamic-ports", "false",
                "ice4j.harvest.allowed-addresses.0", "127.0.0.1",
                "ice4j.consent-freshness.interval", "1000ms",
                "ice4j.ice.termination-delay", "1000 days");
        wanted.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        ConfigFactory.invalidateCaches();
        assertThat(HarvestConfig.config.enableAwsHarvester()).as("ice4j read its configuration earlier").isFalse();
        AbstractUdpListener.USE_PUSH_API = true;
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        harvester = new SinglePortUdpHarvester(new TransportAddress("127.0.0.1", port, Transport.UDP));
    }

    @AfterAll
    static void closeHarvester() {
        if (harvester != null) {
            harvester.close();
        }
    }

    @ParameterizedTest(name = "our agent controlling={0}")
    @ValueSource(booleans = {true, false})
    void connectsAndKeepsConsentWithIce4j(boolean ourAgentControlling) throws Exception {
        Agent ice4j = new Agent();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            ice4j.setControlling(!ourAgentControlling);
            ice4j.setUseDynamicPorts(false);
            ice4j.setPerformConsentFreshness(true);
            ice4j.addCandidateHarvester(harvester);
            IceMediaStream stream = ice4j.createMediaStream("bundle");
            Component component = ice4j.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
            component.setBufferCallback(buffer -> { }); // no media in this test
            InetSocketAddress ice4jAddress = harvester.getLocalAddress();

            InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
            AtomicReference<State> state = new AtomicReference<>(State.NEW);
            List<String> changes = new CopyOnWriteArrayList<>();
            AtomicInteger requestsSent = new AtomicInteger();
            IceAgent.Wire wire = (buffer, offset, length, to) -> {
                if (buffer[offset] == 0 && buffer[offset + 1] == 1) {
                    requestsSent.incrementAndGet();
                }
                try {
                    socket.send(new DatagramPacket(buffer, offset, length, to));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            IceAgent agent = new IceAgent(new IceAgent.Config(ourAgentControlling, OUR_UFRAG, OUR_PASSWORD,
                    List.of(local), Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofMillis(1500),
                    Duration.ofSeconds(5)), wire, (from, to) -> {
                        state.set(to);
                        changes.add(from + "->" + to);
                    }, new SplittableRandom(3));

            agent.setRemoteCredentials(ice4j.getLocalUfrag(), ice4j.getLocalPassword());
            for (LocalCandidate c : component.getLocalCandidates()) {
                agent.addRemoteCandidate(c.getTransportAddress(), c.getPriority());
            }
            stream.setRemoteUfrag(OUR_UFRAG);
            stream.setRemotePassword(OUR_PASSWORD);
            component.addRemoteCandidate(new RemoteCandidate(new TransportAddress(local, Transport.UDP), component,
                    CandidateType.HOST_CANDIDATE, "1", IceAgent.HOST_PRIORITY, null));
            ice4j.startConnectivityEstablishment();

            Driver driver = new Driver(socket, agent);
            driver.start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> state.get() == State.CONNECTED
                        && ice4j.getState() == IceProcessingState.COMPLETED);
                int sent = requestsSent.get();
                int received = driver.requestsReceived.get();
                // a few of our consent checks answered by ice4j, a few of ice4j's answered by us
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> requestsSent.get() >= sent + 6 && driver.requestsReceived.get() >= received + 3);
                assertThat(state.get()).isEqualTo(State.CONNECTED);
                assertThat(ice4j.getState()).isEqualTo(IceProcessingState.COMPLETED);
            } finally {
                driver.stop();
                ice4j.free();
            }
            assertThat(driver.failure.get()).isNull();
            assertThat(changes).containsExactly("NEW->CHECKING", "CHECKING->CONNECTED");
            assertThat(agent.selectedRemote()).isEqualTo(ice4jAddress);
            CandidatePair selected = component.getSelectedPair();
            assertThat(selected).isNotNull();
            assertThat((InetSocketAddress) selected.getRemoteCandidate().getTransportAddress()).isEqualTo(local);
            assertThat(agent.isControlling()).isEqualTo(ourAgentControlling);
        }
    }

    /** What the port does for an agent: reads the socket, hands over STUN, ticks at the deadlines. */
    private static final class Driver {
        private final DatagramSocket socket;
        private final IceAgent agent;
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicInteger requestsReceived = new AtomicInteger();
        private volatile boolean running = true;

        Driver(DatagramSocket socket, IceAgent agent) {
            this.socket = socket;
            this.agent = agent;
            this.thread = new Thread(this::run, "ice-agent-interop");
        }

        void start() {
            agent.start(System.nanoTime());
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        private void run() {
            byte[] buffer = new byte[1500];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            long deadline = agent.tick(System.nanoTime());
            try {
                while (running) {
                    long waitMillis = Math.max(1, Math.min(50, (deadline - System.nanoTime()) / 1_000_000));
                    socket.setSoTimeout((int) waitMillis);
                    try {
                        packet.setLength(buffer.length);
                        socket.receive(packet);
                        if (StunDemux.kind(buffer, 0, packet.getLength()) == StunDemux.Kind.STUN) {
                            if (buffer[0] == 0 && buffer[1] == 1) {
                                requestsReceived.incrementAndGet();
                            }
                            agent.receiveStun(buffer, 0, packet.getLength(),
                                    (InetSocketAddress) packet.getSocketAddress(), System.nanoTime());
                        }
                    } catch (SocketTimeoutException e) {
                        // time to tick
                    }
                    deadline = agent.tick(System.nanoTime());
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }
    }
}
