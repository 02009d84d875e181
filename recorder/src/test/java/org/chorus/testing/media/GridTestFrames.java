package org.chorus.testing.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Real encoded media for grid tests: solid-colour VP8 (or H.264) frames and Opus tone packets,
 * encoded here with avcodec (libvpx, libopenh264, libopus from the LGPL build).
 */
public final class GridTestFrames {

    /** One encoded video frame. */
    public record VideoFrame(byte[] data, boolean keyframe) {}

    private GridTestFrames() {}

    /**
     * {@code count} VP8 frames of one solid colour, {@code width}×{@code height}, a keyframe every
     * {@code gop} frames. A list whose length is a multiple of {@code gop} can be replayed in a loop.
     */
    public static List<VideoFrame> vp8Solid(int width, int height, int r, int g, int b, int count, int gop) {
        return encodeSolid("libvpx", width, height, r, g, b, count, gop);
    }

    /**
     * {@code count} VP8 frames of moving content (a drifting gradient and a sliding box), like a
     * camera picture costs to decode; a keyframe every {@code gop} frames.
     */
    public static List<VideoFrame> vp8Moving(int width, int height, int count, int gop, int seed) {
        return encode("libvpx", width, height, count, gop, 1_500_000, (frame, i) -> {
            BytePointer y = frame.data(0);
            int stride = frame.linesize(0);
            byte[] row = new byte[width];
            for (int j = 0; j < height; j++) {
                for (int x = 0; x < width; x++) {
                    int box = (x - i * 8 - seed * 40) % width;
                    boolean inBox = box >= 0 && box < width / 6 && j > height / 3 && j < height / 2;
                    int checker = (((x + i * 4) >> 5) + (j >> 5) + seed) & 1;
                    row[x] = (byte) (inBox ? 235 : 40 + ((x + j) >> 4) + checker * 60);
                }
                y.position((long) j * stride).put(row, 0, width);
            }
            y.position(0);
            fill(frame.data(1), frame.linesize(1), width / 2, height / 2, 128 + seed * 10);
            fill(frame.data(2), frame.linesize(2), width / 2, height / 2, 128 - seed * 10);
        });
    }

    /** Like {@link #vp8Solid} but H.264 (openh264, Annex B). */
    public static List<VideoFrame> h264Solid(int width, int height, int r, int g, int b, int count, int gop) {
        return encodeSolid("libopenh264", width, height, r, g, b, count, gop);
    }

    private static List<VideoFrame> encodeSolid(String encoderName, int width, int height, int r, int g, int b,
            int count, int gop) {
        int y = clamp(Math.round(16 + 65.481 * r / 255 + 128.553 * g / 255 + 24.966 * b / 255));
        int u = clamp(Math.round(128 - 37.797 * r / 255 - 74.203 * g / 255 + 112.0 * b / 255));
        int v = clamp(Math.round(128 + 112.0 * r / 255 - 93.786 * g / 255 - 18.214 * b / 255));
        return encode(encoderName, width, height, count, gop, 400_000, (frame, i) -> {
            fill(frame.data(0), frame.linesize(0), width, height, y);
            fill(frame.data(1), frame.linesize(1), width / 2, height / 2, u);
            fill(frame.data(2), frame.linesize(2), width / 2, height / 2, v);
        });
    }

    private interface Painter {
        void paint(AVFrame frame, int index);
    }

    private static List<VideoFrame> encode(String encoderName, int width, int height, int count, int gop,
            int bitrate, Painter painter) {
        AVCodec codec = avcodec_find_encoder_by_name(encoderName);
        if (codec == null) {
            throw new IllegalStateException(encoderName + " is not in this FFmpeg build");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
        ctx.time_base(new AVRational().num(1).den(30));
        ctx.framerate(new AVRational().num(30).den(1));
        ctx.bit_rate(bitrate);
        ctx.gop_size(gop);
        ctx.keyint_min(gop);
        ctx.max_b_frames(0);
        AVDictionary opts = new AVDictionary(null);
        if (encoderName.equals("libvpx")) {
            avutil.av_dict_set(opts, "deadline", "realtime", 0);
            avutil.av_dict_set(opts, "cpu-used", "8", 0);
            avutil.av_dict_set(opts, "lag-in-frames", "0", 0);
        }
        check(avcodec_open2(ctx, codec, opts), "open " + encoderName);
        avutil.av_dict_free(opts);
        AVFrame frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        check(av_frame_get_buffer(frame, 0), "frame buffer");
        AVPacket pkt = av_packet_alloc();
        List<VideoFrame> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            check(av_frame_make_writable(frame), "writable");
            painter.paint(frame, i);
            frame.pts(i);
            if (i % gop == 0) {
                frame.pict_type(avutil.AV_PICTURE_TYPE_I);
            } else {
                frame.pict_type(avutil.AV_PICTURE_TYPE_NONE);
            }
            check(avcodec_send_frame(ctx, frame), "send frame");
            drain(ctx, pkt, out);
        }
        avcodec_send_frame(ctx, null);
        drain(ctx, pkt, out);
        av_packet_free(pkt);
        av_frame_free(frame);
        avcodec_free_context(ctx);
        return out;
    }

    /**
     * {@code packets} Opus packets of 20 ms (48 kHz stereo) carrying a sine tone of {@code hz} at
     * {@code amplitude} (0..1).
     */
    public static List<byte[]> opusTone(double hz, float amplitude, int packets) {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new IllegalStateException("libopus is not in this FFmpeg build");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.sample_rate(48_000);
        ctx.sample_fmt(AV_SAMPLE_FMT_FLT);
        av_channel_layout_default(ctx.ch_layout(), 2);
        ctx.bit_rate(64_000);
        check(avcodec_open2(ctx, codec, (AVDictionary) null), "open libopus");
        int frameSize = ctx.frame_size() > 0 ? ctx.frame_size() : 960;
        AVFrame frame = av_frame_alloc();
        frame.format(AV_SAMPLE_FMT_FLT).nb_samples(frameSize).sample_rate(48_000);
        av_channel_layout_default(frame.ch_layout(), 2);
        check(av_frame_get_buffer(frame, 0), "audio buffer");
        float[] samples = new float[frameSize * 2];
        AVPacket pkt = av_packet_alloc();
        List<VideoFrame> raw = new ArrayList<>();
        long n = 0;
        int sent = 0;
        while (raw.size() < packets) {
            check(av_frame_make_writable(frame), "writable");
            for (int i = 0; i < frameSize; i++, n++) {
                float s = (float) (amplitude * Math.sin(2 * Math.PI * hz * n / 48_000.0));
                samples[2 * i] = s;
                samples[2 * i + 1] = s;
            }
            new FloatPointer(frame.data(0)).put(samples, 0, samples.length);
            frame.pts((long) sent * frameSize);
            sent++;
            check(avcodec_send_frame(ctx, frame), "send audio");
            drain(ctx, pkt, raw);
        }
        av_packet_free(pkt);
        av_frame_free(frame);
        avcodec_free_context(ctx);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < packets; i++) {
            out.add(raw.get(i).data());
        }
        return out;
    }

    private static void drain(AVCodecContext ctx, AVPacket pkt, List<VideoFrame> out) {
        while (avcodec_receive_packet(ctx, pkt) >= 0) {
            byte[] bytes = new byte[pkt.size()];
            pkt.data().get(bytes);
            out.add(new VideoFrame(bytes, (pkt.flags() & AV_PKT_FLAG_KEY) != 0));
            av_packet_unref(pkt);
        }
    }

    private static void fill(BytePointer plane, int stride, int w, int h, int value) {
        byte[] row = new byte[w];
        java.util.Arrays.fill(row, (byte) value);
        for (int j = 0; j < h; j++) {
            plane.position((long) j * stride).put(row, 0, w);
        }
        plane.position(0);
    }

    private static int clamp(long v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            throw new IllegalStateException(what + " failed: " + ret);
        }
    }
}
