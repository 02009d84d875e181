package org.chorus.media.dtls;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The fingerprint signalled for the peer's certificate. It may come after the handshake has started
 * (a browser may start DTLS before the gateway has its answer), so a handshake that has the peer's
 * certificate first waits for it, until its deadline or {@link #close()}.
 */
final class RemoteFingerprint {

    private DtlsFingerprint value; // guarded by this
    private boolean closed; // guarded by this
    private volatile boolean waiting;

    /** Sets (or replaces) the fingerprint and wakes a handshake waiting for it. */
    synchronized void set(DtlsFingerprint fingerprint) {
        value = fingerprint;
        notifyAll();
    }

    synchronized DtlsFingerprint get() {
        return value;
    }

    /** Whether a handshake is waiting for the fingerprint now. */
    boolean isWaiting() {
        return waiting;
    }

    /** Wakes a waiting handshake for good: it gets null. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * The fingerprint, waiting for it until {@code deadlineNanos} ({@link System#nanoTime()}) if it is
     * not known yet; null if it did not come in time or the endpoint closed.
     */
    synchronized DtlsFingerprint await(long deadlineNanos) throws InterruptedIOException {
        if (value != null || closed) {
            return value;
        }
        waiting = true;
        try {
            while (value == null && !closed) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (remaining <= 0) {
                    break;
                }
                wait(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the peer's fingerprint");
        } finally {
            waiting = false;
        }
        return value;
    }
}
