package org.chorus.recording.grid;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_move_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.chorus.recording.media.Codec;

/**
 * Decodes one participant's VP8 frames or H.264 access units (Annex B) with avcodec, keeping the
 * newest picture. Single-threaded and low-delay, so every packet in gives its picture out at once
 * and the compositor can pick exactly the frame nearest to a tick.
 */
final class VideoDecoder implements AutoCloseable {
    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame scratch;
    private final AVFrame picture;
    private final NativeBytes bytes = new NativeBytes();
    private boolean hasPicture;

    VideoDecoder(Codec codec) {
        int id = switch (codec) {
            case VP8 -> AV_CODEC_ID_VP8;
            case H264 -> AV_CODEC_ID_H264;
            default -> throw new IllegalArgumentException("not a video codec: " + codec);
        };
        AVCodec decoder = avcodec_find_decoder(id);
        if (decoder == null) {
            throw new IllegalStateException("no " + codec + " decoder in this FFmpeg build");
        }
        context = avcodec_alloc_context3(decoder);
        context.thread_count(1);
        context.flags(context.flags() | AV_CODEC_FLAG_LOW_DELAY);
        // every picture is shown at half size or less in a tile, where the in-loop deblocking
        // filter's smoothing is not visible: skipping it saves decoding time
        context.skip_loop_filter(org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_ALL);
        int ret = avcodec_open2(context, decoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(context);
            throw new IllegalStateException("avcodec_open2 for " + codec + " failed: " + ret);
        }
        packet = av_packet_alloc();
        scratch = av_frame_alloc();
        picture = av_frame_alloc();
    }

    /**
     * Decodes one whole frame. Returns true when it produced a new picture, false when the decoder
     * rejected the data (a damaged frame; the previous picture stays).
     */
    boolean decode(byte[] data, int offset, int length) {
        BytePointer native_ = bytes.copy(data, offset, length);
        packet.data(native_);
        packet.size(length);
        int ret = avcodec_send_packet(context, packet);
        packet.data(null);
        packet.size(0);
        if (ret < 0) {
            return false;
        }
        boolean got = false;
        while (avcodec_receive_frame(context, scratch) >= 0) {
            av_frame_unref(picture);
            av_frame_move_ref(picture, scratch);
            got = true;
        }
        hasPicture |= got;
        return got;
    }

    /** The newest decoded picture, or null before the first. Valid until the next {@link #decode}. */
    AVFrame picture() {
        return hasPicture ? picture : null;
    }

    @Override
    public void close() {
        av_frame_free(picture);
        av_frame_free(scratch);
        av_packet_free(packet);
        avcodec_free_context(context);
        bytes.close();
    }
}
