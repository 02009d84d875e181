package org.chorus.testing.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the system's {@code ffprobe} (an FFmpeg build independent of the one under test) says about
 * a media file: its first stream, its format, and its packets. Also decodes audio with the
 * system's {@code ffmpeg} to count the samples a player would play.
 */
public final class FfprobeReport {

    private final JsonNode stream;
    private final JsonNode format;
    private final List<double[]> packets;

    private FfprobeReport(JsonNode stream, JsonNode format, List<double[]> packets) {
        this.stream = stream;
        this.format = format;
        this.packets = packets;
    }

    public static FfprobeReport of(Path file) throws IOException, InterruptedException {
        String json = run(false, "ffprobe", "-v", "error", "-show_streams", "-show_format", "-show_packets", "-of", "json",
                file.toString());
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode streams = root.path("streams");
        List<double[]> packets = new ArrayList<>();
        for (JsonNode p : root.path("packets")) {
            packets.add(new double[] {number(p.path("pts_time")), number(p.path("duration_time"))});
        }
        return new FfprobeReport(streams.size() > 0 ? streams.get(0) : null, root.path("format"), packets);
    }

    public int streamCount() {
        return stream == null ? 0 : 1;
    }

    public String codec() {
        return stream.path("codec_name").asText();
    }

    public String codecType() {
        return stream.path("codec_type").asText();
    }

    public int width() {
        return stream.path("width").asInt();
    }

    public int height() {
        return stream.path("height").asInt();
    }

    public int sampleRate() {
        return stream.path("sample_rate").asInt();
    }

    /** The stream's start time in seconds. */
    public double startTime() {
        return number(stream.path("start_time"));
    }

    /** The format's duration in seconds, or NaN when the file declares none. */
    public double duration() {
        return number(format.path("duration"));
    }

    public String formatName() {
        return format.path("format_name").asText();
    }

    public int packetCount() {
        return packets.size();
    }

    /** The end of the last packet in seconds (its pts plus its duration when known). */
    public double lastPacketEnd() {
        double end = Double.NaN;
        for (double[] p : packets) {
            double e = p[0] + (Double.isNaN(p[1]) ? 0 : p[1]);
            end = Double.isNaN(end) ? e : Math.max(end, e);
        }
        return end;
    }

    /** The pts of the first packet in seconds. */
    public double firstPacketPts() {
        return packets.isEmpty() ? Double.NaN : packets.get(0)[0];
    }

    /** Seconds of audio the system's ffmpeg decodes from the file (48 kHz). */
    public static double decodedAudioSeconds(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "s16le", "-ac", "1", "-ar",
                "48000", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long bytes = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                bytes += n;
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg could not decode " + file);
        }
        return bytes / 2 / 48_000.0;
    }

    /** Errors the system's ffmpeg reports while decoding the whole file; empty when none. */
    public static String decodeErrors(Path file) throws IOException, InterruptedException {
        return run(true, "ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-").trim();
    }

    private static double number(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asText().equals("N/A") ? Double.NaN
                : Double.parseDouble(node.asText());
    }

    private static String run(boolean withErrors, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (withErrors) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = builder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command[0] + " timed out");
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
