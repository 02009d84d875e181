package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.media.rtp.RtpPacketBuilder.bytes;
import static org.chorus.media.rtp.RtpPacketBuilder.rtp;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Vp8PayloadTest {

    /**
     * As Chromium sends the first packet of a 640x480 keyframe: X=1 S=1 PID=0; I L T set; 15-bit
     * picture id 0x1234; TL0PICIDX 7; TID 0 Y=1; then the frame tag (P=0), start code and size.
     */
    private static final byte[] KEYFRAME_START = bytes(
            0x90, 0xE0, 0x80 | 0x12, 0x34, 0x07, 0x20,
            0x50, 0x42, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01, 0x00, 0x00);

    /** A delta frame start: same descriptor shape with picture id 0x1235, TID 2, frame tag P=1. */
    private static final byte[] DELTA_START = bytes(
            0x90, 0xE0, 0x80 | 0x12, 0x35, 0x07, 0x80,
            0x31, 0x0A, 0x00, 0x11, 0x22);

    /** A middle packet of a frame: X=1 S=0 PID=0. */
    private static final byte[] CONTINUATION = bytes(
            0x80, 0xE0, 0x80 | 0x12, 0x34, 0x07, 0x20, 0x50, 0x42, 0x00);

    @Test
    void parsesAFullDescriptor() {
        byte[] p = KEYFRAME_START;
        int len = p.length;

        assertThat(Vp8Payload.descriptorLength(p, 0, len)).isEqualTo(6);
        assertThat(Vp8Payload.hasExtension(p, 0, len)).isTrue();
        assertThat(Vp8Payload.isNonReference(p, 0, len)).isFalse();
        assertThat(Vp8Payload.isStartOfPartition(p, 0, len)).isTrue();
        assertThat(Vp8Payload.partitionId(p, 0, len)).isZero();
        assertThat(Vp8Payload.isStartOfFrame(p, 0, len)).isTrue();
        assertThat(Vp8Payload.pictureId(p, 0, len)).isEqualTo(0x1234);
        assertThat(Vp8Payload.pictureIdBits(p, 0, len)).isEqualTo(15);
        assertThat(Vp8Payload.tl0PicIdx(p, 0, len)).isEqualTo(7);
        assertThat(Vp8Payload.temporalLayer(p, 0, len)).isZero();
        assertThat(Vp8Payload.isLayerSync(p, 0, len)).isTrue();
        assertThat(Vp8Payload.keyIndex(p, 0, len)).isEqualTo(-1);
        assertThat(Vp8Payload.payloadHeaderOffset(p, 0, len)).isEqualTo(6);
    }

    @Test
    void detectsTheStartOfAKeyframeAndItsSize() {
        assertThat(Vp8Payload.isKeyframe(KEYFRAME_START, 0, KEYFRAME_START.length)).isTrue();
        assertThat(Vp8Payload.keyframeWidth(KEYFRAME_START, 0, KEYFRAME_START.length)).isEqualTo(640);
        assertThat(Vp8Payload.keyframeHeight(KEYFRAME_START, 0, KEYFRAME_START.length)).isEqualTo(480);
    }

    @Test
    void deltaFramesAndContinuationsAreNotKeyframes() {
        assertThat(Vp8Payload.isKeyframe(DELTA_START, 0, DELTA_START.length)).isFalse();
        assertThat(Vp8Payload.isStartOfFrame(DELTA_START, 0, DELTA_START.length)).isTrue();
        assertThat(Vp8Payload.temporalLayer(DELTA_START, 0, DELTA_START.length)).isEqualTo(2);
        assertThat(Vp8Payload.isLayerSync(DELTA_START, 0, DELTA_START.length)).isFalse();
        assertThat(Vp8Payload.keyframeWidth(DELTA_START, 0, DELTA_START.length)).isEqualTo(-1);

        // the bytes after the descriptor look like a keyframe tag, but S=0
        assertThat(Vp8Payload.isStartOfFrame(CONTINUATION, 0, CONTINUATION.length)).isFalse();
        assertThat(Vp8Payload.isKeyframe(CONTINUATION, 0, CONTINUATION.length)).isFalse();
    }

    @Test
    void aLaterPartitionIsNotAFrameStart() {
        byte[] p = KEYFRAME_START.clone();
        p[0] = (byte) 0x91; // S=1, PID=1
        assertThat(Vp8Payload.partitionId(p, 0, p.length)).isEqualTo(1);
        assertThat(Vp8Payload.isStartOfPartition(p, 0, p.length)).isTrue();
        assertThat(Vp8Payload.isStartOfFrame(p, 0, p.length)).isFalse();
        assertThat(Vp8Payload.isKeyframe(p, 0, p.length)).isFalse();
    }

    @Test
    void handlesTheMinimalDescriptor() {
        byte[] p = bytes(0x10, 0x50, 0x42, 0x00, 0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00);
        assertThat(Vp8Payload.descriptorLength(p, 0, p.length)).isEqualTo(1);
        assertThat(Vp8Payload.pictureId(p, 0, p.length)).isEqualTo(-1);
        assertThat(Vp8Payload.tl0PicIdx(p, 0, p.length)).isEqualTo(-1);
        assertThat(Vp8Payload.temporalLayer(p, 0, p.length)).isEqualTo(-1);
        assertThat(Vp8Payload.isKeyframe(p, 0, p.length)).isTrue();
        assertThat(Vp8Payload.keyframeWidth(p, 0, p.length)).isEqualTo(320);
        assertThat(Vp8Payload.keyframeHeight(p, 0, p.length)).isEqualTo(240);
    }

    @Test
    void readsSevenBitPictureIdsAndKeyIdx() {
        // X=1 N=1 S=1; I K set; 7-bit picture id 0x55; TID absent, KEYIDX 9
        byte[] p = bytes(0xB0, 0x90, 0x55, 0x09, 0x31, 0x00, 0x00);
        assertThat(Vp8Payload.descriptorLength(p, 0, p.length)).isEqualTo(4);
        assertThat(Vp8Payload.isNonReference(p, 0, p.length)).isTrue();
        assertThat(Vp8Payload.pictureId(p, 0, p.length)).isEqualTo(0x55);
        assertThat(Vp8Payload.pictureIdBits(p, 0, p.length)).isEqualTo(7);
        assertThat(Vp8Payload.tl0PicIdx(p, 0, p.length)).isEqualTo(-1);
        assertThat(Vp8Payload.keyIndex(p, 0, p.length)).isEqualTo(9);
        assertThat(Vp8Payload.temporalLayer(p, 0, p.length)).isEqualTo(-1);
    }

    @Test
    void rewritesPictureIdAndTl0PicIdxInPlace() {
        byte[] p = KEYFRAME_START.clone();
        assertThat(Vp8Payload.setPictureId(p, 0, p.length, 0x8001)).isTrue(); // wraps at 15 bits
        assertThat(Vp8Payload.pictureId(p, 0, p.length)).isEqualTo(1);
        assertThat(Vp8Payload.pictureIdBits(p, 0, p.length)).isEqualTo(15);
        assertThat(Vp8Payload.setTl0PicIdx(p, 0, p.length, 300)).isTrue();
        assertThat(Vp8Payload.tl0PicIdx(p, 0, p.length)).isEqualTo(300 & 0xFF);
        assertThat(Vp8Payload.isKeyframe(p, 0, p.length)).isTrue();

        byte[] minimal = bytes(0x10, 0x50, 0, 0);
        assertThat(Vp8Payload.setPictureId(minimal, 0, minimal.length, 3)).isFalse();
        assertThat(Vp8Payload.setTl0PicIdx(minimal, 0, minimal.length, 3)).isFalse();
    }

    @Test
    void worksOnTheRtpPayloadOfAWholePacket() {
        byte[] packet = rtp().payloadType(96).marker(false).oneByteExtensions().ext(5, 0, 1)
                .payload(KEYFRAME_START).padding(2).build();
        int off = Rtp.payloadOffset(packet, 0, packet.length);
        int len = Rtp.payloadLength(packet, 0, packet.length);
        assertThat(Vp8Payload.isKeyframe(packet, off, len)).isTrue();
        assertThat(Vp8Payload.pictureId(packet, off, len)).isEqualTo(0x1234);
    }

    @Test
    void truncatedDescriptorsAreInvalidNotExceptions() {
        for (int len = 0; len < 6; len++) {
            assertThat(Vp8Payload.descriptorLength(KEYFRAME_START, 0, len)).as("length %d", len).isEqualTo(-1);
            assertThat(Vp8Payload.isKeyframe(KEYFRAME_START, 0, len)).isFalse();
            assertThat(Vp8Payload.pictureId(KEYFRAME_START, 0, len)).isEqualTo(-1);
        }
        assertThat(Vp8Payload.isKeyframe(KEYFRAME_START, 0, 8)).isFalse(); // frame tag cut short
        assertThat(Vp8Payload.keyframeWidth(KEYFRAME_START, 0, 12)).isEqualTo(-1);
    }

    @Test
    void garbageNeverThrows() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            byte[] g = new byte[random.nextInt(16)];
            for (int j = 0; j < g.length; j++) {
                g[j] = (byte) random.nextInt(256);
            }
            int len = g.length;
            Vp8Payload.descriptorLength(g, 0, len);
            Vp8Payload.isKeyframe(g, 0, len);
            Vp8Payload.pictureId(g, 0, len);
            Vp8Payload.tl0PicIdx(g, 0, len);
            Vp8Payload.temporalLayer(g, 0, len);
            Vp8Payload.isLayerSync(g, 0, len);
            Vp8Payload.keyIndex(g, 0, len);
            Vp8Payload.keyframeWidth(g, 0, len);
            Vp8Payload.keyframeHeight(g, 0, len);
            Vp8Payload.setPictureId(g, 0, len, 5);
            Vp8Payload.setTl0PicIdx(g, 0, len, 5);
            H264Payload.isKeyframe(g, 0, len);
            H264Payload.isFragmentEnd(g, 0, len);
            Vp8Payload.isKeyframe(g, 0, len + 3);
            H264Payload.isKeyframe(g, 0, len + 3);
        }
    }
}
