package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.media.rtp.RtpPacketBuilder.bytes;

import org.junit.jupiter.api.Test;

class H264PayloadTest {

    private static final int SPS = 0x67; // NRI 3, type 7
    private static final int PPS = 0x68;
    private static final int IDR = 0x65;
    private static final int SLICE = 0x41;

    @Test
    void singleNalUnits() {
        assertThat(H264Payload.isKeyframe(bytes(IDR, 0x88, 0x84), 0, 3)).isTrue();
        assertThat(H264Payload.containsIdr(bytes(IDR, 0x88, 0x84), 0, 3)).isTrue();
        assertThat(H264Payload.isKeyframe(bytes(SPS, 0x42, 0xC0, 0x1F), 0, 4)).isTrue();
        assertThat(H264Payload.containsSps(bytes(SPS, 0x42, 0xC0, 0x1F), 0, 4)).isTrue();
        assertThat(H264Payload.isKeyframe(bytes(PPS, 0xCE), 0, 2)).isFalse();
        assertThat(H264Payload.isKeyframe(bytes(SLICE, 0x9A), 0, 2)).isFalse();
        assertThat(H264Payload.nalType(bytes(SLICE), 0, 1)).isEqualTo(1);
    }

    @Test
    void stapAWithParameterSetsAndIdr() {
        byte[] stap = bytes(0x78,
                0x00, 0x04, SPS, 0x42, 0xC0, 0x1F,
                0x00, 0x02, PPS, 0xCE,
                0x00, 0x03, IDR, 0x88, 0x84);
        assertThat(H264Payload.nalType(stap, 0, stap.length)).isEqualTo(H264Payload.STAP_A);
        assertThat(H264Payload.containsSps(stap, 0, stap.length)).isTrue();
        assertThat(H264Payload.containsIdr(stap, 0, stap.length)).isTrue();
        assertThat(H264Payload.startsNalUnit(stap, 0, stap.length, H264Payload.NAL_PPS)).isTrue();
        assertThat(H264Payload.isKeyframe(stap, 0, stap.length)).isTrue();

        byte[] onlyPps = bytes(0x78, 0x00, 0x02, PPS, 0xCE, 0x00, 0x02, 0x06, 0x05);
        assertThat(H264Payload.isKeyframe(onlyPps, 0, onlyPps.length)).isFalse();
    }

    @Test
    void truncatedStapAStopsSafely() {
        byte[] stap = bytes(0x78, 0x00, 0x02, PPS, 0xCE, 0x00, 0x09, IDR, 0x88);
        assertThat(H264Payload.containsIdr(stap, 0, stap.length)).isFalse();
        assertThat(H264Payload.isKeyframe(bytes(0x78, 0x00), 0, 2)).isFalse();
        assertThat(H264Payload.isKeyframe(bytes(0x78, 0x00, 0x00, IDR), 0, 4)).isFalse();
    }

    @Test
    void fuAOnlyTheStartFragmentCounts() {
        byte[] start = bytes(0x7C, 0x85, 0x88, 0x84); // FU indicator NRI 3 type 28; S=1 type 5
        byte[] middle = bytes(0x7C, 0x05, 0x11, 0x22);
        byte[] end = bytes(0x7C, 0x45, 0x33);
        byte[] sliceStart = bytes(0x5C, 0x81, 0x9A);

        assertThat(H264Payload.isFragmentStart(start, 0, start.length)).isTrue();
        assertThat(H264Payload.isKeyframe(start, 0, start.length)).isTrue();
        assertThat(H264Payload.isKeyframe(middle, 0, middle.length)).isFalse();
        assertThat(H264Payload.isFragmentEnd(end, 0, end.length)).isTrue();
        assertThat(H264Payload.isKeyframe(end, 0, end.length)).isFalse();
        assertThat(H264Payload.isKeyframe(sliceStart, 0, sliceStart.length)).isFalse();
        assertThat(H264Payload.isKeyframe(bytes(0x7C), 0, 1)).isFalse();
    }

    @Test
    void emptyOrUnsupportedPayloads() {
        assertThat(H264Payload.isKeyframe(new byte[0], 0, 0)).isFalse();
        assertThat(H264Payload.nalType(new byte[0], 0, 0)).isEqualTo(-1);
        assertThat(H264Payload.isKeyframe(bytes(0x7D, 0x85, 0, 0, 0), 0, 5)).isFalse(); // FU-B
        assertThat(H264Payload.isKeyframe(bytes(IDR), 0, 5)).isFalse(); // length past the array
    }
}
