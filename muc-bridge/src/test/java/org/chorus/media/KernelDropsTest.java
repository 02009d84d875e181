package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelDropsTest {
    private static final String UDP = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops           \s
              12: 0100007F:2710 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 4711 2 0000000000000000 3
              13: 0100007F:2710 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 4712 2 0000000000000000 4
              14: 0100007F:2711 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 4713 2 0000000000000000 100
              15: 00000000:0035 0100007F:2710 01 00000000:00000000 00:00000000 00000000     0        0 4714 2 0000000000000000 1000
            """;
    private static final String UDP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             385: 0000000000000000FFFF00000100007F:2710 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 63053 2 000000003fc73c8d 5
             386: garbled line
            """;

    @TempDir
    Path dir;

    @Test
    void sumsTheDropsOfEverySocketOnTheLocalPortInBothTables() throws Exception {
        Path udp = Files.writeString(dir.resolve("udp"), UDP);
        Path udp6 = Files.writeString(dir.resolve("udp6"), UDP6);
        // port 10000 = 0x2710; the socket whose *remote* port is 10000 does not count
        assertThat(new KernelDrops(10000, List.of(udp, udp6)).read()).isEqualTo(3 + 4 + 5);
        assertThat(new KernelDrops(10001, List.of(udp, udp6)).read()).isEqualTo(100);
        assertThat(new KernelDrops(9999, List.of(udp, udp6)).read()).isZero();
    }

    @Test
    void unknownWithoutTablesOrWithAnotherFormat() throws Exception {
        assertThat(new KernelDrops(10000, List.of(dir.resolve("missing"))).read()).isEqualTo(KernelDrops.UNKNOWN);
        Path other = Files.writeString(dir.resolve("other"), "sl local_address rem_address st\n 1: 0100007F:2710 x 07\n");
        assertThat(new KernelDrops(10000, List.of(other)).read()).isEqualTo(KernelDrops.UNKNOWN);
        // one readable table is enough
        Path udp = Files.writeString(dir.resolve("udp"), UDP);
        assertThat(new KernelDrops(10000, List.of(udp, dir.resolve("missing"))).read()).isEqualTo(7);
    }

    @Test
    void readsTheRealTableForABoundSocket() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "Linux only");
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThat(new KernelDrops(socket.getLocalPort()).read()).isZero();
        }
    }
}
