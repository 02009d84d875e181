package org.chorus.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The reference the gateway is compared with: a plain UDP relay, run as its own process. One
 * DatagramSocket on 127.0.0.1, one thread: every datagram from a registered member goes, unchanged,
 * to every other registered member. No ICE, no crypto, no rewriting, no state per stream. A
 * datagram "JOIN" registers its source address (answered "OK").
 *
 * <p>Usage: {@code UdpRelay PORT_FILE}: binds an ephemeral port and writes its number to the file.
 */
public final class UdpRelay {
    static final String JOIN = "JOIN";
    static final String OK = "OK";
    private static final int MAX_MEMBERS = 256;

    private UdpRelay() {}

    public static void main(String[] args) throws IOException {
        Thread.currentThread().setName("relay");
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Path portFile = Path.of(args[0]);
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(socket.getLocalPort()));
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);

        InetAddress[] addresses = new InetAddress[MAX_MEMBERS];
        int[] ports = new int[MAX_MEMBERS];
        int members = 0;
        byte[] buf = new byte[2048];
        byte[] ok = OK.getBytes(StandardCharsets.US_ASCII);
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        DatagramPacket out = new DatagramPacket(buf, 0);
        while (true) {
            in.setLength(buf.length);
            socket.receive(in);
            int length = in.getLength();
            InetAddress from = in.getAddress();
            int fromPort = in.getPort();
            int source = -1;
            for (int i = 0; i < members; i++) {
                if (ports[i] == fromPort && addresses[i].equals(from)) {
                    source = i;
                    break;
                }
            }
            if (length == 4 && buf[0] == 'J' && buf[1] == 'O' && buf[2] == 'I' && buf[3] == 'N') {
                if (source < 0 && members < MAX_MEMBERS) {
                    addresses[members] = from;
                    ports[members] = fromPort;
                    members++;
                }
                socket.send(new DatagramPacket(ok, ok.length, from, fromPort));
                continue;
            }
            if (source < 0) {
                continue;
            }
            out.setData(buf, 0, length);
            for (int i = 0; i < members; i++) {
                if (i != source) {
                    out.setAddress(addresses[i]);
                    out.setPort(ports[i]);
                    socket.send(out);
                }
            }
        }
    }
}
