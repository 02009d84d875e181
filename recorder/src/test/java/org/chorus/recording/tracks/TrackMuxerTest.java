package org.chorus.recording.tracks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;

import java.nio.file.Path;
import java.util.List;

import org.chorus.testing.media.RecordingProbe;
import org.chorus.testing.media.RecordingProbe.StreamInfo;
import org.chorus.testing.media.TestEncoders;
import org.chorus.testing.media.TestEncoders.Encoded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackMuxerTest {

    @TempDir
    Path folder;

    @Test
    void theH264PictureSizeComesFromTheSpsWithCropping() {
        for (int[] size : new int[][] {{320, 180}, {640, 360}, {176, 144}}) {
            byte[] idr = TestEncoders.h264(size[0], size[1], 30, 1, 30).get(0).data();
            assertThat(H264AccessUnit.hasIdr(idr, 0, idr.length)).isTrue();
            assertThat(H264AccessUnit.pictureSize(idr, 0, idr.length)).containsExactly(size[0], size[1]);
        }
    }

    @Test
    void h264WithTheFallbackSizeInTheHeaderStillDecodesAtItsRealSize() throws Exception {
        List<Encoded> h264 = TestEncoders.h264(320, 180, 30, 30, 30);
        byte[] first = h264.get(0).data();
        Path file = folder.resolve("fallback.mkv");
        TrackMuxer muxer = TrackMuxer.openVideo(file, "matroska", AV_CODEC_ID_H264, 1280, 720,
                H264AccessUnit.parameterSets(first, 0, first.length));
        for (Encoded f : h264) {
            assertThat(muxer.write(f.ptsMicros(), 0, f.keyframe(), f.data(), 0, f.data().length))
                    .isEqualTo(TrackMuxer.WriteResult.WRITTEN);
        }
        muxer.finish();

        assertThat(RecordingProbe.decodeErrors(file)).isEmpty();
        StreamInfo video = RecordingProbe.probe(file).onlyStream();
        assertThat(video.codecName()).isEqualTo("h264");
        assertThat(RecordingProbe.packets(file)).hasSize(30);
        assertThat(video.width()).isEqualTo(320);
        assertThat(video.height()).isEqualTo(180);
    }
}
