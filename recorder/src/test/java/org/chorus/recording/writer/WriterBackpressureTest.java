package org.chorus.recording.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.chorus.testing.media.EncodedFrame;
import org.chorus.testing.media.MarkedAv;
import org.chorus.testing.media.RecordingProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process that stops reading (a grid encoder slower than real time, a stalled disk) must
 * not stall the recorder's media threads: the parent buffers, then drops frames (video up to its
 * next keyframe) and returns at once; once the child reads again, the recording goes on and the
 * file still plays.
 */
class WriterBackpressureTest {

    @Test
    void aStoppedWriterNeverBlocksTheCallerAndTheFileStillPlays(@TempDir Path folder) throws Exception {
        WriterProcess writer = WriterProcess.start(new OutputSpec(folder, Layout.TRACKS, Mode.FILE, null, "a1-"),
                WriterProcess.Options.defaults("backpressure"));
        writer.ready().get(30, TimeUnit.SECONDS);
        writer.addStream(new StreamSpec(1, "alice@example.org", "alice", Codec.VP8));
        try (MarkedAv av = new MarkedAv(320, 180, 30)) {
            List<EncodedFrame> frames = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                frames.add(av.nextVideo());
            }
            feed(writer, frames.subList(0, 60), 0);
            // SIGSTOP: the child reads nothing more until SIGCONT
            signal(writer.pid(), "STOP");
            byte[] big = new byte[64 * 1024];
            long slowest = 0;
            int n = 0;
            // far more than the parent's buffer holds
            for (long sent = 0; sent < 3L * WriterProcess.PIPE_BUFFER_BYTES; sent += big.length) {
                long t0 = System.nanoTime();
                writer.frame(1, 2_000_000 + n * 1000L, n % 50 == 0, big, 0, big.length);
                slowest = Math.max(slowest, System.nanoTime() - t0);
                n++;
            }
            writer.advance(3_000_000);
            assertThat(Duration.ofNanos(slowest)).as("the slowest frame() call while the writer was stopped")
                    .isLessThan(Duration.ofMillis(200));
            assertThat(writer.droppedFrames()).as("frames dropped while the writer was stopped").isGreaterThan(0);
            signal(writer.pid(), "CONT");
        }
        List<OutputFile> files = writer.finish();
        assertThat(files).hasSize(1);
        RecordingProbe.ProbeResult probe = RecordingProbe.probe(folder.resolve(files.get(0).name()));
        assertThat(probe.streams("video")).singleElement().satisfies(s -> assertThat(s.codecName()).isEqualTo("vp8"));
    }

    @Test
    void thePipeKeepsOrderFlushesWithoutWaitingAndDeliversEverythingOnClose() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Object gate = new Object();
        boolean[] open = {false};
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (gate) {
                    while (!open[0]) {
                        try {
                            gate.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                synchronized (received) {
                    received.write(b, off, len);
                }
            }
        };
        PipeBuffer pipe = new PipeBuffer(slow, 1000, "pipe-test", 60_000_000_000L);
        byte[] data = new byte[900];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        pipe.write(data, 0, 300);
        pipe.write(data, 300, 600);
        long t0 = System.nanoTime();
        pipe.flush();
        assertThat(System.nanoTime() - t0).as("flush does not wait for a stalled reader").isLessThan(100_000_000L);
        assertThat(pipe.free()).isLessThanOrEqualTo(1000 - 900 + 64 * 1024);
        synchronized (gate) {
            open[0] = true;
            gate.notifyAll();
        }
        pipe.close();
        synchronized (received) {
            assertThat(received.toByteArray()).isEqualTo(data);
        }
    }

    @Test
    void aWriteIntoAFullPipeOfAHungChildFailsInsteadOfWaitingForever() throws Exception {
        Object never = new Object();
        OutputStream hung = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (never) {
                    try {
                        never.wait(); // a child that never reads again
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        PipeBuffer pipe = new PipeBuffer(hung, 1000, "hung-pipe", 300_000_000L);
        assertThat(pipe.stalledNanos(System.nanoTime())).as("an empty pipe is not stalled").isZero();
        pipe.write(new byte[1000], 0, 1000);
        Thread.sleep(50);
        assertThat(pipe.stalledNanos(System.nanoTime())).as("bytes wait without the child reading").isPositive();
        assertThatThrownBy(() -> pipe.write(new byte[10], 0, 10)).isInstanceOf(IOException.class)
                .hasMessageContaining("has not read its input");
        assertThatThrownBy(pipe::close).isInstanceOf(IOException.class).hasMessageContaining("did not take its input");
    }

    private static void feed(WriterProcess writer, List<EncodedFrame> frames, long offsetMicros) {
        for (EncodedFrame f : frames) {
            writer.frame(1, offsetMicros + f.ptsMicros(), f.keyframe(), f.data(), 0, f.data().length);
        }
        writer.advance(offsetMicros + frames.get(frames.size() - 1).ptsMicros());
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
