package org.chorus.recording.grid;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Encodes the grid's ticks to H.264 (openh264) + AAC and muxes them, to a fragmented MP4 file or an
 * FLV stream, through {@link FFmpegFrameRecorder}.
 *
 * <p>The recorder ignores frame timestamps: it numbers video frames and counts audio samples, so
 * every tick must carry one picture and exactly 1/30 s of audio, from t=0 without gaps.
 *
 * <p>libx264 is not in the LGPL build, and asking the recorder for an encoder it does not have
 * silently falls back to another codec (MPEG-4 Part 2 for MP4). So the encoder is looked up before
 * and checked again after start; anything but H.264 fails loudly.
 */
final class GridEncoder {
    static final String VIDEO_ENCODER = "libopenh264";
    static final int FRAME_RATE = 30;
    static final int VIDEO_BITRATE = 2_000_000;
    /** About 2 s between keyframes. */
    static final int GOP_FRAMES = 2 * FRAME_RATE;
    static final int AUDIO_BITRATE = 128_000;

    private static final Pattern ERROR_CODE = Pattern.compile("error\\s*\\(?(-\\d+)\\)?");

    private final FFmpegFrameRecorder recorder;
    private final UrlRedactor redactor;
    private final int width;
    private final int height;

    private GridEncoder(FFmpegFrameRecorder recorder, UrlRedactor redactor, int width, int height) {
        this.recorder = recorder;
        this.redactor = redactor;
        this.width = width;
        this.height = height;
    }

    /**
     * Opens the output and writes its header.
     *
     * @param target  a file path or the stream URL
     * @param format  "mp4" or "flv"
     * @param options muxer and protocol options ({@code setOption} passes them to both)
     */
    static GridEncoder start(String target, String format, Map<String, String> options, UrlRedactor redactor,
            int width, int height) throws IOException {
        AVCodec h264 = avcodec_find_encoder_by_name(VIDEO_ENCODER);
        if (h264 == null || h264.id() != AV_CODEC_ID_H264) {
            throw new IOException("the H.264 encoder " + VIDEO_ENCODER + " is not in this FFmpeg build");
        }
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target, width, height, AudioMixer.CHANNELS);
        recorder.setFormat(format);
        recorder.setVideoCodec(AV_CODEC_ID_H264);
        recorder.setVideoCodecName(VIDEO_ENCODER);
        recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(FRAME_RATE);
        recorder.setVideoBitrate(VIDEO_BITRATE);
        recorder.setGopSize(GOP_FRAMES);
        recorder.setAudioCodec(AV_CODEC_ID_AAC);
        recorder.setSampleRate(AudioMixer.SAMPLE_RATE);
        recorder.setAudioChannels(AudioMixer.CHANNELS);
        recorder.setAudioBitrate(AUDIO_BITRATE);
        options.forEach(recorder::setOption);
        try {
            recorder.start();
        } catch (FFmpegFrameRecorder.Exception e) {
            releaseQuietly(recorder);
            throw failure("could not open " + (redactor.hasSecret() ? UrlRedactor.PLACEHOLDER : target), e, redactor);
        }
        String actual = actualVideoEncoder(recorder);
        if (actual != null && !actual.equals(VIDEO_ENCODER)) {
            releaseQuietly(recorder);
            throw new IOException("asked for H.264 from " + VIDEO_ENCODER + " but the recorder opened " + actual);
        }
        return new GridEncoder(recorder, redactor, width, height);
    }

    /** Encodes one tick: its picture, then its audio. */
    void encode(TickBuffer tick) throws IOException {
        try {
            recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 1, width, AV_PIX_FMT_YUV420P,
                    tick.canvas.buffer());
            tick.audio.rewind();
            recorder.recordSamples(AudioMixer.SAMPLE_RATE, AudioMixer.CHANNELS, tick.audio);
        } catch (FFmpegFrameRecorder.Exception e) {
            throw failure("writing failed", e, redactor);
        }
    }

    /** Flushes the encoders, writes the trailer and closes. */
    void finish() throws IOException {
        try {
            recorder.stop();
        } catch (FFmpegFrameRecorder.Exception e) {
            releaseQuietly(recorder);
            throw failure("finishing failed", e, redactor);
        }
    }

    /** Closes without a trailer; never throws. */
    void release() {
        releaseQuietly(recorder);
    }

    /** The FFmpeg error code in a JavaCV message (e.g. -32 for a broken pipe), or 0. */
    static int errorCode(String message) {
        if (message == null) {
            return 0;
        }
        Matcher m = ERROR_CODE.matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static IOException failure(String what, Exception e, UrlRedactor redactor) {
        String message = what + ": " + redactor.redact(e.getMessage());
        if (redactor.hasSecret()) {
            // no cause: its message (and the stack trace printing it) would carry the URL
            return new IOException(message);
        }
        return new IOException(message, e);
    }

    private static void releaseQuietly(FFmpegFrameRecorder recorder) {
        try {
            recorder.release();
        } catch (Exception | LinkageError ignored) {
            // nothing more can be done with a recorder that fails to release
        }
    }

    /**
     * The name of the video encoder the recorder really opened. JavaCV does not expose its codec
     * context, so this reads it reflectively; null when that is not possible (then the check
     * before start stands alone).
     */
    private static String actualVideoEncoder(FFmpegFrameRecorder recorder) {
        try {
            Field field = FFmpegFrameRecorder.class.getDeclaredField("video_c");
            field.setAccessible(true);
            AVCodecContext context = (AVCodecContext) field.get(recorder);
            if (context == null || context.isNull() || context.codec() == null) {
                return null;
            }
            if (context.codec_id() != AV_CODEC_ID_H264) {
                return context.codec().name().getString() + " (not H.264)";
            }
            return context.codec().name().getString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
