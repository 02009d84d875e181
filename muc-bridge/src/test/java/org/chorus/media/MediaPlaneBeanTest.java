package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.chorus.media.ice.IceSettings;
import org.junit.jupiter.api.Test;

/** The media plane's counters, as an operator (or the bench) reads them over JMX. */
class MediaPlaneBeanTest {

    @Test
    void countersAreReadableOverJmxWhileThePlaneIsOpenAndGoneAfter() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (MediaPlane plane = MediaPlane.open(new MediaPlane.Settings(IceSettings.loopback(), 1_000_000,
                Duration.ofSeconds(30)));
                DatagramSocket stranger = new DatagramSocket(0, plane.port().localAddress().getAddress())) {
            name = new ObjectName("org.chorus:type=MediaPlane,port=" + plane.port().port());
            assertThat(server.isRegistered(name)).isTrue();
            assertThat((Long) server.getAttribute(name, "ForwardingDrops")).isZero();

            // an RTP-looking datagram from an address no session owns: counted, dropped
            byte[] rtp = new byte[20];
            rtp[0] = (byte) 0x80;
            stranger.send(new DatagramPacket(rtp, rtp.length, plane.port().localAddress()));
            // and one of no known kind
            byte[] junk = {(byte) 0xff, 1, 2, 3};
            stranger.send(new DatagramPacket(junk, junk.length, plane.port().localAddress()));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat((Long) server.getAttribute(name, "ReceivedDatagrams")).isEqualTo(2);
                assertThat((Long) server.getAttribute(name, "UnroutedDatagrams")
                        + (Long) server.getAttribute(name, "MalformedDatagrams")).isEqualTo(2);
                assertThat((Long) server.getAttribute(name, "MalformedDatagrams")).isEqualTo(1);
            });
        }
        assertThat(server.isRegistered(name)).isFalse();
    }
}
