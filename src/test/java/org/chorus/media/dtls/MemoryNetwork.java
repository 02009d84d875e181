package org.chorus.media.dtls;

import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import org.chorus.media.DatagramPath;

/**
 * Datagram paths in memory for tests, all served by one delivery thread, as a shared UDP port is by
 * its one reader thread: {@code send} copies the datagram into a queue, and the delivery thread hands
 * it to the receiver of the other end. A path with no other end loses what it sends.
 */
final class MemoryNetwork implements AutoCloseable {

    static final String THREAD_NAME = "memory-network";

    private record Delivery(Path to, byte[] data) {
    }

    private final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    MemoryNetwork() {
        thread = new Thread(this::deliver, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /** Two connected ends. */
    Path[] pair() {
        Path a = new Path();
        Path b = new Path();
        a.peer = b;
        b.peer = a;
        return new Path[] {a, b};
    }

    /** An end whose datagrams go nowhere: a peer that never answers. */
    Path deadEnd() {
        return new Path();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private void deliver() {
        while (!closed) {
            Delivery delivery;
            try {
                delivery = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            DatagramPath.Receiver receiver = delivery.to().receiver;
            if (receiver != null && !delivery.to().closed) {
                receiver.receive(delivery.data(), 0, delivery.data().length);
            }
        }
    }

    final class Path implements DatagramPath {
        private volatile Path peer;
        private volatile Receiver receiver;
        private volatile boolean closed;

        @Override
        public boolean send(byte[] buffer, int offset, int length) {
            Path to = peer;
            if (closed) {
                return false;
            }
            if (to != null) {
                queue.add(new Delivery(to, Arrays.copyOfRange(buffer, offset, offset + length)));
            }
            return true;
        }

        @Override
        public void setReceiver(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
