package org.chorus.media.ice;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.ice4j.message.Message;

/**
 * An in-memory network with a virtual clock for {@link IceAgent} tests: agents send into a queue,
 * {@link #runFor} delivers the queue at once (zero latency) and advances the clock from deadline
 * to deadline. A drop rule may lose datagrams. Records everything sent.
 */
final class VirtualIceNet {

    /** A datagram sent at {@code atNanos}. */
    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes, long atNanos) {
        Message decode() {
            return StunCodec.decode(bytes);
        }
    }

    /** One agent on the network, with the state changes it reported. */
    static final class Node {
        final InetSocketAddress address;
        final IceAgent.Config config;
        final List<String> changes = new ArrayList<>();
        IceAgent agent;
        long deadline = Long.MAX_VALUE;

        Node(InetSocketAddress address, IceAgent.Config config) {
            this.address = address;
            this.config = config;
        }
    }

    static final long START = 1_000_000_000_000L; // any System.nanoTime-like origin
    private final Map<InetSocketAddress, Node> nodes = new LinkedHashMap<>();
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    final List<Datagram> sent = new ArrayList<>();
    private final SplittableRandom seeds = new SplittableRandom(42);
    Predicate<Datagram> drop = d -> false;
    /** Whether {@link #sent} keeps every datagram (off for large numbers of agents). */
    boolean record = true;
    long now = START;

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    static IceAgent.Config config(boolean controlling, String ufrag, InetSocketAddress local) {
        return new IceAgent.Config(controlling, ufrag, ufrag + "-password-0123456789", List.of(local),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    Node add(InetSocketAddress address, IceAgent.Config config) {
        Node node = new Node(address, config);
        node.agent = new IceAgent(config,
                (buffer, offset, length, to) -> {
                    Datagram d = new Datagram(address, to, Arrays.copyOfRange(buffer, offset, offset + length), now);
                    if (record) {
                        sent.add(d);
                    }
                    queue.add(d);
                },
                (from, to) -> node.changes.add(from + "->" + to),
                seeds.split());
        nodes.put(address, node);
        return node;
    }

    /** Exchanges credentials and host candidates as signalling would. */
    static void introduce(Node a, Node b, boolean candidatesToA, boolean candidatesToB) {
        a.agent.setRemoteCredentials(ufrag(b), password(b));
        b.agent.setRemoteCredentials(ufrag(a), password(a));
        if (candidatesToA) {
            a.agent.addRemoteCandidate(b.address, IceAgent.HOST_PRIORITY);
        }
        if (candidatesToB) {
            b.agent.addRemoteCandidate(a.address, IceAgent.HOST_PRIORITY);
        }
    }

    private static String ufrag(Node n) {
        return n.config.localUfrag();
    }

    private static String password(Node n) {
        return n.config.localPassword();
    }

    void startAll() {
        for (Node node : nodes.values()) {
            node.agent.start(now);
            node.deadline = now;
        }
    }

    /** Makes {@code node} tick at the current time on the next step. */
    void kick(Node node) {
        node.deadline = now;
    }

    java.util.Collection<Node> nodes() {
        return nodes.values();
    }

    /** Hands {@code bytes} to {@code to} as if {@code from} had sent them now. */
    void inject(Node to, byte[] bytes, InetSocketAddress from) {
        to.agent.receiveStun(bytes, 0, bytes.length, from, now);
        kick(to);
    }

    /** Delivers and ticks until {@code duration} of virtual time has passed. */
    void runFor(Duration duration) {
        long until = now + duration.toNanos();
        while (true) {
            deliverAll();
            long next = Long.MAX_VALUE;
            for (Node node : nodes.values()) {
                if (node.deadline - now <= 0) {
                    node.deadline = node.agent.tick(now);
                    if (node.deadline - now <= 0) {
                        throw new AssertionError("tick returned a deadline not in the future: " + node.agent);
                    }
                }
                next = Math.min(next, node.deadline);
            }
            if (!queue.isEmpty()) {
                continue;
            }
            if (next == Long.MAX_VALUE || next - until > 0) {
                now = until;
                return;
            }
            now = next;
        }
    }

    private void deliverAll() {
        while (!queue.isEmpty()) {
            Datagram d = queue.poll();
            Node to = nodes.get(d.to());
            if (to != null && !drop.test(d)) {
                to.agent.receiveStun(d.bytes(), 0, d.bytes().length, d.from(), now);
                to.deadline = Math.min(to.deadline, now); // tick it again now
            }
        }
    }

    List<Datagram> sentBy(InetSocketAddress from) {
        return sent.stream().filter(d -> d.from().equals(from)).toList();
    }
}
