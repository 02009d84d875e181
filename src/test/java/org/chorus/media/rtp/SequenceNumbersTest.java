package org.chorus.media.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceNumbersTest {

    @Test
    void comparesAcrossTheWrap() {
        assertThat(SequenceNumbers.isNewer(0, 65535)).isTrue();
        assertThat(SequenceNumbers.isNewer(65535, 0)).isFalse();
        assertThat(SequenceNumbers.isOlder(65535, 0)).isTrue();
        assertThat(SequenceNumbers.isNewer(5, 5)).isFalse();
        assertThat(SequenceNumbers.isNewer(100, 50)).isTrue();
        assertThat(SequenceNumbers.delta(2, 65534)).isEqualTo(4);
        assertThat(SequenceNumbers.delta(65534, 2)).isEqualTo(-4);
        assertThat(SequenceNumbers.compare(1, 65000)).isPositive();
        assertThat(SequenceNumbers.compare(7, 7)).isZero();
        assertThat(SequenceNumbers.add(65535, 2)).isEqualTo(1);
    }

    @Test
    void halfARingApartExactlyOneIsNewer() {
        assertThat(SequenceNumbers.isNewer(32768, 0)).isNotEqualTo(SequenceNumbers.isNewer(0, 32768));
        assertThat(SequenceNumbers.isNewer(40000, 7232)).isNotEqualTo(SequenceNumbers.isNewer(7232, 40000));
    }

    @Test
    void unwrapsAcrossSeveralWraps() {
        SequenceNumbers.Unwrapper unwrapper = new SequenceNumbers.Unwrapper();
        assertThat(unwrapper.highest()).isEqualTo(-1);
        long expected = 65530;
        int seq = 65530;
        assertThat(unwrapper.unwrap(seq)).isEqualTo(expected);
        for (int i = 0; i < 200_000; i++) {
            seq = (seq + 1) & 0xFFFF;
            expected++;
            assertThat(unwrapper.unwrap(seq)).isEqualTo(expected);
        }
        assertThat(unwrapper.highest()).isEqualTo(expected);
    }

    @Test
    void reorderedPacketsAcrossTheWrapGetTheEarlierIndex() {
        SequenceNumbers.Unwrapper unwrapper = new SequenceNumbers.Unwrapper();
        unwrapper.unwrap(65534);
        assertThat(unwrapper.unwrap(1)).isEqualTo(65537);
        assertThat(unwrapper.unwrap(65535)).isEqualTo(65535);
        assertThat(unwrapper.highest()).isEqualTo(65537);
        assertThat(unwrapper.peek(2)).isEqualTo(65538);
        assertThat(unwrapper.highest()).isEqualTo(65537);
    }

    @Test
    void unwrapsAgainstAReference() {
        assertThat(SequenceNumbers.unwrap(3, 65535)).isEqualTo(65539);
        assertThat(SequenceNumbers.unwrap(65535, 65539)).isEqualTo(65535);
        assertThat(SequenceNumbers.unwrap(10, 3 * 65536L + 5)).isEqualTo(3 * 65536L + 10);
    }

    @Test
    void timestampsWrapAt32Bits() {
        assertThat(RtpTimestamps.isNewer(10, 0xFFFF_FFF0L)).isTrue();
        assertThat(RtpTimestamps.isNewer(0xFFFF_FFF0L, 10)).isFalse();
        assertThat(RtpTimestamps.delta(10, 0xFFFF_FFF0L)).isEqualTo(26);
        assertThat(RtpTimestamps.delta(0xFFFF_FFF0L, 10)).isEqualTo(-26);
        assertThat(RtpTimestamps.add(0xFFFF_FFFFL, 3000)).isEqualTo(2999);
        assertThat(RtpTimestamps.compare(5, 5)).isZero();
        assertThat(RtpTimestamps.isNewer(0x8000_0000L, 0)).isNotEqualTo(RtpTimestamps.isNewer(0, 0x8000_0000L));
        assertThat(RtpTimestamps.unwrap(100, 0x1_FFFF_FF00L)).isEqualTo(0x2_0000_0064L);

        RtpTimestamps.Unwrapper unwrapper = new RtpTimestamps.Unwrapper();
        long ts = 0xFFFF_0000L;
        assertThat(unwrapper.unwrap(ts)).isEqualTo(ts);
        long extended = ts;
        for (int i = 0; i < 100; i++) {
            ts = RtpTimestamps.add(ts, 3000);
            extended += 3000;
            assertThat(unwrapper.unwrap(ts)).isEqualTo(extended);
        }
        assertThat(unwrapper.highest()).isGreaterThan(RtpTimestamps.MODULUS);
    }
}
