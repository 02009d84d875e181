package org.chorus.recording.grid;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import org.chorus.recording.media.StreamSpec;

/**
 * One participant's Opus stream: each packet is decoded at once (48 kHz, float) and its samples are
 * added to the mixer at their place on the recording clock.
 *
 * <p>Consecutive packets are laid end to end as long as their timestamps agree within one packet
 * (20 ms), so timestamp jitter does not open clicks or overlaps; a larger jump re-anchors the
 * stream at its timestamp.
 */
final class AudioTrack implements AutoCloseable {
    /** Timestamp disagreement (in samples, 20 ms) tolerated before re-anchoring. */
    private static final long REANCHOR_SAMPLES = AudioMixer.SAMPLE_RATE / 50;

    private final StreamSpec spec;
    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame frame;
    private final NativeBytes bytes = new NativeBytes();
    private float[] scratch = new float[5760 * AudioMixer.CHANNELS];
    private long nextSample = Long.MIN_VALUE;
    private long endMicros = Long.MAX_VALUE;

    AudioTrack(StreamSpec spec) {
        this.spec = spec;
        AVCodec decoder = avcodec_find_decoder(AV_CODEC_ID_OPUS);
        if (decoder == null) {
            throw new IllegalStateException("no Opus decoder in this FFmpeg build");
        }
        context = avcodec_alloc_context3(decoder);
        context.sample_rate(AudioMixer.SAMPLE_RATE);
        av_channel_layout_default(context.ch_layout(), AudioMixer.CHANNELS);
        context.request_sample_fmt(AV_SAMPLE_FMT_FLT);
        int ret = avcodec_open2(context, decoder, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(context);
            throw new IllegalStateException("avcodec_open2 for Opus failed: " + ret);
        }
        packet = av_packet_alloc();
        frame = av_frame_alloc();
    }

    StreamSpec spec() {
        return spec;
    }

    void end(long atMicros) {
        endMicros = Math.min(endMicros, atMicros);
    }

    /** Decodes one Opus packet with timestamp {@code ptsMicros} into the mixer. */
    void decode(long ptsMicros, byte[] data, int offset, int length, AudioMixer mixer) {
        if (ptsMicros >= endMicros || length <= 0) {
            return;
        }
        packet.data(bytes.copy(data, offset, length));
        packet.size(length);
        int ret = avcodec_send_packet(context, packet);
        packet.data(null);
        packet.size(0);
        if (ret < 0) {
            return;
        }
        long anchor = Math.floorDiv(ptsMicros * AudioMixer.SAMPLE_RATE, 1_000_000L);
        if (nextSample == Long.MIN_VALUE || Math.abs(anchor - nextSample) > REANCHOR_SAMPLES) {
            nextSample = anchor;
        }
        while (avcodec_receive_frame(context, frame) >= 0) {
            mix(mixer);
            av_frame_unref(frame);
        }
    }

    private void mix(AudioMixer mixer) {
        int samples = frame.nb_samples();
        int channels = frame.ch_layout().nb_channels();
        int format = frame.format();
        if (samples <= 0 || channels <= 0) {
            return;
        }
        if (scratch.length < samples * channels) {
            scratch = new float[samples * channels];
        }
        if (format == AV_SAMPLE_FMT_FLT) {
            new FloatPointer(frame.data(0)).get(scratch, 0, samples * channels);
            for (int i = 0; i < samples; i++) {
                float l = scratch[i * channels];
                float r = channels > 1 ? scratch[i * channels + 1] : l;
                mixer.add(nextSample + i, l, r);
            }
        } else if (format == AV_SAMPLE_FMT_FLTP) {
            new FloatPointer(frame.data(0)).get(scratch, 0, samples);
            if (channels > 1) {
                new FloatPointer(frame.data(1)).get(scratch, samples, samples);
            }
            for (int i = 0; i < samples; i++) {
                float l = scratch[i];
                float r = channels > 1 ? scratch[samples + i] : l;
                mixer.add(nextSample + i, l, r);
            }
        } else {
            return; // the Opus decoder gives float or planar float; anything else is not mixed
        }
        nextSample += samples;
    }

    @Override
    public void close() {
        av_frame_free(frame);
        av_packet_free(packet);
        avcodec_free_context(context);
        bytes.close();
    }
}
