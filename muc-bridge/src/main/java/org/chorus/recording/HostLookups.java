package org.chorus.recording;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host name lookups for stream URLs, kept off the signalling thread: a slow DNS server must not
 * stall every call on the gateway. Lookups run on at most {@code threads} daemon threads, with at
 * most {@code queue} more waiting; one more is refused at once ({@link Busy}). Each lookup has
 * {@code timeout} from the moment it is asked for (waiting included), after which it fails with a
 * {@link TimeoutException} (timed on the {@code callbacks} scheduler); its thread may stay blocked in the resolver until the resolver gives
 * up, which the bounded pool and queue keep harmless. Every outcome is delivered on
 * {@code callbacks} (the signalling thread).
 */
public final class HostLookups implements AutoCloseable {
    /** The production limits: two lookups at once, sixteen waiting, five seconds each. */
    public static final int THREADS = 2;
    public static final int QUEUE = 16;
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Resolves a host name to its addresses; {@link InetAddress#getAllByName} in production. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws java.net.UnknownHostException;
    }

    /** Too many lookups are under way or waiting: the request is refused, not queued. */
    public static final class Busy extends Exception {
        Busy() {
            super("too many host lookups at once", null, false, false);
        }
    }

    private final Resolver resolver;
    private final ScheduledExecutorService callbacks;
    private final Duration timeout;
    private final ThreadPoolExecutor pool;

    public HostLookups(Resolver resolver, ScheduledExecutorService callbacks, int threads, int queue, Duration timeout) {
        this.resolver = resolver;
        this.callbacks = callbacks;
        this.timeout = timeout;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 5, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "stream-host-lookup-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true); // no idle threads between recordings
    }

    /** The production lookups, answering on {@code signalling}. */
    public static HostLookups of(ScheduledExecutorService signalling) {
        return new HostLookups(InetAddress::getAllByName, signalling, THREADS, QUEUE, TIMEOUT);
    }

    /**
     * Looks {@code host} up; completes on the callbacks executor with its addresses, or with
     * {@link Busy}, a {@link TimeoutException}, or the resolver's failure.
     */
    public CompletionStage<InetAddress[]> resolve(String host) {
        CompletableFuture<InetAddress[]> lookup = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                if (lookup.isDone()) {
                    return; // timed out while waiting: nobody wants the answer any more
                }
                try {
                    lookup.complete(resolver.resolve(host));
                } catch (Exception | Error e) {
                    lookup.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            lookup.completeExceptionally(new Busy());
        }
        // the time limit runs on the callbacks' own scheduler: no timer thread of its own
        ScheduledFuture<?> limit = lookup.isDone() ? null : callbacks.schedule(
                () -> lookup.completeExceptionally(new TimeoutException()), timeout.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<InetAddress[]> answer = new CompletableFuture<>();
        lookup.whenComplete((addresses, failure) -> callbacks.execute(() -> {
            if (limit != null) {
                limit.cancel(false);
            }
            if (failure != null) {
                answer.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            } else {
                answer.complete(addresses);
            }
        }));
        return answer;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
