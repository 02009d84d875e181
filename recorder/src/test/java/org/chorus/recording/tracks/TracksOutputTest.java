package org.chorus.recording.tracks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.chorus.recording.media.Codec;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.MediaKind;
import org.chorus.recording.media.Mode;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.media.StreamSpec;
import org.chorus.testing.media.RecordingProbe;
import org.chorus.testing.media.RecordingProbe.ProbeResult;
import org.chorus.testing.media.RecordingProbe.StreamInfo;
import org.chorus.testing.media.TestEncoders;
import org.chorus.testing.media.TestEncoders.Encoded;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracks layout writes files that the system's ffprobe and ffmpeg (not the FFmpeg under test)
 * read back with the fed codec, size, start and length.
 */
class TracksOutputTest {

    private static List<Encoded> vp8;
    private static List<Encoded> opus;

    @TempDir
    Path folder;

    @BeforeAll
    static void encode() {
        vp8 = TestEncoders.vp8(320, 240, 30, 90, 45); // 3 s, keyframes at 0 and 1.5 s
        opus = TestEncoders.opus(150); // 3 s
    }

    private TracksOutput output(Runnable onFirstMedia) {
        return new TracksOutput(new OutputSpec(folder, Layout.TRACKS, Mode.FILE, null, "a1-"), onFirstMedia);
    }

    private static void feed(TracksOutput out, int streamId, List<Encoded> frames, long shiftMicros) {
        for (Encoded f : frames) {
            out.frame(streamId, f.ptsMicros() + shiftMicros, f.keyframe(), f.data(), 0, f.data().length);
            out.advance(f.ptsMicros() + shiftMicros);
        }
    }

    private List<String> filesInFolder() throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesOneDecodableWebmPerStreamWithTheFedCodecSizeAndLength() throws Exception {
        List<String> firstMedia = new ArrayList<>();
        TracksOutput out = output(() -> firstMedia.add("written"));
        out.participantJoined("alice@example.org", "Alice Ä/..", 0);
        out.addStream(new StreamSpec(1, "alice@example.org", "Alice Ä/..", Codec.VP8));
        out.addStream(new StreamSpec(2, "alice@example.org", "Alice Ä/..", Codec.OPUS));
        feed(out, 1, vp8, 0);
        feed(out, 2, opus, 0);
        List<OutputFile> files = out.finish();

        assertThat(firstMedia).containsExactly("written");
        assertThat(filesInFolder()).containsExactly("a1-Alice___..-audio-2.webm", "a1-Alice___..-video-1.webm");
        assertThat(files).extracting(OutputFile::name, OutputFile::kind, OutputFile::codec, OutputFile::startMicros)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a1-Alice___..-audio-2.webm", MediaKind.AUDIO, "opus", 0L),
                        org.assertj.core.groups.Tuple.tuple("a1-Alice___..-video-1.webm", MediaKind.VIDEO, "vp8", 0L));
        assertThat(files).allSatisfy(f -> assertThat(f.durationMicros()).isCloseTo(3_000_000L, within(100_000L)));

        Path videoFile = folder.resolve("a1-Alice___..-video-1.webm");
        ProbeResult video = RecordingProbe.probe(videoFile);
        assertThat(video.formatName()).contains("webm");
        assertThat(video.onlyStream().codecName()).isEqualTo("vp8");
        assertThat(video.onlyStream().width()).isEqualTo(320);
        assertThat(video.onlyStream().height()).isEqualTo(240);
        assertThat(RecordingProbe.packets(videoFile)).hasSize(90);
        assertThat(video.duration()).isCloseTo(3.0, within(0.1));
        assertThat(RecordingProbe.decodeErrors(videoFile)).isEmpty();

        Path audioFile = folder.resolve("a1-Alice___..-audio-2.webm");
        ProbeResult audio = RecordingProbe.probe(audioFile);
        assertThat(audio.onlyStream().codecName()).isEqualTo("opus");
        assertThat(audio.onlyStream().sampleRate()).isEqualTo(48_000);
        assertThat(audio.duration()).isCloseTo(3.0, within(0.1));
        assertThat(RecordingProbe.decodedAudioSeconds(audioFile)).isCloseTo(3.0, within(0.1));
    }

    @Test
    void aLateJoinersTracksStartAtItsJoinTime() throws Exception {
        TracksOutput out = output(() -> { });
        out.addStream(new StreamSpec(3, "bob@example.org", "bob", Codec.VP8));
        out.addStream(new StreamSpec(4, "bob@example.org", "bob", Codec.OPUS));
        feed(out, 3, vp8, 5_000_000);
        feed(out, 4, opus, 5_000_000);
        List<OutputFile> files = out.finish();

        assertThat(files).allSatisfy(f -> {
            assertThat(f.startMicros()).isEqualTo(5_000_000L);
            assertThat(f.durationMicros()).isCloseTo(3_000_000L, within(100_000L));
        });
        for (String name : List.of("a1-bob-video-3.webm", "a1-bob-audio-4.webm")) {
            ProbeResult r = RecordingProbe.probe(folder.resolve(name));
            double start = r.onlyStream().startTime();
            assertThat(start).as(name).isCloseTo(5.0, within(0.01));
            // Matroska's Duration is the end of the segment's timeline, so it includes the offset.
            assertThat(r.duration() - start).as(name).isCloseTo(3.0, within(0.1));
        }
    }

    @Test
    void opusWithATenthOfThePacketsLostStillDecodesToTheFullLength() throws Exception {
        Random random = new Random(7);
        List<Encoded> lossy = new ArrayList<>();
        for (int i = 0; i < opus.size(); i++) {
            if (i == 0 || i == opus.size() - 1 || random.nextInt(10) != 0) {
                lossy.add(opus.get(i));
            }
        }
        assertThat(lossy.size()).isLessThan(140);
        TracksOutput out = output(() -> { });
        out.addStream(new StreamSpec(1, "carol@example.org", "carol", Codec.OPUS));
        feed(out, 1, lossy, 0);
        List<OutputFile> files = out.finish();

        Path file = folder.resolve("a1-carol-audio-1.webm");
        assertThat(files).singleElement().satisfies(f -> assertThat(f.durationMicros()).isEqualTo(3_000_000L));
        assertThat(RecordingProbe.packets(file)).hasSize(150);
        assertThat(RecordingProbe.decodedAudioSeconds(file)).isCloseTo(3.0, within(0.03));
        assertThat(RecordingProbe.decodeErrors(file)).isEmpty();
    }

    @Test
    void aFrameGoingBackwardsIsDroppedAndTheFileStaysGood() throws Exception {
        TracksOutput out = output(() -> { });
        out.addStream(new StreamSpec(1, "dave@example.org", "dave", Codec.VP8));
        for (int i = 0; i < vp8.size(); i++) {
            Encoded f = vp8.get(i);
            long pts = i == 40 ? f.ptsMicros() - 200_000 : f.ptsMicros();
            out.frame(1, pts, f.keyframe(), f.data(), 0, f.data().length);
        }
        List<OutputFile> files = out.finish();

        Path file = folder.resolve("a1-dave-video-1.webm");
        assertThat(RecordingProbe.packets(file)).hasSize(89);
        assertThat(RecordingProbe.probe(file).duration()).isCloseTo(3.0, within(0.1));
        assertThat(files).singleElement().satisfies(f -> assertThat(f.durationMicros()).isCloseTo(3_000_000L,
                within(100_000L)));
    }

    @Test
    void videoBeforeTheFirstKeyframeIsDroppedAndAStreamWithoutFramesLeavesNoFile() throws Exception {
        TracksOutput out = output(() -> { });
        out.addStream(new StreamSpec(1, "erin@example.org", "erin", Codec.VP8));
        out.addStream(new StreamSpec(2, "erin@example.org", "erin", Codec.OPUS));
        feed(out, 1, vp8.subList(10, vp8.size()), 0); // the next keyframe is frame 45, at 1.5 s
        List<OutputFile> files = out.finish();

        assertThat(filesInFolder()).containsExactly("a1-erin-video-1.webm");
        assertThat(files).singleElement().satisfies(f -> {
            assertThat(f.startMicros()).isEqualTo(1_500_000L);
            assertThat(f.durationMicros()).isCloseTo(1_500_000L, within(100_000L));
        });
        Path file = folder.resolve("a1-erin-video-1.webm");
        assertThat(RecordingProbe.packets(file)).hasSize(45);
        assertThat(RecordingProbe.probe(file).onlyStream().startTime()).isCloseTo(1.5, within(0.01));
        assertThat(RecordingProbe.decodeErrors(file)).isEmpty();
    }

    @Test
    void h264GoesToMatroskaWithItsPictureSize() throws Exception {
        List<Encoded> h264 = TestEncoders.h264(320, 180, 30, 60, 30);
        TracksOutput out = output(() -> { });
        out.addStream(new StreamSpec(1, "frank@example.org", "frank", Codec.H264));
        feed(out, 1, h264, 2_000_000);
        List<OutputFile> files = out.finish();

        Path file = folder.resolve("a1-frank-video-1.mkv");
        StreamInfo video = RecordingProbe.probe(file).onlyStream();
        assertThat(video.codecName()).isEqualTo("h264");
        assertThat(video.width()).isEqualTo(320);
        assertThat(video.height()).isEqualTo(180);
        assertThat(video.startTime()).isCloseTo(2.0, within(0.01));
        assertThat(RecordingProbe.packets(file)).hasSize(60);
        assertThat(RecordingProbe.decodeErrors(file)).isEmpty();
        assertThat(files).singleElement().satisfies(f -> assertThat(f.codec()).isEqualTo("h264"));
    }

    @Test
    void anAbortedFileHasNoDurationUntilRemuxRepairsIt() throws Exception {
        TracksOutput out = output(() -> { });
        out.addStream(new StreamSpec(1, "gina@example.org", "gina", Codec.VP8));
        feed(out, 1, vp8, 4_000_000);
        out.abort();
        Path file = folder.resolve("a1-gina-video-1.webm");
        assertThat(RecordingProbe.probe(file).duration()).isNaN();
        int killedPackets = RecordingProbe.packets(file).size();
        assertThat(Remux.needsFixUp(file)).isTrue();

        Remux.fixUp(file);

        assertThat(Remux.needsFixUp(file)).isFalse();
        ProbeResult fixed = RecordingProbe.probe(file);
        List<RecordingProbe.Packet> fixedPackets = RecordingProbe.packets(file);
        assertThat(fixed.onlyStream().codecName()).isEqualTo("vp8");
        assertThat(fixed.onlyStream().startTime()).isCloseTo(4.0, within(0.01));
        assertThat(fixed.duration()).isCloseTo(RecordingProbe.lastPacketEnd(fixedPackets), within(0.1));
        assertThat(fixedPackets.size()).isEqualTo(killedPackets).isGreaterThan(0);
        assertThat(filesInFolder()).containsExactly("a1-gina-video-1.webm");
    }
}
