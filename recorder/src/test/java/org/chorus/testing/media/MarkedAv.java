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
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * A synthetic participant's camera and microphone, encoded for real: VP8 from libvpx and Opus from
 * libopus, both through avcodec, so that recordings made from it hold media a real decoder and
 * {@code ffprobe} accept.
 *
 * <p>Both streams carry a marker every {@link #MARK_PERIOD_MICROS} (at 2 s, 4 s, …, never at 0):
 * the picture turns fully white for {@value #MARK_LENGTH_MICROS} µs (3 frames at 30 fps), and the
 * sound plays a 1 kHz tone for as long. Between markers the picture is dark with a panning texture
 * and a moving block (so that VP8 produces realistic frame sizes), and the sound is faint noise. A
 * test can then find the markers in a recording ({@link RecordingProbe}) and check content and
 * audio/video sync.
 *
 * <p>Timing: video frame {@code n} has {@code pts = n·10⁶/fps} µs; audio packet {@code n} has
 * {@code pts = n·20 000} µs. The tone is fed to the Opus encoder early by the encoder's look-ahead,
 * so that decoding the packets from the first one (as a WebRTC receiver does, with no pre-skip)
 * puts the tone's onset exactly on the multiple of 2 s.
 *
 * <p>Not thread-safe: one thread calls {@link #nextVideo()}, {@link #nextAudio()} and
 * {@link #forceKeyframe()} (or guard it externally). {@link #close()} frees the native encoders.
 */
public final class MarkedAv implements AutoCloseable {

    /** Markers (flash and beep) start at every positive multiple of this. */
    public static final long MARK_PERIOD_MICROS = 2_000_000;
    /** How long a flash and a beep last. */
    public static final long MARK_LENGTH_MICROS = 100_000;
    /** The audio packet duration. */
    public static final long AUDIO_FRAME_MICROS = 20_000;
    /** Opus: 48 kHz stereo. */
    public static final int SAMPLE_RATE = 48_000;
    public static final int CHANNELS = 2;
    /** The beep's frequency. */
    public static final double TONE_HZ = 1000.0;

    private static final int SAMPLES_PER_FRAME = (int) (SAMPLE_RATE * AUDIO_FRAME_MICROS / 1_000_000);
    private static final int VIDEO_BITRATE = 500_000;
    private static final int AUDIO_BITRATE = 64_000;
    private static final int KEYFRAME_INTERVAL_SECONDS = 3;
    private static final byte DARK_BASE = 16;
    private static final byte WHITE = (byte) 235;
    private static final byte NEUTRAL_CHROMA = (byte) 128;
    private static final short TONE_AMPLITUDE = 16_000;
    private static final int NOISE_AMPLITUDE = 24;

    private enum State { OPEN, CLOSED }

    private final int width;
    private final int height;
    private final int fps;

    private final AVCodecContext videoCtx;
    private final AVFrame picture;
    private final AVPacket videoPacket;
    private final byte[] texture;
    private final int textureWidth;
    private final int textureHeight;
    private final byte[] lumaPlane;
    private final byte[] chromaPlane;
    private long videoFrameIndex;
    private boolean keyframeWanted;

    private final AVCodecContext audioCtx;
    private final AVFrame samples;
    private final AVPacket audioPacket;
    private final short[] pcm = new short[SAMPLES_PER_FRAME * CHANNELS];
    private final SplittableRandom noise = new SplittableRandom(7);
    private final int encoderDelaySamples;
    private long audioFrameIndex;

    private State state = State.OPEN;

    /** Opens both encoders; throws {@link IllegalStateException} when libvpx or libopus is missing. */
    public MarkedAv(int width, int height, int fps) {
        if (width < 16 || height < 16 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("size must be even and at least 16x16: " + width + "x" + height);
        }
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("fps " + fps);
        }
        this.width = width;
        this.height = height;
        this.fps = fps;

        videoCtx = openVideoEncoder(width, height, fps);
        picture = av_frame_alloc();
        picture.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        check(av_frame_get_buffer(picture, 32), "av_frame_get_buffer(video)");
        videoPacket = av_packet_alloc();
        textureWidth = width * 2;
        textureHeight = height * 2;
        texture = makeTexture(textureWidth, textureHeight);
        lumaPlane = new byte[picture.linesize(0) * height];
        chromaPlane = new byte[picture.linesize(1) * (height / 2)];
        java.util.Arrays.fill(chromaPlane, NEUTRAL_CHROMA);

        audioCtx = openAudioEncoder();
        encoderDelaySamples = Math.max(0, audioCtx.initial_padding());
        samples = av_frame_alloc();
        samples.format(AV_SAMPLE_FMT_S16).nb_samples(SAMPLES_PER_FRAME).sample_rate(SAMPLE_RATE);
        check(av_channel_layout_copy(samples.ch_layout(), audioCtx.ch_layout()), "av_channel_layout_copy");
        check(av_frame_get_buffer(samples, 0), "av_frame_get_buffer(audio)");
        audioPacket = av_packet_alloc();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int fps() {
        return fps;
    }

    /** The pts of the video frame {@code index} in µs. */
    public long videoPtsMicros(long index) {
        return index * 1_000_000L / fps;
    }

    /** True if the picture at {@code ptsMicros} is a flash. */
    public static boolean isMarked(long ptsMicros) {
        return ptsMicros >= MARK_PERIOD_MICROS && ptsMicros % MARK_PERIOD_MICROS < MARK_LENGTH_MICROS;
    }

    /** Makes the next video frame a keyframe (a receiver asked with PLI or FIR). */
    public void forceKeyframe() {
        keyframeWanted = true;
    }

    /** Encodes and returns the next video frame, 1/fps after the previous one. */
    public EncodedFrame nextVideo() {
        requireOpen();
        while (true) {
            long index = videoFrameIndex++;
            drawPicture(index);
            if (keyframeWanted) {
                picture.pict_type(AV_PICTURE_TYPE_I);
                keyframeWanted = false;
            } else {
                picture.pict_type(AV_PICTURE_TYPE_NONE);
            }
            picture.pts(index);
            check(avcodec_send_frame(videoCtx, picture), "avcodec_send_frame(vp8)");
            int rc = avcodec_receive_packet(videoCtx, videoPacket);
            if (rc == AVERROR_EAGAIN()) {
                continue; // the encoder held this one back; with lag-in-frames=0 it should not
            }
            check(rc, "avcodec_receive_packet(vp8)");
            try {
                long pts = videoPtsMicros(videoPacket.pts());
                boolean key = (videoPacket.flags() & AV_PKT_FLAG_KEY) != 0;
                return new EncodedFrame(pts, key, copy(videoPacket));
            } finally {
                av_packet_unref(videoPacket);
            }
        }
    }

    /** Encodes and returns the next 20 ms Opus packet. */
    public EncodedFrame nextAudio() {
        requireOpen();
        while (true) {
            long index = audioFrameIndex++;
            fillPcm(index);
            check(av_frame_make_writable(samples), "av_frame_make_writable(audio)");
            new ShortPointer(samples.data(0)).put(pcm, 0, pcm.length);
            samples.pts(index * SAMPLES_PER_FRAME);
            check(avcodec_send_frame(audioCtx, samples), "avcodec_send_frame(opus)");
            int rc = avcodec_receive_packet(audioCtx, audioPacket);
            if (rc == AVERROR_EAGAIN()) {
                continue;
            }
            check(rc, "avcodec_receive_packet(opus)");
            try {
                return new EncodedFrame(index * AUDIO_FRAME_MICROS, true, copy(audioPacket));
            } finally {
                av_packet_unref(audioPacket);
            }
        }
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        avcodec_free_context(videoCtx);
        av_frame_free(picture);
        av_packet_free(videoPacket);
        avcodec_free_context(audioCtx);
        av_frame_free(samples);
        av_packet_free(audioPacket);
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("closed");
        }
    }

    private void drawPicture(long index) {
        check(av_frame_make_writable(picture), "av_frame_make_writable(video)");
        int stride = picture.linesize(0);
        if (isMarked(videoPtsMicros(index))) {
            java.util.Arrays.fill(lumaPlane, WHITE);
        } else {
            int ox = (int) ((index * 3) % width);
            int oy = (int) ((index) % height);
            for (int y = 0; y < height; y++) {
                System.arraycopy(texture, (y + oy) * textureWidth + ox, lumaPlane, y * stride, width);
            }
            drawBlock(index, stride);
        }
        picture.data(0).put(lumaPlane, 0, lumaPlane.length);
        picture.data(1).put(chromaPlane, 0, picture.linesize(1) * (height / 2));
        picture.data(2).put(chromaPlane, 0, picture.linesize(2) * (height / 2));
    }

    /** A mid-grey block bouncing across the picture: real motion for the encoder. */
    private void drawBlock(long index, int stride) {
        int size = Math.max(8, height / 6);
        int spanX = width - size;
        int spanY = height - size;
        int x = bounce(index * 5, spanX);
        int y = bounce(index * 3, spanY);
        for (int row = y; row < y + size; row++) {
            java.util.Arrays.fill(lumaPlane, row * stride + x, row * stride + x + size, (byte) 90);
        }
    }

    private static int bounce(long travel, int span) {
        if (span <= 0) {
            return 0;
        }
        long p = travel % (2L * span);
        return (int) (p < span ? p : 2L * span - p);
    }

    private void fillPcm(long index) {
        long firstSample = index * SAMPLES_PER_FRAME + encoderDelaySamples;
        for (int i = 0; i < SAMPLES_PER_FRAME; i++) {
            long s = firstSample + i;
            long micros = s * 1_000_000L / SAMPLE_RATE;
            short v;
            if (micros >= MARK_PERIOD_MICROS && micros % MARK_PERIOD_MICROS < MARK_LENGTH_MICROS) {
                long sinceOnset = s % (MARK_PERIOD_MICROS * SAMPLE_RATE / 1_000_000);
                v = (short) Math.round(TONE_AMPLITUDE * Math.sin(2 * Math.PI * TONE_HZ * sinceOnset / SAMPLE_RATE));
            } else {
                v = (short) (noise.nextInt(2 * NOISE_AMPLITUDE + 1) - NOISE_AMPLITUDE);
            }
            pcm[2 * i] = v;
            pcm[2 * i + 1] = v;
        }
    }

    /** Smoothed noise in the dark range: texture that pans well but is not free to encode. */
    private static byte[] makeTexture(int w, int h) {
        SplittableRandom random = new SplittableRandom(42);
        int cell = 4;
        int cw = w / cell + 2;
        int ch = h / cell + 2;
        int[] coarse = new int[cw * ch];
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = random.nextInt(48);
        }
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int cy = y / cell;
            int fy = y % cell;
            for (int x = 0; x < w; x++) {
                int cx = x / cell;
                int fx = x % cell;
                int a = coarse[cy * cw + cx];
                int b = coarse[cy * cw + cx + 1];
                int c = coarse[(cy + 1) * cw + cx];
                int d = coarse[(cy + 1) * cw + cx + 1];
                int top = a * (cell - fx) + b * fx;
                int bottom = c * (cell - fx) + d * fx;
                int v = (top * (cell - fy) + bottom * fy) / (cell * cell);
                out[y * w + x] = (byte) (DARK_BASE + v);
            }
        }
        return out;
    }

    private static AVCodecContext openVideoEncoder(int width, int height, int fps) {
        AVCodec codec = avcodec_find_encoder_by_name("libvpx");
        if (codec == null) {
            throw new IllegalStateException("no libvpx (VP8) encoder in this FFmpeg build");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
        ctx.time_base(av_make_q(1, fps)).framerate(av_make_q(fps, 1));
        ctx.bit_rate(VIDEO_BITRATE).gop_size(KEYFRAME_INTERVAL_SECONDS * fps).thread_count(1);
        AVDictionary options = new AVDictionary(null);
        av_dict_set(options, "deadline", "realtime", 0);
        av_dict_set(options, "cpu-used", "8", 0);
        av_dict_set(options, "lag-in-frames", "0", 0);
        av_dict_set(options, "auto-alt-ref", "0", 0);
        try {
            check(avcodec_open2(ctx, codec, options), "avcodec_open2(libvpx)");
        } catch (RuntimeException e) {
            avcodec_free_context(ctx);
            throw e;
        } finally {
            av_dict_free(options);
        }
        return ctx;
    }

    private static AVCodecContext openAudioEncoder() {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new IllegalStateException("no libopus encoder in this FFmpeg build");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.sample_rate(SAMPLE_RATE).sample_fmt(AV_SAMPLE_FMT_S16).bit_rate(AUDIO_BITRATE);
        ctx.time_base(av_make_q(1, SAMPLE_RATE));
        av_channel_layout_default(ctx.ch_layout(), CHANNELS);
        AVDictionary options = new AVDictionary(null);
        av_dict_set(options, "frame_duration", "20", 0);
        try {
            check(avcodec_open2(ctx, codec, options), "avcodec_open2(libopus)");
        } catch (RuntimeException e) {
            avcodec_free_context(ctx);
            throw e;
        } finally {
            av_dict_free(options);
        }
        if (ctx.frame_size() != SAMPLES_PER_FRAME) {
            avcodec_free_context(ctx);
            throw new IllegalStateException("libopus frame size " + ctx.frame_size() + ", wanted " + SAMPLES_PER_FRAME);
        }
        return ctx;
    }

    private static byte[] copy(AVPacket packet) {
        byte[] data = new byte[packet.size()];
        packet.data().get(data, 0, data.length);
        return data;
    }

    static void check(int rc, String what) {
        if (rc < 0) {
            BytePointer text = new BytePointer(256);
            try {
                av_strerror(rc, text, 256);
                throw new IllegalStateException(what + " failed: " + rc + " " + text.getString());
            } finally {
                text.close();
            }
        }
    }
}
