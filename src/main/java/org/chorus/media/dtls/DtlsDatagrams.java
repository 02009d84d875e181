package org.chorus.media.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsTimeoutException;
import org.chorus.media.DatagramPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BouncyCastle's view of the path for one endpoint: {@code receive} takes from a bounded queue that the
 * demultiplexer fills, {@code send} goes to the path and treats "cannot send" as a lost datagram, which
 * DTLS retransmits.
 *
 * <p>Two modes. During the handshake (on a worker) {@code receive} waits for a datagram, at most until
 * the handshake deadline, and then fails with a timeout. Once the handshake is done it never waits:
 * with the queue empty it throws {@link WouldBlock}, which BouncyCastle passes up without failing the
 * association (it rethrows an {@link InterruptedIOException} as it is), so the reader can call
 * {@code DTLSTransport.receive} on the demultiplexer's thread and stop when the queue is drained.
 */
final class DtlsDatagrams implements DatagramTransport {

    /** The queue is empty and the transport does not wait. Not an error; carries no stack trace. */
    static final class WouldBlock extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        WouldBlock() {
            super("no DTLS datagram queued");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Datagrams waiting to be read; more are dropped (DTLS retransmits). */
    static final int QUEUE_CAPACITY = 256;
    /** Largest DTLS datagram accepted. */
    static final int RECEIVE_LIMIT = 4096;
    /** Largest DTLS datagram sent: handshake flights are fragmented to fit a conservative path MTU. */
    static final int SEND_LIMIT = 1200;
    /** The longest single wait during the handshake when BouncyCastle asks for no limit. */
    private static final int POLL_MILLIS = 1000;
    private static final byte[] CLOSE_SIGNAL = new byte[0];
    private static final Logger LOG = LoggerFactory.getLogger(DtlsDatagrams.class);

    private final DatagramPath path;
    private final String name;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean nonBlocking;
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private volatile boolean timedOut;

    DtlsDatagrams(DatagramPath path, String name) {
        this.path = path;
        this.name = name;
    }

    /** Queues a copy of an incoming datagram; drops it when full, closed, empty or too large. */
    void offer(byte[] buffer, int offset, int length) {
        if (closed || length <= 0 || length > RECEIVE_LIMIT) {
            return;
        }
        if (!queue.offer(Arrays.copyOfRange(buffer, offset, offset + length))) {
            dropped.incrementAndGet();
        }
    }

    boolean hasPending() {
        return !queue.isEmpty();
    }

    long dropped() {
        return dropped.get();
    }

    /** While waiting, {@code receive} gives up at this {@link System#nanoTime()}. */
    void deadline(long nanos) {
        deadlineNanos = nanos;
    }

    /** Whether a wait ran into the deadline. */
    boolean timedOut() {
        return timedOut;
    }

    /** From now on {@code receive} never waits (the handshake is done). */
    void stopWaiting() {
        nonBlocking = true;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] datagram = nonBlocking ? queue.poll() : poll(waitMillis);
        if (datagram == null) {
            if (nonBlocking) {
                throw new WouldBlock();
            }
            return -1;
        }
        if (datagram == CLOSE_SIGNAL) {
            throw new IOException("DTLS transport closed");
        }
        if (datagram.length > len) {
            return -1;
        }
        System.arraycopy(datagram, 0, buf, off, datagram.length);
        return datagram.length;
    }

    private byte[] poll(int waitMillis) throws IOException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (remaining <= 0) {
            timedOut = true;
            throw new TlsTimeoutException("DTLS handshake timed out");
        }
        long wait = Math.min(waitMillis > 0 ? waitMillis : POLL_MILLIS, remaining);
        try {
            return queue.poll(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (closed) {
            return;
        }
        try {
            path.send(buf, off, len);
        } catch (RuntimeException e) {
            LOG.debug("{}: sending a DTLS datagram failed; treated as lost", name, e);
        }
    }

    /** Drops what is queued and wakes a waiting handshake, which then fails. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.clear();
            queue.offer(CLOSE_SIGNAL);
        }
    }
}
