package org.chorus.media.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader thread of a {@link PortLoop}: a {@link Selector} over non-blocking datagram channels.
 * Each datagram is read into one buffer that the thread reuses, and handed to its channel's
 * {@link Handler} on this thread; the handler must not block and must copy what it keeps.
 */
final class DatagramReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramReader.class);

    /** Larger than any UDP payload. */
    static final int BUFFER_SIZE = 65536;
    /** Datagrams read from one channel before the reader looks at its other channels. */
    private static final int BATCH = 64;

    /** Gets every datagram a channel reads. */
    @FunctionalInterface
    interface Handler {
        void onDatagram(byte[] buffer, int offset, int length, InetSocketAddress from);
    }

    private record Registration(DatagramChannel channel, Handler handler) {
    }

    private final Selector selector;
    private final Thread thread;
    private final Queue<Registration> pending = new ConcurrentLinkedQueue<>();
    /** Closers waiting until the selector has let go of their channels. */
    private final Queue<CountDownLatch> barriers = new ConcurrentLinkedQueue<>();
    private final List<CountDownLatch> due = new ArrayList<>();
    private final AtomicInteger channels = new AtomicInteger();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    private volatile boolean closed;

    private DatagramReader(Selector selector, String name) {
        this.selector = selector;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    static DatagramReader start(String name) throws IOException {
        DatagramReader r = new DatagramReader(Selector.open(), name);
        r.thread.start();
        return r;
    }

    int channelCount() {
        return channels.get();
    }

    /** Hands a non-blocking channel to this reader; it is selected from the next loop on. */
    void register(DatagramChannel channel, Handler handler) {
        if (closed) {
            throw new IllegalStateException("the reader is closed");
        }
        channels.incrementAndGet();
        pending.add(new Registration(channel, handler));
        selector.wakeup();
    }

    void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        try {
            while (!closed) {
                CountDownLatch b;
                while ((b = barriers.poll()) != null) {
                    due.add(b);
                }
                if (due.isEmpty()) {
                    selector.select();
                } else {
                    selector.selectNow(); // deregisters the closed channels' keys, which frees their sockets
                    due.forEach(CountDownLatch::countDown);
                    due.clear();
                }
                registerPending();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    readFrom(key);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.error("{} stopped", thread.getName(), e);
            }
        } finally {
            barriers.forEach(CountDownLatch::countDown);
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing the selector of {} failed", thread.getName(), e);
            }
        }
    }

    private void registerPending() {
        Registration r;
        while ((r = pending.poll()) != null) {
            try {
                r.channel.register(selector, SelectionKey.OP_READ, r.handler);
            } catch (ClosedChannelException e) {
                LOG.debug("{}: a channel closed before it was registered", thread.getName());
            }
        }
    }

    private void readFrom(SelectionKey key) {
        DatagramChannel channel = (DatagramChannel) key.channel();
        Handler handler = (Handler) key.attachment();
        byte[] array = buffer.array();
        try {
            for (int i = 0; i < BATCH; i++) {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                if (from == null) {
                    return;
                }
                try {
                    handler.onDatagram(array, 0, buffer.position(), (InetSocketAddress) from);
                } catch (RuntimeException e) {
                    LOG.warn("{}: a datagram handler failed", thread.getName(), e);
                }
            }
        } catch (ClosedChannelException | CancelledKeyException e) {
            key.cancel();
        } catch (IOException e) {
            LOG.debug("{}: receive failed: {}", thread.getName(), e.toString());
        }
    }

    /**
     * A port closed a channel of this reader: closing cancelled its key, but the socket is freed
     * only when the selector deregisters it. Waits (briefly) until it has, so that the port number
     * is free again when the port's close returns.
     */
    void released() {
        channels.decrementAndGet();
        if (closed || Thread.currentThread() == thread) {
            return;
        }
        CountDownLatch latch = new CountDownLatch(1);
        barriers.add(latch);
        selector.wakeup();
        try {
            latch.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
