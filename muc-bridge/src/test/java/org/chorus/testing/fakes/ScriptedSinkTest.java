package org.chorus.testing.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.IQ;
import org.xmpp.packet.Message;
import org.xmpp.packet.Presence;

/** The test helpers are strict and deterministic. */
class ScriptedSinkTest {

    @Test
    void aStanzaNobodyExpectedFails() {
        ScriptedSink sink = new ScriptedSink();

        assertThatThrownBy(() -> sink.send(new Message())).isInstanceOf(AssertionError.class);
        assertThatThrownBy(sink::assertDone).hasMessageContaining("unexpected stanza");
    }

    @Test
    void aSwallowedFailureIsStillReported() {
        ScriptedSink sink = new ScriptedSink();
        try {
            sink.send(new Message());
        } catch (AssertionError swallowedByTheCodeUnderTest) {
            // as a whenComplete callback would
        }

        assertThatThrownBy(sink::assertDone).isInstanceOf(AssertionError.class);
        assertThatThrownBy(sink::next).isInstanceOf(AssertionError.class);
    }

    @Test
    void expectationsAreMetInOrder() {
        ScriptedSink sink = new ScriptedSink()
                .expect(p -> p instanceof IQ, "an IQ")
                .expect(p -> p instanceof Presence, "a presence");

        assertThatThrownBy(() -> sink.send(new Presence())).hasMessageContaining("expected an IQ");
    }

    @Test
    void matchedStanzasAreHandedOutInOrderAsCopies() {
        ScriptedSink sink = new ScriptedSink()
                .expect(IQ.class, iq -> iq.getType() == IQ.Type.get, "a get")
                .expect(Message.class, m -> "hi".equals(m.getBody()), "hi");
        IQ iq = new IQ(IQ.Type.get);
        Message m = new Message();
        m.setBody("hi");

        sink.send(iq);
        sink.send(m);
        iq.setType(IQ.Type.set);

        assertThat(sink.next(IQ.class).getType()).isEqualTo(IQ.Type.get);
        assertThat(sink.next(Message.class).getBody()).isEqualTo("hi");
        assertThatThrownBy(sink::next).isInstanceOf(AssertionError.class);
        sink.assertDone();
    }

    @Test
    void anExpectationLeftOpenFails() {
        ScriptedSink sink = new ScriptedSink().expect(p -> true, "anything");

        assertThatThrownBy(sink::assertDone).hasMessageContaining("anything");
    }

    @Test
    void manualSchedulerRunsDueTasksInOrderOnTheCallersThread() {
        ManualScheduler clock = new ManualScheduler();
        List<String> ran = new ArrayList<>();
        Thread caller = Thread.currentThread();
        clock.schedule(() -> ran.add("b"), 2, TimeUnit.SECONDS);
        clock.schedule(() -> ran.add("a"), 1, TimeUnit.SECONDS);
        clock.schedule(() -> ran.add("never"), 5, TimeUnit.SECONDS).cancel(false);
        clock.schedule(() -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            clock.schedule(() -> ran.add("c"), 1, TimeUnit.SECONDS);
        }, 2500, TimeUnit.MILLISECONDS);

        clock.advance(Duration.ofMillis(999));
        assertThat(ran).isEmpty();
        clock.advance(Duration.ofSeconds(3));
        assertThat(ran).containsExactly("a", "b", "c");
        clock.advance(Duration.ofSeconds(10));
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(clock.pending()).isZero();
    }
}
