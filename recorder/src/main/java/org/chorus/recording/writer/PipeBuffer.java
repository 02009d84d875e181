package org.chorus.recording.writer;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The parent's end of the pipe to a writer process: a ring buffer that a thread of its own drains
 * into the child's stdin. A child that falls behind (a grid encoder slower than real time, a stalled
 * disk) fills the ring instead of blocking the thread that receives RTP; {@link WriterProcess} looks
 * at {@link #free()} and drops frames rather than wait. Small control messages wait for room, which
 * a draining child makes, but never longer than the wait limit: a child that hangs fails the write
 * instead of blocking the caller (the recorder's one poll thread serves every recording).
 * {@link #stalledNanos} tells how long buffered bytes have waited without the child reading any.
 *
 * <p>{@link #flush()} does not wait: the drain thread flushes the child's stdin whenever the ring
 * runs empty. {@link #close()} waits (up to a limit) for everything written to reach the child.
 */
final class PipeBuffer extends OutputStream {
    private final byte[] ring;
    private final OutputStream target;
    private final Thread drain;
    private final byte[] chunk = new byte[64 * 1024];
    private int head;
    private int size;
    private final long maxWaitNanos;
    private boolean closed;
    private IOException failure;
    /** When the child last took bytes, or when bytes arrived in an empty ring (System.nanoTime()). */
    private long progressNanos = System.nanoTime();

    /** @param maxWaitNanos how long a write waits for room before it fails */
    PipeBuffer(OutputStream target, int capacity, String threadName, long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
        this.ring = new byte[capacity];
        this.target = target;
        this.drain = new Thread(this::drainLoop, threadName);
        this.drain.setDaemon(true);
        this.drain.start();
    }

    /** Bytes that can be written now without waiting. */
    synchronized int free() {
        return ring.length - size;
    }

    /** How long bytes have waited in the ring without the child reading any; 0 when it is empty. */
    synchronized long stalledNanos(long nowNanos) {
        return size == 0 ? 0 : Math.max(0, nowNanos - progressNanos);
    }

    @Override
    public void write(int b) throws IOException {
        synchronized (this) {
            awaitRoom(1);
            if (size == 0) {
                progressNanos = System.nanoTime();
            }
            ring[(head + size) % ring.length] = (byte) b;
            size++;
            notifyAll();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int done = 0;
        synchronized (this) {
            while (done < len) {
                awaitRoom(1);
                if (size == 0) {
                    progressNanos = System.nanoTime();
                }
                int tail = (head + size) % ring.length;
                int n = Math.min(len - done, Math.min(ring.length - size, ring.length - tail));
                System.arraycopy(b, off + done, ring, tail, n);
                size += n;
                done += n;
                notifyAll();
            }
        }
    }

    /** Does not wait; the drain thread flushes when the ring runs empty. */
    @Override
    public void flush() throws IOException {
        synchronized (this) {
            check();
        }
    }

    /**
     * Lets the drain thread deliver what is buffered (up to 10 s), then closes the child's stdin.
     *
     * @throws IOException when the child did not take it all in time (its stdin is left open: the
     *     drain thread is blocked writing to it, and ends once the child is killed)
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
        }
        try {
            drain.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (drain.isAlive()) {
            throw new IOException("the writer did not take its input");
        }
        target.close();
    }

    private void awaitRoom(int needed) throws IOException {
        check();
        long deadline = System.nanoTime() + maxWaitNanos;
        while (ring.length - size < needed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("the writer has not read its input for "
                        + (System.nanoTime() - progressNanos) / 1_000_000 + " ms");
            }
            try {
                wait(Math.max(1, Math.min(100, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the writer's pipe was full");
            }
            check();
        }
    }

    private void check() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new IOException("the pipe is closed");
        }
    }

    private void drainLoop() {
        try {
            while (true) {
                int n;
                synchronized (this) {
                    while (size == 0 && !closed) {
                        wait();
                    }
                    if (size == 0) {
                        target.flush();
                        return;
                    }
                    n = Math.min(size, Math.min(chunk.length, ring.length - head));
                    System.arraycopy(ring, head, chunk, 0, n);
                }
                target.write(chunk, 0, n);
                synchronized (this) {
                    progressNanos = System.nanoTime();
                    head = (head + n) % ring.length;
                    size -= n;
                    notifyAll();
                    if (size > 0) {
                        continue;
                    }
                }
                target.flush();
            }
        } catch (IOException e) {
            synchronized (this) {
                failure = e;
                notifyAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
