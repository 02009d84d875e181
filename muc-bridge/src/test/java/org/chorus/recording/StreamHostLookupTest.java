package org.chorus.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.chorus.command.AdHocCommands;
import org.chorus.conference.ActiveCalls;
import org.chorus.conference.CallManager;
import org.chorus.disco.CommandCatalog;
import org.chorus.muc.Affiliation;
import org.chorus.muc.Room;
import org.chorus.testing.fakes.MucFixture;
import org.chorus.testing.fakes.MucStanzas;
import org.chorus.testing.fakes.ScriptedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * The stream URL's host name is looked up off the signalling thread: while a DNS answer is slow,
 * the signalling thread goes on with other work, and the request is answered once the lookup ends.
 */
class StreamHostLookupTest {
    private static final JID TEAM = new JID("team@conference.example.org");
    private static final String URL = "rtmp://live.example.com/app/key";

    @RegisterExtension
    final ScriptedSink sink = new ScriptedSink();

    private ScheduledExecutorService signalling;
    private MucFixture muc;
    private RecordingManager recordings;
    private final CountDownLatch lookingUp = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<String> lookedUp = new AtomicReference<>();
    private final List<HostLookups> made = new ArrayList<>();

    @BeforeEach
    void setUp() {
        signalling = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-signalling"));
        muc = new MucFixture(sink, signalling, Duration.ofMinutes(5), Duration.ofHours(1));
        muc.joined(TEAM, MucStanzas.CALLABLE, MucFixture.occupant("alice", "alice@example.org/laptop", Affiliation.OWNER));
        CallManager calls = new CallManager(muc.registry, new ActiveCalls(), signalling, Clock.systemUTC(),
                Duration.ofSeconds(30));
        // no recorder is trusted: a start that passes the URL check is refused with "not set up"
        recordings = new RecordingManager(new RecorderPool(), muc.tracker, muc.registry, calls,
                new RecordingManager.RecorderCalls() {
                    @Override
                    public void addRecorder(Room room, JID recorder) {
                        throw new AssertionError("no recorder is called");
                    }

                    @Override
                    public void removeRecorder(Room room, JID recorder) {
                        throw new AssertionError("no recorder is called");
                    }
                }, signalling, new RecordingManager.Settings(Duration.ofSeconds(90), 3, Duration.ofSeconds(60), false));
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        made.forEach(HostLookups::close);
        muc.close();
    }

    /** A DNS server that answers only when the test says so. */
    private InetAddress[] slowDns(String host) throws java.net.UnknownHostException {
        lookedUp.set(host);
        lookingUp.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new InetAddress[] {InetAddress.getByName("203.0.113.7")};
    }

    @Test
    void aSlowLookupForAJibriStartDoesNotHoldTheSignallingThread() throws Exception {
        JibriIqHandler handler = new JibriIqHandler(muc.jids, muc.registry, recordings, "tracks",
                new StreamHosts(List.of(), lookups(this::slowDns)));
        IQ start = MucStanzas.iq("<iq type='set' id='j1' from='alice@example.org/laptop' to='team@av.example.org'>"
                + "<jibri xmlns='http://jitsi.org/protocol/jibri' action='start' recording_mode='stream' streamid='"
                + URL + "'/></iq>");
        IQ answer = answerWhileTheLookupHangs(() -> handler.handle(start));
        assertThat(answer.getType()).isEqualTo(IQ.Type.error);
        assertThat(answer.getError().getCondition()).as(answer.toXML())
                .isEqualTo(PacketError.Condition.service_unavailable);
        assertThat(answer.toXML()).contains(RecordingManager.NOT_SET_UP);
    }

    @Test
    void aSlowLookupForTheRecordCommandDoesNotHoldTheSignallingThread() throws Exception {
        AdHocCommands commands = new AdHocCommands(muc.jids, muc.registry, new CommandCatalog())
                .register(new RecordCommand(recordings, "tracks", new StreamHosts(List.of(), lookups(this::slowDns))));
        IQ submit = MucStanzas.iq("<iq type='set' id='c1' from='alice@example.org/laptop' to='team@av.example.org'>"
                + "<command xmlns='http://jabber.org/protocol/commands' node='chorus:record' action='complete'>"
                + "<x xmlns='jabber:x:data' type='submit'>"
                + field("action", "start") + field("recording_mode", "stream") + field("stream_url", URL)
                + "</x></command></iq>");
        IQ answer = answerWhileTheLookupHangs(() -> commands.handle(submit));
        assertThat(answer.getType()).isEqualTo(IQ.Type.error);
        assertThat(answer.getError().getCondition()).as(answer.toXML())
                .isEqualTo(PacketError.Condition.service_unavailable);
    }

    @Test
    void anOwnerDemotedDuringTheLookupIsRefusedOnceItEnds() throws Exception {
        JibriIqHandler handler = new JibriIqHandler(muc.jids, muc.registry, recordings, "tracks",
                new StreamHosts(List.of(), lookups(this::slowDns)));
        IQ start = MucStanzas.iq("<iq type='set' id='j2' from='alice@example.org/laptop' to='team@av.example.org'>"
                + "<jibri xmlns='http://jitsi.org/protocol/jibri' action='start' recording_mode='stream' streamid='"
                + URL + "'/></iq>");
        IQ answer = answerWhileTheLookupHangs(() -> handler.handle(start), () -> muc.registry.onPresence(
                MucStanzas.occupant(TEAM, muc.self(TEAM), "alice", "alice@example.org/laptop", "member", "participant")));
        assertThat(answer.getType()).isEqualTo(IQ.Type.error);
        assertThat(answer.getError().getCondition()).as(answer.toXML()).isEqualTo(PacketError.Condition.forbidden);
    }

    @Test
    void aLookupThatTakesTooLongIsRefusedAsNotResolvingInTime() throws Exception {
        StreamHosts hosts = new StreamHosts(List.of(), lookups(this::slowDns, 1, 1, Duration.ofMillis(200)));
        Optional<RecordingManager.Refusal> refused = hosts.check(URL).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(refused).isPresent();
        assertThat(refused.get().condition()).isEqualTo(PacketError.Condition.bad_request);
        assertThat(refused.get().text()).isEqualTo("stream_url: the host does not resolve in time");
    }

    @Test
    void lookupsBeyondTheQueueAreRefusedAtOnceWithResourceConstraint() throws Exception {
        StreamHosts hosts = new StreamHosts(List.of(), lookups(this::slowDns, 1, 1, Duration.ofMinutes(1)));
        CompletableFuture<Optional<RecordingManager.Refusal>> running = hosts.check(URL).toCompletableFuture();
        assertThat(lookingUp.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Optional<RecordingManager.Refusal>> waiting = hosts.check(URL).toCompletableFuture();
        Optional<RecordingManager.Refusal> refused = hosts.check(URL).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(refused).isPresent();
        assertThat(refused.get().condition()).isEqualTo(PacketError.Condition.resource_constraint);
        assertThat(refused.get().text()).contains("too many host lookups");
        assertThat(running).isNotDone();
        assertThat(waiting).isNotDone();
        release.countDown();
        assertThat(running.get(30, TimeUnit.SECONDS)).as("the first lookup's host is public").isEmpty();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).as("the queued lookup ran after it").isEmpty();
    }

    private IQ answerWhileTheLookupHangs(java.util.function.Supplier<CompletionStage<IQ>> request) throws Exception {
        return answerWhileTheLookupHangs(request, () -> { });
    }

    /**
     * Runs {@code request} on the signalling thread while the lookup hangs, checks that a task queued
     * after it ({@code meanwhile}) runs meanwhile, then lets the lookup answer and returns the IQ answer.
     */
    private IQ answerWhileTheLookupHangs(java.util.function.Supplier<CompletionStage<IQ>> request, Runnable meanwhile)
            throws Exception {
        CompletableFuture<IQ> answer = new CompletableFuture<>();
        AtomicReference<String> answeredOn = new AtomicReference<>();
        signalling.execute(() -> request.get().whenComplete((iq, failure) -> {
            answeredOn.set(Thread.currentThread().getName());
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(iq);
            }
        }));
        CountDownLatch later = new CountDownLatch(1);
        signalling.execute(() -> {
            meanwhile.run();
            later.countDown();
        });
        assertThat(lookingUp.await(10, TimeUnit.SECONDS)).as("the host name is looked up").isTrue();
        assertThat(lookedUp.get()).isEqualTo("live.example.com");
        assertThat(later.await(10, TimeUnit.SECONDS))
                .as("a task queued after the request ran on the signalling thread while the lookup hangs").isTrue();
        assertThat(answer).as("no answer before the lookup ends").isNotDone();
        release.countDown();
        IQ iq = answer.get(10, TimeUnit.SECONDS);
        assertThat(answeredOn.get()).as("the answer is completed on the signalling thread").isEqualTo("test-signalling");
        return iq;
    }

    /** Lookups as the gateway makes them, answering on the (test's) signalling thread. */
    private HostLookups lookups(HostLookups.Resolver resolver) {
        return lookups(resolver, HostLookups.THREADS, HostLookups.QUEUE, Duration.ofMinutes(1));
    }

    private HostLookups lookups(HostLookups.Resolver resolver, int threads, int queue, Duration timeout) {
        HostLookups lookups = new HostLookups(resolver, signalling, threads, queue, timeout);
        made.add(lookups);
        return lookups;
    }

    private static String field(String var, String value) {
        return "<field var='" + var + "'><value>" + value + "</value></field>";
    }
}
