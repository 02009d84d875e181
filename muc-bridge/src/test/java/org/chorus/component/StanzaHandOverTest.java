package org.chorus.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.Message;
import org.xmpp.packet.Packet;

/**
 * Stanzas cross from the stream's reader to the signalling thread through a bounded hand-over: when
 * signalling falls behind, the reader waits (and so stops reading the socket) instead of queueing
 * without end; nothing is lost or reordered.
 */
class StanzaHandOverTest {
    private final ScheduledExecutorService signalling = Executors.newSingleThreadScheduledExecutor();
    private final List<Packet> handled = new CopyOnWriteArrayList<>();
    private final ComponentConnection connection = new ComponentConnection(
            new ComponentConnection.Settings("127.0.0.1", 5347, "av.example.org", "secret", Duration.ofSeconds(1),
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.0)),
            signalling, new ConnectionListener() {
                @Override
                public void onConnected(boolean reconnected) {}

                @Override
                public void onDisconnected() {}

                @Override
                public void onPacket(Packet packet) {
                    handled.add(packet);
                }
            });

    @AfterEach
    void tearDown() {
        signalling.shutdownNow();
    }

    @Test
    void theReaderWaitsWhenSignallingFallsBehindAndNothingIsLostOrReordered() throws Exception {
        ComponentStream stream = new ComponentStream("av.example.org", "secret", 1000, signalling, connection);
        CountDownLatch release = new CountDownLatch(1);
        signalling.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int total = ComponentConnection.MAX_STANZAS_IN_FLIGHT + 10;
        AtomicInteger handedOver = new AtomicInteger();
        Thread reader = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                Message m = new Message();
                m.setID("m" + i);
                connection.packet(stream, m);
                handedOver.incrementAndGet();
            }
        }, "test-reader");
        reader.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> handedOver.get() == ComponentConnection.MAX_STANZAS_IN_FLIGHT
                && reader.getState() == Thread.State.WAITING);
        assertThat(handled).isEmpty();

        release.countDown();
        reader.join(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == total);
        for (int i = 0; i < total; i++) {
            assertThat(handled.get(i).getID()).isEqualTo("m" + i);
        }
    }
}
