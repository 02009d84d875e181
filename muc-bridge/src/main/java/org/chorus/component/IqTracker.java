package org.chorus.component;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * IQ requests that the gateway sends, matched with their answers. Confined to the signalling thread:
 * futures complete there, with the result or error IQ, or exceptionally on timeout or stream loss.
 */
public final class IqTracker {
    private record Pending(JID to, CompletableFuture<IQ> future, ScheduledFuture<?> timeout) {}

    private final StanzaSink sink;
    private final ScheduledExecutorService signalling;
    private final Duration timeout;
    private final Map<String, Pending> pending = new HashMap<>();

    public IqTracker(StanzaSink sink, ScheduledExecutorService signalling, Duration timeout) {
        this.sink = sink;
        this.signalling = signalling;
        this.timeout = timeout;
    }

    /** Sends the request and returns its answer, which may be of type error. */
    public CompletableFuture<IQ> request(IQ iq) {
        String id = "chorus-" + UUID.randomUUID();
        iq.setID(id);
        CompletableFuture<IQ> future = new CompletableFuture<>();
        ScheduledFuture<?> timer = signalling.schedule(() -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future.completeExceptionally(new TimeoutException("no answer from " + p.to + " in " + timeout.toMillis() + " ms"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        pending.put(id, new Pending(iq.getTo(), future, timer));
        sink.send(iq);
        return future;
    }

    /** Completes the matching request; false when the answer matches none (then it is ignored). */
    public boolean answer(IQ response) {
        Pending p = pending.get(response.getID());
        if (p == null) {
            return false;
        }
        JID from = response.getFrom();
        if (p.to != null && from != null && !p.to.equals(from) && !p.to.asBareJID().equals(from)) {
            return false; // an answer from someone we did not ask
        }
        pending.remove(response.getID());
        p.timeout.cancel(false);
        p.future.complete(response);
        return true;
    }

    /** Fails every open request, e.g. when the stream drops. */
    public void failAll(Exception cause) {
        Map<String, Pending> open = new HashMap<>(pending);
        pending.clear();
        open.values().forEach(p -> {
            p.timeout.cancel(false);
            p.future.completeExceptionally(cause);
        });
    }

    public int openRequests() {
        return pending.size();
    }
}
