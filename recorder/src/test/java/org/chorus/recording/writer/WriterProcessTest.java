package org.chorus.recording.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.chorus.recording.media.Codec;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.MediaKind;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.chorus.recording.tracks.Remux;
import org.chorus.testing.media.RecordingProbe;
import org.chorus.testing.media.RecordingProbe.ProbeResult;
import org.chorus.testing.media.TestEncoders;
import org.chorus.testing.media.TestEncoders.Encoded;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writer child, end to end: real encoded frames through the pipe, files read back by the system's ffprobe. */
class WriterProcessTest {

    private static final Logger LOG = LoggerFactory.getLogger(WriterProcessTest.class);

    private static List<Encoded> vp8;
    private static List<Encoded> opus;

    @TempDir
    Path folder;

    @BeforeAll
    static void encode() {
        vp8 = TestEncoders.vp8(320, 240, 30, 195, 90); // 6.5 s, keyframes every 3 s
        opus = TestEncoders.opus(325); // 6.5 s
    }

    private WriterProcess start(String label) throws Exception {
        WriterProcess writer = WriterProcess.start(new OutputSpec(folder, Layout.TRACKS, Mode.FILE, null, "a1-"),
                WriterProcess.Options.defaults(label));
        writer.addStream(new StreamSpec(1, "alice@example.org", "alice", Codec.VP8));
        writer.addStream(new StreamSpec(2, "alice@example.org", "alice", Codec.OPUS));
        return writer;
    }

    private static TimedFeed feed() {
        return new TimedFeed().add(1, vp8).add(2, opus);
    }

    @Test
    void framesGoThroughTheChildIntoFinishedFiles() throws Exception {
        WriterProcess writer = start("e2e");
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        writer.onExit(exit::complete);
        writer.participantJoined("alice@example.org", "alice", 0);
        feed().feed(writer, 2_000_000, false);
        writer.firstMediaWritten().get(20, TimeUnit.SECONDS);

        List<OutputFile> files = writer.finish();

        assertThat(exit.get(5, TimeUnit.SECONDS)).isEqualTo(WriterExit.OK);
        assertThat(writer.isAlive()).isFalse();
        assertThat(files).extracting(OutputFile::name, OutputFile::kind, OutputFile::codec, OutputFile::participantId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a1-alice-audio-2.webm", MediaKind.AUDIO, "opus",
                                "alice@example.org"),
                        org.assertj.core.groups.Tuple.tuple("a1-alice-video-1.webm", MediaKind.VIDEO, "vp8",
                                "alice@example.org"));
        assertThat(files).allSatisfy(f -> assertThat(f.durationMicros()).isCloseTo(2_000_000L, within(100_000L)));
        ProbeResult video = RecordingProbe.probe(folder.resolve("a1-alice-video-1.webm"));
        assertThat(video.onlyStream().codecName()).isEqualTo("vp8");
        assertThat(video.onlyStream().width()).isEqualTo(320);
        assertThat(video.duration()).isCloseTo(2.0, within(0.1));
        ProbeResult audio = RecordingProbe.probe(folder.resolve("a1-alice-audio-2.webm"));
        assertThat(audio.onlyStream().codecName()).isEqualTo("opus");
        assertThat(audio.duration()).isCloseTo(2.0, within(0.1));
        assertThat(Remux.needsFixUp(folder.resolve("a1-alice-video-1.webm"))).isFalse();
    }

    @Test
    void aKilledChildLeavesPlayableFilesMissingAtMostAboutASecond() throws Exception {
        WriterProcess writer = start("kill9");
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        writer.onExit(exit::complete);
        long fedUntil = feed().feed(writer, 6_000_000, true);
        double fedEnd = fedUntil / 1e6;

        ProcessHandle.of(writer.pid()).orElseThrow().destroyForcibly(); // SIGKILL
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(137);

        // The recorder carries on: calls are dropped, finish() reports the crash.
        writer.frame(1, fedUntil + 33_000, false, new byte[100], 0, 100);
        writer.advance(fedUntil + 100_000);
        assertThatThrownBy(writer::finish).hasMessageContaining("crashed").hasMessageContaining("137");

        for (String name : List.of("a1-alice-video-1.webm", "a1-alice-audio-2.webm")) {
            Path file = folder.resolve(name);
            double kept = RecordingProbe.lastPacketEnd(RecordingProbe.packets(file));
            LOG.info("kill -9 after {} s of media: {} keeps {} s, lost {} s", fedEnd, name, kept, fedEnd - kept);
            assertThat(kept).as(name).isGreaterThanOrEqualTo(fedEnd - 1.2);
            assertThat(RecordingProbe.decodeErrors(file)).as(name).isEmpty();
            assertThat(Remux.needsFixUp(file)).as(name).isTrue();
            Remux.fixUp(file);
            assertThat(RecordingProbe.probe(file).duration()).as(name).isCloseTo(kept, within(0.1));
        }
    }

    @Test
    void theCrashHookEndsTheChildLikeANativeCrashAndTheSecretStaysOffTheCommandLine() throws Exception {
        String secret = "rtmp://ingest.example.invalid/live/very-secret-key-31337";
        WriterProcess writer = WriterProcess.start(new OutputSpec(folder, Layout.TRACKS, Mode.STREAM, secret, "a2-"),
                WriterProcess.Options.defaults("hook"));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        writer.onExit(exit::complete);
        writer.ready().get(20, TimeUnit.SECONDS);
        assertThat(ProcessHandle.of(writer.pid()).orElseThrow().info().arguments().map(List::of).orElseThrow())
                .contains(WriterMain.class.getName()).noneMatch(a -> a.contains("very-secret-key"));

        writer.crashForTest();

        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(WriterExit.CRASH_FOR_TEST);
        assertThat(writer.isAlive()).isFalse();
        writer.addStream(new StreamSpec(1, "alice@example.org", "alice", Codec.VP8));
        writer.participantLeft("alice@example.org", 1_000_000);
        assertThatThrownBy(writer::finish).hasMessageContaining("crashed").hasMessageContaining("134");
        assertThatThrownBy(() -> writer.firstMediaWritten().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        writer.abort(); // never throws
    }

    @Test
    void whenTheRecorderDiesTheChildFinishesTheFilesWithTrailers() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WriterParentForTest.class.getName(), folder.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long writerPid = -1;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("WRITER ")) {
                    writerPid = Long.parseLong(line.substring(7).trim());
                }
            }
        }
        assertThat(parent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(parent.exitValue()).isEqualTo(137);
        assertThat(writerPid).isPositive();
        ProcessHandle.of(writerPid).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());

        for (String name : List.of("p-alice-video-1.webm", "p-alice-audio-2.webm")) {
            Path file = folder.resolve(name);
            assertThat(Remux.needsFixUp(file)).as(name).isFalse();
            assertThat(RecordingProbe.probe(file).duration()).as(name).isCloseTo(2.0, within(0.1));
        }
    }

    @Test
    void aGridThatCannotOpenItsFileFailsCleanly() throws Exception {
        // the "folder" is a plain file: the MP4 cannot be created in it
        Path notAFolder = java.nio.file.Files.writeString(folder.resolve("not-a-folder"), "x");
        WriterProcess writer = WriterProcess.start(new OutputSpec(notAFolder, Layout.GRID, Mode.FILE, null, "a3-"),
                WriterProcess.Options.defaults("grid"));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        writer.onExit(exit::complete);

        assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(WriterExit.OUTPUT_FAILED);
        assertThatThrownBy(() -> writer.ready().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        writer.advance(0);
        assertThatThrownBy(writer::finish).hasMessageContaining("exit code " + WriterExit.OUTPUT_FAILED);
    }

    @Test
    void theChildExitsCleanlyWhenAbortedWithoutTrailers() throws Exception {
        WriterProcess writer = start("abort");
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        writer.onExit(exit::complete);
        feed().feed(writer, 1_000_000, false);
        writer.firstMediaWritten().get(20, TimeUnit.SECONDS);

        writer.abort();

        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(WriterExit.OK);
        await().atMost(Duration.ofSeconds(5)).until(() -> !writer.isAlive());
        assertThatThrownBy(writer::finish).hasMessageContaining("aborted");
    }
}
