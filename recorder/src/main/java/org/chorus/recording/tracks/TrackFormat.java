package org.chorus.recording.tracks;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;

import org.chorus.recording.media.Codec;

/** The container each codec is copied into: WebM for VP8 and Opus, Matroska for H.264. */
enum TrackFormat {
    VP8_WEBM("webm", "webm", "vp8", AV_CODEC_ID_VP8),
    H264_MKV("matroska", "mkv", "h264", AV_CODEC_ID_H264),
    OPUS_WEBM("webm", "webm", "opus", AV_CODEC_ID_OPUS);

    private final String muxer;
    private final String extension;
    private final String codecName;
    private final int codecId;

    TrackFormat(String muxer, String extension, String codecName, int codecId) {
        this.muxer = muxer;
        this.extension = extension;
        this.codecName = codecName;
        this.codecId = codecId;
    }

    static TrackFormat of(Codec codec) {
        return switch (codec) {
            case VP8 -> VP8_WEBM;
            case H264 -> H264_MKV;
            case OPUS -> OPUS_WEBM;
        };
    }

    /** The avformat muxer name. */
    String muxer() {
        return muxer;
    }

    /** The file extension, without the dot. */
    String extension() {
        return extension;
    }

    /** The codec as metadata.json names it. */
    String codecName() {
        return codecName;
    }

    int codecId() {
        return codecId;
    }
}
