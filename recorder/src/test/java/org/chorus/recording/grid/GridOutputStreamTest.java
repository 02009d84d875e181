package org.chorus.recording.grid;

import org.chorus.testing.media.NginxRtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.testing.media.GridTestFrames;
import org.chorus.testing.media.RecordingProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The grid pushed live to a real nginx-rtmp ingest, fed in real time as a live call would be. */
class GridOutputStreamTest {

    @TempDir
    Path dir;

    private final String key = "key-" + UUID.randomUUID();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final ch.qos.logback.classic.Logger root =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ch.qos.logback.classic.Logger gridLogger =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.chorus.recording.grid");
    private Level gridLevel;

    @BeforeEach
    void captureLogs() {
        logs.start();
        root.addAppender(logs);
        gridLevel = gridLogger.getLevel();
        gridLogger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void releaseLogs() {
        root.detachAppender(logs);
        gridLogger.setLevel(gridLevel);
    }

    @Test
    void pushesH264AndAacThatTheIngestRecords() throws Exception {
        try (NginxRtmp nginx = NginxRtmp.start(dir, NginxRtmp.freePort())) {
            GridOutput grid = new GridOutput(new OutputSpec(dir, Layout.GRID, Mode.STREAM, nginx.url(key), "a1-"));
            GridFeeder feeder = twoPeople(grid);
            long wallStart = System.nanoTime();
            feeder.runTo(6_000_000, () -> pace(wallStart, feeder));
            List<OutputFile> files = grid.finish();
            assertThat(files).as("a stream writes no file of its own").isEmpty();

            Awaitility.await("the ingest's recording").atMost(Duration.ofSeconds(10))
                    .until(() -> !nginx.recordings().isEmpty());
            nginx.stop();
            List<Path> recordings = nginx.recordings();
            assertThat(recordings).hasSize(1);
            RecordingProbe.ProbeResult probe = RecordingProbe.probe(recordings.get(0));
            assertThat(probe.streams("video")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("h264"));
            assertThat(probe.streams("audio")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("aac"));
            assertThat(probe.duration()).as("duration of %s", probe).isCloseTo(6.0, within(1.0));
        }
        assertNoUrlInLogs();
    }

    @Test
    void aStoppedIngestStallsNothingAndTheStreamResumesAsANewFlv() throws Exception {
        int port = NginxRtmp.freePort();
        NginxRtmp nginx = NginxRtmp.start(dir, port);
        try {
            GridOutput grid = new GridOutput(new OutputSpec(dir, Layout.GRID, Mode.STREAM, nginx.url(key), ""));
            TimedOutput timed = new TimedOutput(grid);
            GridFeeder feeder = twoPeople(timed);
            long wallStart = System.nanoTime();
            feeder.runTo(2_500_000, () -> pace(wallStart, feeder));

            nginx.stop();
            timed.reset();
            feeder.runTo(4_500_000, () -> pace(wallStart, feeder));
            // a blocked write would take rw_timeout (5 s) or forever; a call waiting on the
            // reconnect loop would take at least one attempt
            assertThat(timed.longestMillis()).as("longest call while the ingest is down").isLessThan(1_000);

            nginx.start();
            feeder.runTo(8_500_000, () -> pace(wallStart, feeder));
            assertThat(timed.longestMillis()).as("longest call across the reconnect").isLessThan(1_000);
            grid.finish();
            assertThat(grid.ticksEmitted()).isEqualTo(255);

            Awaitility.await("a second recording after the reconnect").atMost(Duration.ofSeconds(10))
                    .until(() -> nginx.recordings().size() >= 2);
            nginx.stop();
            List<Path> recordings = nginx.recordings();
            RecordingProbe.ProbeResult second = RecordingProbe.probe(recordings.get(recordings.size() - 1));
            assertThat(second.streams("video")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("h264"));
            assertThat(second.streams("audio")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("aac"));
            // frames made while the ingest was down were dropped, not burst into the new stream
            assertThat(second.duration()).as("%s", second).isLessThan(6.5);
        } finally {
            nginx.stop();
        }
        assertThat(messages()).anyMatch(m -> m.contains("the stream URL") && m.contains("reconnecting"));
        assertNoUrlInLogs();
    }

    private static GridFeeder twoPeople(org.chorus.recording.media.MediaOutput output) {
        GridFeeder feeder = new GridFeeder(output);
        List<byte[]> tone = GridTestFrames.opusTone(440, 0.3f, 50);
        feeder.add("red@example.org", 10, GridFeeder.solid(320, 240, 255, 0, 0), tone, 0, Long.MAX_VALUE / 2);
        feeder.add("green@example.org", 20, GridFeeder.solid(320, 240, 0, 255, 0), tone, 0, Long.MAX_VALUE / 2);
        return feeder;
    }

    /** Holds the feed to real time: the media clock may not run ahead of the wall clock. */
    private static void pace(long wallStartNanos, GridFeeder feeder) {
        long due = wallStartNanos + (feeder.now() + GridFeeder.STEP_MICROS) * 1_000;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private List<String> messages() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            out.add(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                out.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        return out;
    }

    private void assertNoUrlInLogs() {
        List<String> messages = messages();
        assertThat(messages).as("log lines").isNotEmpty();
        assertThat(messages).noneMatch(m -> m != null && (m.contains(key) || m.contains("/live/")));
    }
}
