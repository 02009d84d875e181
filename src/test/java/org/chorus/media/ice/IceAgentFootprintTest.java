package org.chorus.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.media.ice.VirtualIceNet.config;
import static org.chorus.media.ice.VirtualIceNet.ms;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import org.chorus.media.ice.IceSession.State;
import org.chorus.media.ice.VirtualIceNet.Node;
import org.junit.jupiter.api.Test;

/**
 * What a connected agent costs: no allocation on a tick with nothing due (asserted), and its
 * retained heap (measured roughly and printed, not asserted: the heap is the bench's business).
 */
class IceAgentFootprintTest {

    @Test
    void aTickWithNothingDueAllocatesNothing() {
        VirtualIceNet net = new VirtualIceNet();
        Node a = net.add(new InetSocketAddress("127.0.0.1", 40001), config(true, "aaaa",
                new InetSocketAddress("127.0.0.1", 40001)));
        Node b = net.add(new InetSocketAddress("127.0.0.2", 40002), config(false, "bbbb",
                new InetSocketAddress("127.0.0.2", 40002)));
        VirtualIceNet.introduce(a, b, true, true);
        net.startAll();
        net.runFor(ms(1_000));
        assertThat(a.agent.state()).isEqualTo(State.CONNECTED);

        long deadline = a.agent.tick(net.now);
        long now = net.now;
        for (int i = 0; i < 200_000; i++) { // warm up, so that the measured loop runs compiled
            deadline = a.agent.tick(now);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            deadline = a.agent.tick(now);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        System.out.printf("100000 idle ticks of a connected agent allocated %d bytes%n", allocated);
        assertThat(deadline).isGreaterThan(now);
        assertThat(allocated).isLessThan(1024); // the measurement itself may allocate a little
    }

    @Test
    void printsTheRetainedHeapOfConnectedAgents() {
        int pairs = 2_000;
        Runtime runtime = Runtime.getRuntime();
        long before = usedAfterGc(runtime);
        VirtualIceNet net = new VirtualIceNet();
        net.record = false;
        for (int i = 0; i < pairs; i++) {
            InetSocketAddress x = new InetSocketAddress("127.0.3." + (i % 250), 20000 + i);
            InetSocketAddress y = new InetSocketAddress("127.0.4." + (i % 250), 20000 + i);
            Node a = net.add(x, config(true, "a" + i, x));
            Node b = net.add(y, config(false, "b" + i, y));
            VirtualIceNet.introduce(a, b, true, true);
            a.agent.start(net.now);
            b.agent.start(net.now);
            net.kick(a);
            net.kick(b);
        }
        net.runFor(ms(2_000));
        long after = usedAfterGc(runtime);
        long perAgent = (after - before) / (2L * pairs);
        System.out.printf("%d connected agents (with the test network's bookkeeping): about %d bytes each%n",
                2 * pairs, perAgent);
        assertThat(net.nodes()).allMatch(n -> n.agent.state() == State.CONNECTED).hasSize(2 * pairs);
    }

    private static long usedAfterGc(Runtime runtime) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
