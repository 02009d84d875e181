package org.chorus.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.chorus.media.ice.IceSession.State;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IceAgent} against a real ice4j agent (an {@link IceSession} on a shared port) over
 * loopback, in both roles: our agent runs on its own socket, driven by a small loop that does what
 * the media port does (hand it STUN, tick it at its deadlines).
 */
class IceAgentIce4jInteropTest {

    private static SharedUdpPort port;

    @BeforeAll
    static void openPort() throws IOException {
        port = SharedUdpPort.open(IceSettings.loopback());
    }

    @AfterAll
    static void closePort() {
        if (port != null) {
            port.close();
        }
    }

    @ParameterizedTest(name = "our agent controlling={0}")
    @ValueSource(booleans = {true, false})
    void connectsAndKeepsConsentWithIce4j(boolean ourAgentControlling) throws Exception {
        IceSession session = IceSession.create(port, !ourAgentControlling, "interop");
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
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
            IceAgent agent = new IceAgent(new IceAgent.Config(ourAgentControlling, "ours", "our-password-0123456789",
                    List.of(local), Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofMillis(1500),
                    Duration.ofSeconds(5)), wire, (from, to) -> {
                        state.set(to);
                        changes.add(from + "->" + to);
                    }, new SplittableRandom(3));

            agent.setRemoteCredentials(session.localUfrag(), session.localPassword());
            for (Candidate c : session.localCandidates()) {
                agent.addRemoteCandidate(new InetSocketAddress(c.ip(), c.port()), c.priority());
            }
            session.setRemoteCredentials("ours", "our-password-0123456789");
            session.addRemoteCandidate(Candidate.udp("1", IceAgent.HOST_PRIORITY, local.getAddress().getHostAddress(),
                    local.getPort(), Candidate.Type.HOST));
            session.start();

            Driver driver = new Driver(socket, agent);
            driver.start();
            try {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> state.get() == State.CONNECTED && session.state() == State.CONNECTED);
                int before = requestsSent.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> requestsSent.get() >= before + 6);
                assertThat(state.get()).isEqualTo(State.CONNECTED); // ice4j answered every consent check
            } finally {
                driver.stop();
                session.close();
            }
            assertThat(driver.failure.get()).isNull();
            assertThat(changes).containsExactly("NEW->CHECKING", "CHECKING->CONNECTED");
            assertThat(agent.selectedRemote()).isEqualTo(port.localAddress());
            assertThat(session.selectedRemoteAddress()).contains(local);
            assertThat(agent.isControlling()).isEqualTo(ourAgentControlling);
        }
    }

    /** What the port does for an agent: reads the socket, hands over STUN, ticks at the deadlines. */
    private static final class Driver {
        private final DatagramSocket socket;
        private final IceAgent agent;
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
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
