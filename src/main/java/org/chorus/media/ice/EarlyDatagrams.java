package org.chorus.media.ice;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.chorus.media.DatagramPath.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive side of one {@link IceSession}: hands datagrams to the receiver, or, while there is
 * none, holds up to {@value #MAX} copies for it (a DTLS ClientHello may beat the answer).
 */
final class EarlyDatagrams {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyDatagrams.class);

    static final int MAX = 32;

    private final Object lock = new Object();
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong receiverErrors = new AtomicLong();
    private volatile Receiver receiver;
    private volatile boolean closed;

    /** A reader thread: one datagram, valid only during the call. */
    void deliver(byte[] data, int offset, int length, String name) {
        Receiver r = receiver;
        if (r == null) {
            r = holdOrGetReceiver(data, offset, length);
            if (r == null) {
                return;
            }
        }
        call(r, data, offset, length, name);
    }

    void setReceiver(Receiver r, String name) {
        synchronized (lock) {
            if (r != null && !closed) {
                byte[] d;
                while ((d = held.poll()) != null) {
                    call(r, d, 0, d.length, name);
                }
            }
            receiver = closed ? null : r;
        }
    }

    void close() {
        synchronized (lock) {
            closed = true;
            receiver = null;
            held.clear();
        }
    }

    long dropped() {
        return dropped.get();
    }

    int heldCount() {
        synchronized (lock) {
            return held.size();
        }
    }

    private Receiver holdOrGetReceiver(byte[] data, int offset, int length) {
        synchronized (lock) {
            Receiver r = receiver;
            if (r != null || closed) {
                return r;
            }
            if (held.size() < MAX) {
                held.add(Arrays.copyOfRange(data, offset, offset + length));
            } else {
                dropped.incrementAndGet();
            }
            return null;
        }
    }

    private void call(Receiver r, byte[] data, int offset, int length, String name) {
        try {
            r.receive(data, offset, length);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            long n = receiverErrors.incrementAndGet();
            if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th ... error
                LOG.warn("{}: receiver failed ({} time(s) so far)", name, n, e);
            }
        }
    }
}
