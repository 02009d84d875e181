package org.chorus.recording.tracks;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_flush;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.BytePointer;

/**
 * One Matroska/WebM file with one stream, written with the raw avformat API: header, packets,
 * trailer. The file is written as it goes ({@code flush_packets=1}, clusters of at most one
 * second, and a cluster flush from {@link #flush()}), so that a killed process leaves a playable
 * file missing at most about a second.
 *
 * <p>Timestamps come in as microseconds and are rescaled to the stream time base that the muxer
 * chose in {@code avformat_write_header} (Matroska forces 1/1000). A packet whose rescaled time
 * would go backwards is not written: the muxer would fail on it.
 *
 * <p>Not thread-safe; one instance owns its native context, its packet and a reusable native
 * payload buffer, so writing a packet allocates nothing.
 */
final class TrackMuxer {

    /** The life of the native context. */
    enum State {
        /** Header written; packets may follow. */
        WRITING,
        /** Trailer written (or skipped) and everything freed. */
        CLOSED
    }

    /** The outcome of {@link #write}. */
    enum WriteResult {
        WRITTEN,
        /** Its time would have gone backwards in the file; not written. */
        DROPPED_BACKWARDS,
        /** The muxer failed on it. */
        FAILED
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrackMuxer.class);
    private static final long MICROS = 1_000_000L;

    private final Path path;
    private final AVFormatContext ctx;
    private final AVPacket packet;
    private final long tbNum;
    private final long tbDen;
    private BytePointer payload;
    private long payloadCapacity;
    private long lastDts = Long.MIN_VALUE;
    private State state = State.WRITING;

    private TrackMuxer(Path path, AVFormatContext ctx, AVStream stream) {
        this.path = path;
        this.ctx = ctx;
        this.tbNum = stream.time_base().num();
        this.tbDen = stream.time_base().den();
        this.packet = av_packet_alloc();
        ensurePayloadCapacity(64 * 1024);
    }

    /** Opens a video file and writes its header. {@code extradata} may be null. */
    static TrackMuxer openVideo(Path path, String formatName, int codecId, int width, int height, byte[] extradata)
            throws IOException {
        return open(path, formatName, par -> {
            par.codec_type(AVMEDIA_TYPE_VIDEO);
            par.codec_id(codecId);
            par.width(width);
            par.height(height);
            if (extradata != null) {
                setExtradata(par, extradata);
            }
        });
    }

    /** Opens an audio file of 48 kHz stereo and writes its header with this codec private data. */
    static TrackMuxer openAudio(Path path, String formatName, int codecId, int sampleRate, int channels,
            byte[] extradata) throws IOException {
        return open(path, formatName, par -> {
            par.codec_type(AVMEDIA_TYPE_AUDIO);
            par.codec_id(codecId);
            par.sample_rate(sampleRate);
            av_channel_layout_default(par.ch_layout(), channels);
            setExtradata(par, extradata);
        });
    }

    private interface ParameterSetup {
        void fill(AVCodecParameters par);
    }

    private static TrackMuxer open(Path path, String formatName, ParameterSetup setup) throws IOException {
        String file = path.toString();
        AVFormatContext ctx = new AVFormatContext(null);
        int rc = avformat_alloc_output_context2(ctx, null, formatName, file);
        if (rc < 0 || ctx.isNull()) {
            throw new IOException("cannot create a " + formatName + " muxer: " + AvErrors.describe(rc));
        }
        boolean ok = false;
        AVDictionary options = new AVDictionary(null);
        try {
            AVStream stream = avformat_new_stream(ctx, null);
            if (stream == null || stream.isNull()) {
                throw new IOException("cannot add a stream to " + path.getFileName());
            }
            setup.fill(stream.codecpar());
            stream.time_base(av_make_q(1, (int) MICROS));
            AVIOContext pb = new AVIOContext(null);
            rc = avio_open(pb, file, AVIO_FLAG_WRITE);
            if (rc < 0) {
                throw new IOException("cannot open " + path.getFileName() + ": " + AvErrors.describe(rc));
            }
            ctx.pb(pb);
            av_dict_set(options, "flush_packets", "1", 0);
            av_dict_set(options, "cluster_time_limit", "1000", 0);
            rc = avformat_write_header(ctx, options);
            if (rc < 0) {
                throw new IOException("cannot write the header of " + path.getFileName() + ": "
                        + AvErrors.describe(rc));
            }
            ok = true;
            return new TrackMuxer(path, ctx, stream);
        } finally {
            av_dict_free(options);
            if (!ok) {
                freeContext(ctx);
            }
        }
    }

    private static void setExtradata(AVCodecParameters par, byte[] extradata) {
        BytePointer buf = new BytePointer(av_mallocz(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE))
                .capacity(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE);
        buf.put(extradata, 0, extradata.length);
        par.extradata(buf);
        par.extradata_size(extradata.length);
    }

    /**
     * Writes one packet at {@code ptsMicros} (pts = dts) lasting {@code durationMicros} (0 when
     * unknown).
     */
    WriteResult write(long ptsMicros, long durationMicros, boolean keyframe, byte[] data, int offset, int length) {
        if (state != State.WRITING) {
            return WriteResult.FAILED;
        }
        long ts = toStreamTime(ptsMicros);
        if (ts < lastDts) {
            return WriteResult.DROPPED_BACKWARDS;
        }
        ensurePayloadCapacity(length);
        payload.position(0).put(data, offset, length);
        payload.position(0);
        packet.data(payload);
        packet.size(length);
        packet.pts(ts);
        packet.dts(ts);
        packet.duration(durationMicros > 0 ? toStreamTime(ptsMicros + durationMicros) - ts : 0);
        packet.flags(keyframe ? AV_PKT_FLAG_KEY : 0);
        packet.stream_index(0);
        int rc = av_write_frame(ctx, packet);
        packet.data(null);
        packet.size(0);
        if (rc < 0) {
            LOG.warn("Writing a packet to {} failed: {}", path.getFileName(), AvErrors.describe(rc));
            return WriteResult.FAILED;
        }
        lastDts = ts;
        return WriteResult.WRITTEN;
    }

    /** Closes the open cluster and pushes everything written so far to the file. */
    void flush() {
        if (state != State.WRITING) {
            return;
        }
        int rc = av_write_frame(ctx, null);
        if (rc < 0) {
            LOG.warn("Flushing {} failed: {}", path.getFileName(), AvErrors.describe(rc));
        }
        avio_flush(ctx.pb());
    }

    /** Writes the trailer (duration, cues) and closes the file. */
    void finish() throws IOException {
        if (state != State.WRITING) {
            return;
        }
        int rc = av_write_trailer(ctx);
        close();
        if (rc < 0) {
            throw new IOException("cannot write the trailer of " + path.getFileName() + ": " + AvErrors.describe(rc));
        }
    }

    /** Closes the file without a trailer; what was flushed stays playable. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        freeContext(ctx);
        av_packet_free(packet);
        if (payload != null) {
            av_free(payload);
            payload = null;
        }
    }

    State state() {
        return state;
    }

    private long toStreamTime(long micros) {
        long scale = MICROS * tbNum;
        return Math.floorDiv(micros * tbDen + scale / 2, scale);
    }

    private void ensurePayloadCapacity(int length) {
        if (payload != null && payloadCapacity >= length) {
            return;
        }
        long capacity = Math.max(length, payloadCapacity * 2) + AV_INPUT_BUFFER_PADDING_SIZE;
        BytePointer grown = new BytePointer(av_mallocz(capacity)).capacity(capacity);
        if (payload != null) {
            av_free(payload);
        }
        payload = grown;
        payloadCapacity = capacity - AV_INPUT_BUFFER_PADDING_SIZE;
    }

    private static void freeContext(AVFormatContext ctx) {
        if (ctx.pb() != null && !ctx.pb().isNull()) {
            avio_closep(ctx.pb());
        }
        avformat_free_context(ctx);
    }
}
