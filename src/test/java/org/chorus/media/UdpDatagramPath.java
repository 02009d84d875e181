package org.chorus.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A {@link DatagramPath} over a UDP socket on 127.0.0.1, for tests: what ICE's selected pair is in
 * production. One thread receives and hands datagrams to the receiver; incoming datagrams that match a
 * filter can be held back for a while (on the same thread), to reorder DTLS and SRTP on purpose.
 */
public final class UdpDatagramPath implements DatagramPath {

    private static final int MAX_DATAGRAM = 2048;

    private final DatagramSocket socket;
    private final Thread receiveThread;
    private volatile Receiver receiver;
    private volatile boolean closed;
    private volatile Predicate<byte[]> delayFilter;
    private volatile long delayMillis;
    private final PriorityQueue<Delayed> delayed = new PriorityQueue<>(); // receive thread only
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    private record Delayed(long dueMillis, long order, byte[] data) implements Comparable<Delayed> {
        @Override
        public int compareTo(Delayed other) {
            int byTime = Long.compare(dueMillis, other.dueMillis);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    public UdpDatagramPath(String name) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setSoTimeout(50);
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        receiveThread = new Thread(this::receiveLoop, "udp-path-" + name);
        receiveThread.setDaemon(true);
    }

    /** Two paths connected to each other, receiving. */
    public static UdpDatagramPath[] pair() {
        UdpDatagramPath a = new UdpDatagramPath("a");
        UdpDatagramPath b = new UdpDatagramPath("b");
        a.connectTo(b.localPort());
        b.connectTo(a.localPort());
        return new UdpDatagramPath[] {a, b};
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /**
     * Connects to the peer's port and starts receiving. (Connecting first: the JDK's connect waits for
     * the receive lock, which a receiving thread keeps taking.)
     */
    public void connectTo(int port) {
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        receiveThread.start();
    }

    /** Holds back incoming datagrams that match the filter for the given time (delivered in order). */
    public void delayIncoming(Predicate<byte[]> filter, long millis) {
        this.delayMillis = millis;
        this.delayFilter = filter;
    }

    public long sentDatagrams() {
        return sent.get();
    }

    public long receivedDatagrams() {
        return received.get();
    }

    @Override
    public boolean send(byte[] buffer, int offset, int length) {
        if (closed || !socket.isConnected()) {
            return false;
        }
        try {
            socket.send(new DatagramPacket(buffer, offset, length));
            sent.incrementAndGet();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void setReceiver(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }

    private void receiveLoop() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        long order = 0;
        while (!closed) {
            deliverDue();
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return; // closed
            }
            received.incrementAndGet();
            Predicate<byte[]> filter = delayFilter;
            // A copy with no spare room after it: receivers must work in place without growing packets.
            byte[] data = Arrays.copyOf(buffer, packet.getLength());
            if (filter != null && filter.test(data)) {
                delayed.add(new Delayed(System.currentTimeMillis() + delayMillis, order++, data));
            } else {
                deliver(data, 0, data.length);
            }
        }
    }

    private void deliverDue() {
        long now = System.currentTimeMillis();
        while (!delayed.isEmpty() && delayed.peek().dueMillis() <= now) {
            byte[] data = delayed.poll().data();
            deliver(data, 0, data.length);
        }
    }

    private void deliver(byte[] data, int offset, int length) {
        Receiver r = receiver;
        if (r != null) {
            r.receive(data, offset, length);
        }
    }
}
