package org.chorus.testing.fakes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.chorus.component.StanzaSink;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.xmpp.packet.Packet;

/**
 * A strict {@link StanzaSink}: every stanza sent must match the oldest open expectation, in order.
 * Anything unexpected fails the test, also when the code under test swallows the exception (the
 * failure is recorded and reported by {@link #assertDone()}, which runs after each test when the sink
 * is registered with {@code @RegisterExtension}). Expectations left open at the end fail too.
 *
 * <pre>
 * sink.expect(Stanza.discoInfoGet(room, self), "disco#info to the room");
 * registry.onConnected();
 * IQ probe = sink.next(IQ.class);
 * </pre>
 */
public final class ScriptedSink implements StanzaSink, AfterEachCallback {

    private record Expectation(Predicate<? super Packet> matcher, String description) {}

    private final Deque<Expectation> expected = new ArrayDeque<>();
    private final Deque<Packet> matched = new ArrayDeque<>();
    private final List<Packet> sent = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    /** The next stanza sent must match; expectations are met in the order they were declared. */
    public synchronized ScriptedSink expect(Predicate<? super Packet> matcher, String description) {
        expected.addLast(new Expectation(matcher, description));
        return this;
    }

    /** Typed variant: the stanza must be a {@code type} and match. */
    public <T extends Packet> ScriptedSink expect(Class<T> type, Predicate<? super T> matcher, String description) {
        return expect(p -> type.isInstance(p) && matcher.test(type.cast(p)), description);
    }

    @Override
    public synchronized void send(Packet packet) {
        Packet copy = packet.createCopy();
        sent.add(copy);
        Expectation next = expected.peekFirst();
        if (next == null) {
            fail("unexpected stanza (nothing expected): " + copy.toXML());
        }
        boolean ok;
        try {
            ok = next.matcher().test(copy);
        } catch (RuntimeException e) {
            ok = false;
        }
        if (!ok) {
            fail("unexpected stanza (expected " + next.description() + "): " + copy.toXML());
        }
        expected.removeFirst();
        matched.addLast(copy);
    }

    private void fail(String message) {
        failures.add(message);
        throw new AssertionError(message);
    }

    /** The oldest matched stanza not taken yet; fails when there is none. */
    public synchronized Packet next() {
        assertNoFailures();
        if (matched.isEmpty()) {
            throw new AssertionError("no stanza was sent; still expected: " + describeOpen());
        }
        return matched.removeFirst();
    }

    public <T extends Packet> T next(Class<T> type) {
        Packet p = next();
        if (!type.isInstance(p)) {
            throw new AssertionError("expected a " + type.getSimpleName() + " but got " + p.toXML());
        }
        return type.cast(p);
    }

    /** Discards the stanzas matched so far (they were checked by their expectation). */
    public synchronized void skipMatched() {
        matched.clear();
    }

    /** Every stanza sent so far, matched or not. */
    public synchronized List<Packet> sent() {
        return List.copyOf(sent);
    }

    public synchronized boolean hasOpenExpectations() {
        return !expected.isEmpty();
    }

    public synchronized void assertNoFailures() {
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("\n", failures));
        }
    }

    /** No unexpected stanza was sent and every expectation was met. */
    public synchronized void assertDone() {
        assertNoFailures();
        if (!expected.isEmpty()) {
            throw new AssertionError("expected stanzas were never sent: " + describeOpen());
        }
    }

    private String describeOpen() {
        return expected.isEmpty() ? "nothing"
                : String.join(", ", expected.stream().map(Expectation::description).toList());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertDone();
    }
}
