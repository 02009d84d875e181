package org.chorus.testing.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/**
 * A minimal WebM writer for tests: VP8 and/or Opus packets, copied as they are, with pts in µs
 * written unchanged onto the file's timeline (so a first pts of 0.5 s gives a start_time of
 * 0.5 s). The Opus header has a pre-skip of 0, as a recorder of RTP writes it, so a decoder plays
 * each packet's samples from that packet's pts.
 *
 * <p>Packets of one stream must come in pts order; {@code av_interleaved_write_frame} orders the
 * streams, so write both streams as you go. Not thread-safe.
 */
public final class TestWebmWriter implements AutoCloseable {

    private enum State { WRITING, CLOSED }

    private static final AVRational MICROS = av_make_q(1, 1_000_000);

    private final AVFormatContext ctx = new AVFormatContext(null);
    private final AVStream video;
    private final AVStream audio;
    private final AVPacket packet = av_packet_alloc();
    private AVIOContext pb;
    private State state;

    /**
     * Opens the file and writes the header.
     *
     * @param width  the VP8 picture width, or 0 for no video stream
     * @param height the VP8 picture height
     * @param withAudio whether the file has an Opus (48 kHz stereo) stream
     */
    public TestWebmWriter(Path file, int width, int height, boolean withAudio) {
        MarkedAv.check(avformat_alloc_output_context2(ctx, null, "webm", file.toString()), "alloc webm");
        try {
            video = width > 0 ? addVideo(width, height) : null;
            audio = withAudio ? addAudio() : null;
            AVIOContext io = new AVIOContext(null);
            MarkedAv.check(avio_open(io, file.toString(), AVIO_FLAG_WRITE), "avio_open");
            pb = io;
            ctx.pb(io);
            MarkedAv.check(avformat_write_header(ctx, (AVDictionary) null), "avformat_write_header");
        } catch (RuntimeException e) {
            freeContext();
            throw e;
        }
        state = State.WRITING;
    }

    /** Writes one VP8 frame. */
    public void writeVideo(long ptsMicros, boolean keyframe, byte[] data) {
        write(video, ptsMicros, keyframe, data);
    }

    /** Writes one Opus packet. */
    public void writeAudio(long ptsMicros, byte[] data) {
        write(audio, ptsMicros, true, data);
    }

    /** Writes the trailer and closes the file. Idempotent. */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            MarkedAv.check(av_write_trailer(ctx), "av_write_trailer");
        } finally {
            freeContext();
        }
    }

    private void write(AVStream stream, long ptsMicros, boolean keyframe, byte[] data) {
        if (state != State.WRITING) {
            throw new IllegalStateException("closed");
        }
        if (stream == null) {
            throw new IllegalStateException("the file has no such stream");
        }
        MarkedAv.check(av_new_packet(packet, data.length), "av_new_packet");
        packet.data().put(data, 0, data.length);
        long pts = av_rescale_q(ptsMicros, MICROS, stream.time_base());
        packet.pts(pts).dts(pts).stream_index(stream.index()).flags(keyframe ? AV_PKT_FLAG_KEY : 0);
        MarkedAv.check(av_interleaved_write_frame(ctx, packet), "av_interleaved_write_frame");
    }

    private AVStream addVideo(int width, int height) {
        AVStream stream = avformat_new_stream(ctx, null);
        AVCodecParameters par = stream.codecpar();
        par.codec_type(AVMEDIA_TYPE_VIDEO).codec_id(AV_CODEC_ID_VP8).width(width).height(height);
        stream.time_base(MICROS);
        return stream;
    }

    private AVStream addAudio() {
        AVStream stream = avformat_new_stream(ctx, null);
        AVCodecParameters par = stream.codecpar();
        par.codec_type(AVMEDIA_TYPE_AUDIO).codec_id(AV_CODEC_ID_OPUS).sample_rate(MarkedAv.SAMPLE_RATE);
        av_channel_layout_default(par.ch_layout(), MarkedAv.CHANNELS);
        byte[] head = opusHead();
        BytePointer extradata = new BytePointer(av_mallocz(head.length + AV_INPUT_BUFFER_PADDING_SIZE));
        extradata.put(head, 0, head.length);
        par.extradata(extradata).extradata_size(head.length);
        stream.time_base(av_make_q(1, MarkedAv.SAMPLE_RATE));
        return stream;
    }

    /** RFC 7845's identification header: version 1, stereo, pre-skip 0, 48 kHz, gain 0, family 0. */
    private static byte[] opusHead() {
        byte[] head = new byte[19];
        byte[] magic = "OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, head, 0, magic.length);
        head[8] = 1;
        head[9] = (byte) MarkedAv.CHANNELS;
        int rate = MarkedAv.SAMPLE_RATE;
        head[12] = (byte) rate;
        head[13] = (byte) (rate >>> 8);
        head[14] = (byte) (rate >>> 16);
        head[15] = (byte) (rate >>> 24);
        return head;
    }

    private void freeContext() {
        av_packet_free(packet);
        if (pb != null) {
            ctx.pb(null);
            avio_closep(pb);
            pb = null;
        }
        avformat_free_context(ctx);
    }
}
