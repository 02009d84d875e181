package org.chorus.recording.writer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.chorus.recording.media.Layout;
import org.chorus.recording.media.MediaKind;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;

/**
 * The pipe between the recorder and its writer child.
 *
 * <p>On the child's stdin, binary and big-endian ({@link DataOutputStream}): a header (magic,
 * version, label, then the {@link OutputSpec}, stream URL included, which is why it never travels
 * on a command line), then one message per {@code MediaOutput} call, each an opcode byte and its
 * fields. On the child's stdout, one reply per line: {@code READY}, {@code FIRST_MEDIA},
 * {@code FILE} lines, then {@code FINISHED} (or {@code FAILED <reason>}). Log lines go to stderr.
 */
final class WriterProtocol {

    static final int MAGIC = 0x43575231; // "CWR1"
    static final int VERSION = 1;

    static final int JOINED = 1;
    static final int LEFT = 2;
    static final int ADD_STREAM = 3;
    static final int FRAME = 4;
    static final int REMOVE_STREAM = 5;
    static final int ADVANCE = 6;
    static final int FINISH = 7;
    static final int ABORT = 8;
    /** Test hook: the child halts at once with {@link WriterExit#CRASH_FOR_TEST}, as a native crash would. */
    static final int CRASH_FOR_TEST = 0x7F;

    static final String READY = "READY";
    static final String FIRST_MEDIA = "FIRST_MEDIA";
    static final String FILE = "FILE";
    static final String FINISHED = "FINISHED";
    static final String FAILED = "FAILED";

    /** The header of the child's stdin: who it writes for, and where. */
    record Header(String label, OutputSpec spec) {}

    private WriterProtocol() {
    }

    static void writeHeader(DataOutputStream out, String label, OutputSpec spec) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(label);
        out.writeUTF(spec.folder().toString());
        out.writeUTF(spec.layout().name());
        out.writeUTF(spec.mode().name());
        writeNullable(out, spec.streamUrl());
        out.writeUTF(spec.filePrefix());
    }

    static Header readHeader(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a writer pipe");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("writer pipe version " + version + ", expected " + VERSION);
        }
        String label = in.readUTF();
        Path folder = Path.of(in.readUTF());
        Layout layout = Layout.valueOf(in.readUTF());
        Mode mode = Mode.valueOf(in.readUTF());
        String streamUrl = readNullable(in);
        String prefix = in.readUTF();
        return new Header(label, new OutputSpec(folder, layout, mode, streamUrl, prefix));
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** A {@code FILE} reply line. */
    static String fileLine(OutputFile file) {
        return String.join(" ", FILE, encode(file.name()), encode(file.participantId()),
                file.kind() == null ? "-" : file.kind().name(), encode(file.codec()), Long.toString(file.startMicros()),
                Long.toString(file.durationMicros()));
    }

    static OutputFile parseFileLine(String line) {
        String[] f = line.split(" ");
        if (f.length != 7 || !f[0].equals(FILE)) {
            throw new IllegalArgumentException("not a file line");
        }
        return new OutputFile(decode(f[1]), decode(f[2]), f[3].equals("-") ? null : MediaKind.valueOf(f[3]),
                decode(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]));
    }

    /** Percent-encoding so that no field holds a space; null is {@code -}, and a literal {@code -} is {@code %2D}. */
    private static String encode(String value) {
        if (value == null) {
            return "-";
        }
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
        return encoded.isEmpty() ? "%00" : encoded.replace("-", "%2D");
    }

    private static String decode(String field) {
        if (field.equals("-")) {
            return null;
        }
        if (field.equals("%00")) {
            return "";
        }
        return URLDecoder.decode(field, StandardCharsets.UTF_8);
    }
}
