package org.chorus.recording.session;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chorus.recording.tracks.Remux;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * The child process of {@link FixUp}: for each media file of the folder given as argument, remux
 * it if it lacks a duration, then print one line {@code name<TAB>codec<TAB>startMicros<TAB>
 * durationMicros<TAB>repaired}.
 */
public final class FixUpMain {

    /** One media file of the folder. */
    public record Probed(String name, String codec, long startMicros, long durationMicros, boolean repaired) {
        String line() {
            return name + "\t" + codec + "\t" + startMicros + "\t" + durationMicros + "\t" + repaired;
        }

        static Probed parse(String line) {
            String[] f = line.split("\t");
            if (f.length != 5) {
                return null;
            }
            try {
                return new Probed(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Boolean.parseBoolean(f[4]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private FixUpMain() {}

    public static void main(String[] args) throws IOException {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        Path folder = Path.of(args[0]);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.{webm,mkv,mp4}")) {
            for (Path file : files) {
                boolean repaired = false;
                try {
                    if (Remux.needsFixUp(file)) {
                        Remux.fixUp(file);
                        repaired = true;
                    }
                } catch (IOException | RuntimeException e) {
                    System.err.println(file.getFileName() + ": " + e.getMessage());
                }
                System.out.println(probe(file, repaired).line());
            }
        }
    }

    private static Probed probe(Path file, boolean repaired) {
        AVFormatContext ctx = new AVFormatContext(null);
        String codec = "unknown";
        long start = 0;
        long duration = -1;
        if (avformat.avformat_open_input(ctx, file.toString(), null, null) >= 0) {
            if (avformat.avformat_find_stream_info(ctx, (org.bytedeco.javacpp.PointerPointer<?>) null) >= 0) {
                StringBuilder names = new StringBuilder();
                for (int i = 0; i < ctx.nb_streams(); i++) {
                    if (i > 0) {
                        names.append('+');
                    }
                    names.append(avcodec.avcodec_get_name(ctx.streams(i).codecpar().codec_id()).getString());
                }
                codec = names.toString();
                start = ctx.start_time() == avutil.AV_NOPTS_VALUE ? 0 : ctx.start_time();
                duration = ctx.duration() == avutil.AV_NOPTS_VALUE ? -1 : ctx.duration();
            }
            avformat.avformat_close_input(ctx);
        }
        return new Probed(file.getFileName().toString(), codec, start, duration, repaired);
    }
}
