package org.chorus.testing.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Reads a recording back the way a user would check it: what the system's {@code ffprobe} says
 * about the file, its streams and its packets; whether the system's {@code ffmpeg} decodes it with
 * no errors, how many seconds of audio it decodes and how many pictures ffprobe decodes (Debian's
 * builds, independent of the FFmpeg under test); and where the {@link MarkedAv} markers (white
 * flashes, 1 kHz beeps) are in its picture and sound. All times are seconds on the file's own
 * timeline, its start_time included.
 *
 * <p>Durations: {@link ProbeResult#duration()} is the format's {@code duration}. For Matroska and
 * WebM that is where the file's timeline ends, start_time included, so a track that starts at 5 s
 * and lasts 3 s has a duration of 8 s: its length is {@code duration() - startTime()}. A file
 * whose writing was cut off has none (NaN) until it is remuxed. {@link StreamInfo#duration()} is
 * the stream's own {@code duration}, which ffprobe leaves N/A (NaN) for Matroska and WebM; use
 * the format's. The grid's MP4 and the streamed FLV start at (about) 0, so there the format's
 * duration is also the length, and the tests compare it as such.
 */
public final class RecordingProbe {

    /** A mean luma (0–255) above this is a flash (half a picture white is not). */
    public static final double FLASH_LUMA = 180;
    /** A flash has ended once the mean luma is back below this. */
    public static final double DARK_LUMA = 120;
    /** Markers closer than this to the previous one are the same marker. */
    public static final double MIN_MARK_GAP_SECONDS = 0.5;
    /** A beep's short-window RMS must exceed this fraction of the loudest window in the file. */
    public static final double BEEP_FRACTION = 0.25;
    /** ... and at least this absolute RMS (full scale = 1). */
    public static final double BEEP_FLOOR = 0.02;
    private static final int BEEP_WINDOW_SAMPLES = 48; // 1 ms at 48 kHz

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordingProbe() {}

    /**
     * One stream as ffprobe reports it; absent numbers are 0 (sizes, sample rate, channels) or NaN
     * (times). The duration is the stream's own, N/A (NaN) in Matroska and WebM: see the class
     * comment.
     */
    public record StreamInfo(int index, String codecName, String codecType, int width, int height,
            int sampleRate, int channels, double startTime, double duration) {}

    /**
     * What ffprobe says about a file. The start time and duration are the format's: for Matroska
     * and WebM the duration is where the timeline ends, start_time included (see the class
     * comment).
     */
    public record ProbeResult(String formatName, double startTime, double duration, List<StreamInfo> streams) {
        public ProbeResult {
            streams = List.copyOf(streams);
        }

        /** The streams of one type ({@code "video"} or {@code "audio"}). */
        public List<StreamInfo> streams(String codecType) {
            return streams.stream().filter(s -> s.codecType().equals(codecType)).toList();
        }

        /**
         * The file's one stream, as in the single-track files of the tracks layout.
         *
         * @throws IllegalStateException when the file has no stream or more than one
         */
        public StreamInfo onlyStream() {
            if (streams.size() != 1) {
                throw new IllegalStateException("expected one stream, found " + streams);
            }
            return streams.get(0);
        }
    }

    /** One packet as ffprobe lists it: its stream and its pts and duration (NaN when absent). */
    public record Packet(int streamIndex, double pts, double duration) {}

    /** A rectangle of the picture in pixels, e.g. one tile of a grid. */
    public record Region(int x, int y, int width, int height) {
        public Region {
            if (x < 0 || y < 0 || width <= 0 || height <= 0) {
                throw new IllegalArgumentException("bad region " + x + "," + y + " " + width + "x" + height);
            }
        }
    }

    /** Runs {@code ffprobe -v error -show_streams -show_format -of json} on the file. */
    public static ProbeResult probe(Path file) {
        JsonNode root = json(ffprobe(file, "-show_streams", "-show_format"));
        List<StreamInfo> streams = new ArrayList<>();
        for (JsonNode s : root.path("streams")) {
            streams.add(new StreamInfo(s.path("index").asInt(), s.path("codec_name").asText(""),
                    s.path("codec_type").asText(""), s.path("width").asInt(0), s.path("height").asInt(0),
                    s.path("sample_rate").asInt(0), s.path("channels").asInt(0),
                    number(s.path("start_time")), number(s.path("duration"))));
        }
        JsonNode format = root.path("format");
        return new ProbeResult(format.path("format_name").asText(""), number(format.path("start_time")),
                number(format.path("duration")), streams);
    }

    /** Runs {@code ffprobe -v error -show_packets -of json}: the packets of all streams, in file order. */
    public static List<Packet> packets(Path file) {
        List<Packet> packets = new ArrayList<>();
        for (JsonNode p : json(ffprobe(file, "-show_packets")).path("packets")) {
            packets.add(new Packet(p.path("stream_index").asInt(), number(p.path("pts_time")),
                    number(p.path("duration_time"))));
        }
        return packets;
    }

    /** The end of the last packet in seconds (its pts plus its duration when known); NaN when there is none. */
    public static double lastPacketEnd(List<Packet> packets) {
        double end = Double.NaN;
        for (Packet p : packets) {
            double e = p.pts() + (Double.isNaN(p.duration()) ? 0 : p.duration());
            end = Double.isNaN(end) ? e : Math.max(end, e);
        }
        return end;
    }

    /**
     * What the system's ffmpeg reports while decoding the whole file
     * ({@code ffmpeg -v error -i FILE -f null -}); empty when it decodes with no errors.
     */
    public static String decodeErrors(Path file) {
        return run("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-").trim();
    }

    /** Seconds of audio the system's ffmpeg decodes from the file (as 48 kHz mono). */
    public static double decodedAudioSeconds(Path file) {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "s16le", "-ac", "1",
                    "-ar", "48000", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long bytes = 0;
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[65536];
                int n;
                while ((n = in.read(buf)) > 0) {
                    bytes += n;
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("ffmpeg could not decode " + file);
            }
            return bytes / 2 / 48_000.0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ffmpeg", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The pictures the system's ffprobe decodes from the first video stream
     * ({@code -count_frames}, its {@code nb_read_frames}).
     */
    public static int decodedFrames(Path file) {
        String out = run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString()).trim();
        return Integer.parseInt(out.lines().reduce((a, b) -> b).orElse("0").trim());
    }

    /** Flash onsets over the whole picture. */
    public static List<Double> flashTimes(Path file) {
        return flashTimes(file, null);
    }

    /**
     * Flash onsets: the times of the frames whose mean luma (of the region, or of the whole picture
     * when it is null) rises above {@link #FLASH_LUMA} after having been below {@link #DARK_LUMA}.
     */
    public static List<Double> flashTimes(Path file, Region region) {
        List<Double> onsets = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setPixelFormat(AV_PIX_FMT_GRAY8);
            grabber.start();
            boolean bright = false;
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                double luma = meanLuma(frame, region);
                double t = frame.timestamp / 1e6; // the frame's pts: start_time is not subtracted
                if (!bright && luma > FLASH_LUMA) {
                    bright = true;
                    if (onsets.isEmpty() || t - onsets.get(onsets.size() - 1) >= MIN_MARK_GAP_SECONDS) {
                        onsets.add(t);
                    }
                } else if (bright && luma < DARK_LUMA) {
                    bright = false;
                }
            }
            grabber.stop();
        } catch (FrameGrabber.Exception e) {
            throw new IllegalStateException("cannot decode the video of " + file, e);
        }
        return onsets;
    }

    /**
     * Beep onsets: where the RMS of the first channel over a 1 ms window rises above
     * {@link #BEEP_FRACTION} of the file's loudest window (and {@link #BEEP_FLOOR}), at least
     * {@link #MIN_MARK_GAP_SECONDS} after the previous onset.
     */
    public static List<Double> beepTimes(Path file) {
        Samples samples = decodeAudio(file);
        float[] x = samples.mono;
        int n = samples.count;
        if (n < BEEP_WINDOW_SAMPLES) {
            return List.of();
        }
        double[] energy = new double[n];
        double sum = 0;
        double peak = 0;
        for (int i = 0; i < n; i++) {
            sum += x[i] * x[i];
            if (i >= BEEP_WINDOW_SAMPLES) {
                sum -= x[i - BEEP_WINDOW_SAMPLES] * x[i - BEEP_WINDOW_SAMPLES];
            }
            energy[i] = Math.max(0, sum) / BEEP_WINDOW_SAMPLES;
            peak = Math.max(peak, energy[i]);
        }
        double threshold = Math.max(BEEP_FLOOR, BEEP_FRACTION * Math.sqrt(peak));
        double on = threshold * threshold;
        double off = on / 4;
        List<Double> onsets = new ArrayList<>();
        boolean loud = false;
        for (int i = 0; i < n; i++) {
            if (!loud && energy[i] > on) {
                loud = true;
                double t = samples.times[i];
                if (onsets.isEmpty() || t - onsets.get(onsets.size() - 1) >= MIN_MARK_GAP_SECONDS) {
                    onsets.add(t);
                }
            } else if (loud && energy[i] < off) {
                loud = false;
            }
        }
        return onsets;
    }

    /**
     * The median of (beep − flash) in ms over the flashes that have a beep within half a marker
     * period: positive when the sound is late.
     *
     * @throws IllegalArgumentException when no flash has a beep near it
     */
    public static double avOffsetMillis(List<Double> flashes, List<Double> beeps) {
        double window = MarkedAv.MARK_PERIOD_MICROS / 2e6;
        List<Double> differences = new ArrayList<>();
        for (double flash : flashes) {
            double best = Double.NaN;
            for (double beep : beeps) {
                double d = beep - flash;
                if (Math.abs(d) < window && (Double.isNaN(best) || Math.abs(d) < Math.abs(best))) {
                    best = d;
                }
            }
            if (!Double.isNaN(best)) {
                differences.add(best * 1000);
            }
        }
        if (differences.isEmpty()) {
            throw new IllegalArgumentException("no flash has a beep within " + window + " s: flashes " + flashes
                    + ", beeps " + beeps);
        }
        double[] sorted = differences.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    // ---- decoding -------------------------------------------------------------------------------

    /** The first channel's samples and the file time of each. */
    private record Samples(float[] mono, double[] times, int count) {}

    private static Samples decodeAudio(Path file) {
        float[] mono = new float[48_000 * 10];
        double[] times = new double[mono.length];
        int count = 0;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            grabber.start();
            Frame frame;
            while ((frame = grabber.grabSamples()) != null) {
                int channels = frame.audioChannels;
                int rate = frame.sampleRate;
                FloatBuffer first = (FloatBuffer) frame.samples[0];
                boolean interleaved = frame.samples.length == 1 && channels > 1;
                int stride = interleaved ? channels : 1;
                int frameSamples = first.remaining() / stride;
                if (count + frameSamples > mono.length) {
                    int size = Math.max(mono.length * 2, count + frameSamples);
                    mono = Arrays.copyOf(mono, size);
                    times = Arrays.copyOf(times, size);
                }
                double t0 = frame.timestamp / 1e6;
                int base = first.position();
                for (int i = 0; i < frameSamples; i++) {
                    mono[count] = first.get(base + i * stride);
                    times[count] = t0 + (double) i / rate;
                    count++;
                }
            }
            grabber.stop();
        } catch (FrameGrabber.Exception e) {
            throw new IllegalStateException("cannot decode the audio of " + file, e);
        }
        return new Samples(mono, times, count);
    }

    private static double meanLuma(Frame frame, Region region) {
        ByteBuffer pixels = (ByteBuffer) frame.image[0];
        int stride = frame.imageStride;
        int x0 = 0;
        int y0 = 0;
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        if (region != null) {
            x0 = Math.min(region.x(), w);
            y0 = Math.min(region.y(), h);
            w = Math.min(region.width(), frame.imageWidth - x0);
            h = Math.min(region.height(), frame.imageHeight - y0);
        }
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("the region " + region + " is outside the " + frame.imageWidth
                    + "x" + frame.imageHeight + " picture");
        }
        long sum = 0;
        int base = ((Buffer) pixels).position();
        for (int y = y0; y < y0 + h; y++) {
            int row = base + y * stride;
            for (int x = x0; x < x0 + w; x++) {
                sum += pixels.get(row + x) & 0xff;
            }
        }
        return (double) sum / ((long) w * h);
    }

    private static double number(JsonNode node) {
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.asText());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("ffprobe's output is not JSON", e);
        }
    }

    /** Runs {@code ffprobe -v error OPTIONS -of json FILE} and returns its output. */
    private static String ffprobe(Path file, String... options) {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        command.addAll(List.of(options));
        command.addAll(List.of("-of", "json", file.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(false);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ffprobe did not finish on " + file);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("ffprobe failed on " + file + ": " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ffprobe", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs a command to its end and returns what it wrote to stdout and stderr. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command[0] + " timed out");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
