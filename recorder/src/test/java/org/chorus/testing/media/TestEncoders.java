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
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * Real encoded media for tests, made with avcodec: VP8 (libvpx), H.264 (libopenh264) and Opus
 * (libopus), as a sender would put them on the wire. Pictures are a moving gradient, audio a tone;
 * timestamps start at 0.
 */
public final class TestEncoders {

    /** One encoded frame (VP8 frame, H.264 access unit in Annex B, or Opus packet). */
    public record Encoded(long ptsMicros, boolean keyframe, byte[] data) {
        /** The same frame moved by {@code micros} on the timeline. */
        public Encoded shifted(long micros) {
            return new Encoded(ptsMicros + micros, keyframe, data);
        }
    }

    private TestEncoders() {
    }

    /** {@code frames} VP8 frames at {@code fps}, a keyframe every {@code keyframeInterval} frames. */
    public static List<Encoded> vp8(int width, int height, int fps, int frames, int keyframeInterval) {
        return video("libvpx", width, height, fps, frames, keyframeInterval, new String[][] {
            {"deadline", "realtime"}, {"cpu-used", "8"}, {"lag-in-frames", "0"}});
    }

    /** {@code frames} H.264 access units (Annex B) at {@code fps}. */
    public static List<Encoded> h264(int width, int height, int fps, int frames, int keyframeInterval) {
        return video("libopenh264", width, height, fps, frames, keyframeInterval, new String[0][]);
    }

    /** {@code packets} Opus packets of 20 ms, 48 kHz stereo, at pts 0, 20 ms, 40 ms, … */
    public static List<Encoded> opus(int packets) {
        AVCodecContext ctx = open("libopus", c -> {
            c.sample_rate(48_000);
            c.sample_fmt(AV_SAMPLE_FMT_S16);
            av_channel_layout_default(c.ch_layout(), 2);
            c.bit_rate(64_000);
            c.time_base(av_make_q(1, 48_000));
        }, new String[0][]);
        int frameSize = ctx.frame_size();
        if (frameSize != 960) {
            throw new IllegalStateException("libopus frame size " + frameSize);
        }
        AVFrame frame = av_frame_alloc();
        frame.nb_samples(frameSize);
        frame.format(AV_SAMPLE_FMT_S16);
        frame.sample_rate(48_000);
        av_channel_layout_default(frame.ch_layout(), 2);
        check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
        List<byte[]> out = new ArrayList<>();
        short[] samples = new short[frameSize * 2];
        for (int i = 0; i < packets; i++) {
            check(av_frame_make_writable(frame), "av_frame_make_writable");
            for (int s = 0; s < frameSize; s++) {
                long n = (long) i * frameSize + s;
                short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * n / 48_000.0));
                samples[2 * s] = v;
                samples[2 * s + 1] = v;
            }
            new ShortPointer(frame.data(0)).put(samples);
            frame.pts((long) i * frameSize);
            encode(ctx, frame, out, null);
        }
        encode(ctx, null, out, null);
        av_frame_free(frame);
        avcodec_free_context(ctx);
        List<Encoded> frames = new ArrayList<>();
        for (int i = 0; i < Math.min(packets, out.size()); i++) {
            frames.add(new Encoded(i * 20_000L, true, out.get(i)));
        }
        return frames;
    }

    private static List<Encoded> video(String encoder, int width, int height, int fps, int frames,
            int keyframeInterval, String[][] options) {
        AVCodecContext ctx = open(encoder, c -> {
            c.width(width);
            c.height(height);
            c.pix_fmt(AV_PIX_FMT_YUV420P);
            c.time_base(av_make_q(1, fps));
            c.framerate(av_make_q(fps, 1));
            c.gop_size(keyframeInterval);
            c.bit_rate(500_000);
            c.max_b_frames(0);
        }, options);
        AVFrame frame = av_frame_alloc();
        frame.width(width);
        frame.height(height);
        frame.format(AV_PIX_FMT_YUV420P);
        check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
        List<byte[]> data = new ArrayList<>();
        List<Boolean> keys = new ArrayList<>();
        byte[] row = new byte[width];
        for (int i = 0; i < frames; i++) {
            check(av_frame_make_writable(frame), "av_frame_make_writable");
            BytePointer y = frame.data(0);
            int stride = frame.linesize(0);
            for (int r = 0; r < height; r++) {
                for (int x = 0; x < width; x++) {
                    row[x] = (byte) (x + r + 4 * i);
                }
                y.position((long) r * stride).put(row, 0, width);
            }
            y.position(0);
            for (int plane = 1; plane <= 2; plane++) {
                BytePointer p = frame.data(plane);
                int ls = frame.linesize(plane);
                for (int r = 0; r < height / 2; r++) {
                    for (int x = 0; x < width / 2; x++) {
                        row[x] = (byte) (128 + (plane == 1 ? i : -i));
                    }
                    p.position((long) r * ls).put(row, 0, width / 2);
                }
                p.position(0);
            }
            frame.pts(i);
            frame.pict_type(i % keyframeInterval == 0 ? org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I
                    : org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE);
            encode(ctx, frame, data, keys);
        }
        encode(ctx, null, data, keys);
        av_frame_free(frame);
        avcodec_free_context(ctx);
        List<Encoded> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            out.add(new Encoded(i * 1_000_000L / fps, keys.get(i), data.get(i)));
        }
        return out;
    }

    private interface Setup {
        void apply(AVCodecContext ctx);
    }

    private static AVCodecContext open(String name, Setup setup, String[][] options) {
        AVCodec codec = avcodec_find_encoder_by_name(name);
        if (codec == null || codec.isNull()) {
            throw new IllegalStateException("no encoder " + name + " in this FFmpeg build");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        setup.apply(ctx);
        AVDictionary dict = new AVDictionary(null);
        for (String[] option : options) {
            av_dict_set(dict, option[0], option[1], 0);
        }
        int rc = avcodec_open2(ctx, codec, dict);
        av_dict_free(dict);
        check(rc, "avcodec_open2 " + name);
        return ctx;
    }

    private static void encode(AVCodecContext ctx, AVFrame frame, List<byte[]> out, List<Boolean> keys) {
        check(avcodec_send_frame(ctx, frame), "avcodec_send_frame");
        AVPacket packet = av_packet_alloc();
        while (avcodec_receive_packet(ctx, packet) >= 0) {
            byte[] bytes = new byte[packet.size()];
            packet.data().get(bytes);
            out.add(bytes);
            if (keys != null) {
                keys.add((packet.flags() & AV_PKT_FLAG_KEY) != 0);
            }
            av_packet_unref(packet);
        }
        av_packet_free(packet);
    }

    private static void check(int rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: " + rc);
        }
    }
}
