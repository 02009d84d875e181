package org.chorus.recording.writer;

import java.nio.file.Path;

import org.chorus.recording.media.Codec;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.chorus.testing.media.TestEncoders;

/**
 * A stand-in recorder for a test: starts a writer for the folder given as its argument, feeds it
 * 2 s of VP8 and Opus, prints the writer's pid, and halts without finishing, as a recorder killed
 * mid-recording would.
 */
public final class WriterParentForTest {

    private WriterParentForTest() {
    }

    public static void main(String[] args) throws Exception {
        OutputSpec spec = new OutputSpec(Path.of(args[0]), Layout.TRACKS, Mode.FILE, null, "p-");
        WriterProcess writer = WriterProcess.start(spec, WriterProcess.Options.defaults("orphan"));
        writer.addStream(new StreamSpec(1, "alice@example.org", "alice", Codec.VP8));
        writer.addStream(new StreamSpec(2, "alice@example.org", "alice", Codec.OPUS));
        new TimedFeed().add(1, TestEncoders.vp8(320, 240, 30, 60, 30)).add(2, TestEncoders.opus(100))
                .feed(writer, Long.MAX_VALUE, false);
        writer.firstMediaWritten().get();
        System.out.println("WRITER " + writer.pid());
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }
}
