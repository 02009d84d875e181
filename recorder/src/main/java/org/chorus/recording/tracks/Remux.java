package org.chorus.recording.tracks;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs a Matroska/WebM file whose writer was killed. Such a file plays, but lacks the Duration
 * and Cues the trailer would have written, so players show no length and cannot seek. A stream copy
 * ({@code -c copy}) into a new file writes them; the new file then replaces the old one atomically.
 * Timestamps are copied as they are, so a track keeps its start on the recording clock.
 */
public final class Remux {

    private static final Logger LOG = LoggerFactory.getLogger(Remux.class);

    private Remux() {
    }

    /**
     * Whether the file's header declares no duration, as in a file whose writer died before its
     * trailer. Throws when the file cannot be opened as media at all.
     */
    public static boolean needsFixUp(Path file) throws IOException {
        AVFormatContext in = openInput(file);
        try {
            long duration = in.duration();
            return duration == AV_NOPTS_VALUE || duration <= 0;
        } finally {
            avformat_close_input(in);
        }
    }

    /**
     * Copies every packet of the file into a new file of the same format, with a trailer, and
     * moves it over the original. A packet that cannot be read ends the copy: the tail of a killed
     * file may be cut off mid-block.
     */
    public static void fixUp(Path file) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".fixup.tmp");
        AVFormatContext in = openInput(file);
        AVFormatContext out = new AVFormatContext(null);
        AVPacket packet = av_packet_alloc();
        boolean done = false;
        try {
            int rc = avformat_alloc_output_context2(out, null, muxerFor(file), file.getFileName().toString());
            if (rc < 0 || out.isNull()) {
                throw new IOException("no muxer for " + file.getFileName() + ": " + AvErrors.describe(rc));
            }
            int streams = in.nb_streams();
            for (int i = 0; i < streams; i++) {
                AVStream source = in.streams(i);
                AVStream copy = avformat_new_stream(out, null);
                if (copy == null || copy.isNull() || avcodec_parameters_copy(copy.codecpar(), source.codecpar()) < 0) {
                    throw new IOException("cannot copy stream " + i + " of " + file.getFileName());
                }
                copy.codecpar().codec_tag(0);
                copy.time_base(source.time_base());
            }
            AVIOContext pb = new AVIOContext(null);
            rc = avio_open(pb, temp.toString(), AVIO_FLAG_WRITE);
            if (rc < 0) {
                throw new IOException("cannot open " + temp.getFileName() + ": " + AvErrors.describe(rc));
            }
            out.pb(pb);
            rc = avformat_write_header(out, (AVDictionary) null);
            if (rc < 0) {
                throw new IOException("cannot write the header of " + temp.getFileName() + ": " + AvErrors.describe(rc));
            }
            long packets = 0;
            while (av_read_frame(in, packet) >= 0) {
                int index = packet.stream_index();
                av_packet_rescale_ts(packet, in.streams(index).time_base(), out.streams(index).time_base());
                packet.pos(-1);
                rc = av_interleaved_write_frame(out, packet);
                av_packet_unref(packet);
                if (rc < 0) {
                    LOG.warn("{}: a packet could not be copied: {}", file.getFileName(), AvErrors.describe(rc));
                } else {
                    packets++;
                }
            }
            rc = av_write_trailer(out);
            if (rc < 0) {
                throw new IOException("cannot write the trailer of " + temp.getFileName() + ": " + AvErrors.describe(rc));
            }
            avio_closep(out.pb());
            out.pb(null);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            LOG.info("Repaired {}: {} packets copied", file.getFileName(), packets);
        } finally {
            av_packet_free(packet);
            avformat_close_input(in);
            if (!out.isNull()) {
                if (out.pb() != null && !out.pb().isNull()) {
                    avio_closep(out.pb());
                }
                avformat_free_context(out);
            }
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static AVFormatContext openInput(Path file) throws IOException {
        AVFormatContext in = new AVFormatContext(null);
        int rc = avformat_open_input(in, file.toString(), null, null);
        if (rc < 0) {
            throw new IOException("cannot open " + file.getFileName() + ": " + AvErrors.describe(rc));
        }
        return in;
    }

    private static String muxerFor(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".webm")) {
            return "webm";
        }
        if (name.endsWith(".mkv") || name.endsWith(".mka")) {
            return "matroska";
        }
        return null;
    }
}
