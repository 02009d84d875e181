package org.chorus.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A member of the reference relay: one plain UDP socket on 127.0.0.1, registered with the relay,
 * and a thread that receives and records what the relay forwards.
 */
final class UdpParticipant implements AutoCloseable, Traffic.Sender {
    private final int index;
    private final DatagramSocket socket;
    private final DatagramPacket out;
    private final Receipts receipts;
    private final long audioSsrc = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
    private final long videoSsrc = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
    private Thread receiver;
    private volatile boolean closed;

    UdpParticipant(int index, InetSocketAddress relay, Receipts receipts) throws IOException {
        this.index = index;
        this.receipts = receipts;
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.out = new DatagramPacket(new byte[0], 0, relay);
    }

    /** Registers with the relay (JOIN, answered OK), then starts receiving. */
    void join() throws IOException {
        byte[] join = UdpRelay.JOIN.getBytes(StandardCharsets.US_ASCII);
        byte[] answer = new byte[16];
        socket.setSoTimeout(500);
        for (int attempt = 0; ; attempt++) {
            socket.send(new DatagramPacket(join, join.length, out.getSocketAddress()));
            try {
                DatagramPacket in = new DatagramPacket(answer, answer.length);
                socket.receive(in);
                if (Arrays.equals(Arrays.copyOf(answer, in.getLength()), UdpRelay.OK.getBytes(StandardCharsets.US_ASCII))) {
                    break;
                }
            } catch (SocketTimeoutException e) {
                if (attempt >= 20) {
                    throw new IOException("the relay does not answer", e);
                }
            }
        }
        socket.setSoTimeout(0);
        receiver = new Thread(this::receive, "bench-udp-" + index);
        receiver.setDaemon(true);
        receiver.start();
    }

    private void receive() {
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                in.setLength(buf.length);
                socket.receive(in);
                receipts.record(index, buf, 0, in.getLength(), System.nanoTime());
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    @Override
    public long audioSsrc() {
        return audioSsrc;
    }

    @Override
    public long videoSsrc() {
        return videoSsrc;
    }

    @Override
    public boolean send(byte[] packet, int length) {
        out.setData(packet, 0, length);
        try {
            socket.send(out);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }
}
