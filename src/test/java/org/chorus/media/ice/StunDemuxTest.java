package org.chorus.media.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.chorus.media.ice.StunDemux.Kind;
import org.junit.jupiter.api.Test;

/** RFC 7983 classification and the USERNAME lookup, on good and malformed input. */
class StunDemuxTest {

    @Test
    void classifiesByTheFirstByte() {
        for (int b = 0; b < 256; b++) {
            Kind expected = b <= 3 ? Kind.STUN
                    : b >= 20 && b <= 63 ? Kind.DTLS
                    : b >= 128 && b <= 191 ? Kind.RTP_OR_RTCP
                    : Kind.OTHER;
            assertThat(StunDemux.kind(new byte[] {(byte) b, 0, 0}, 0, 3)).as("first byte %d", b).isEqualTo(expected);
        }
        assertThat(StunDemux.kind(new byte[] {0, 22}, 1, 1)).isEqualTo(Kind.DTLS); // the offset is honoured
        assertThat(StunDemux.kind(new byte[0], 0, 0)).isEqualTo(Kind.OTHER);
        assertThat(StunDemux.kind(new byte[4], 2, 5)).isEqualTo(Kind.OTHER);
        assertThat(StunDemux.kind(new byte[4], -1, 1)).isEqualTo(Kind.OTHER);
        assertThat(StunDemux.kind(null, 0, 1)).isEqualTo(Kind.OTHER);
    }

    @Test
    void findsTheLocalUfragOfABindingRequest() {
        byte[] request = StunTestMessages.request("gateway1:browser", "pw", true, 1, true);
        assertThat(StunDemux.localUfrag(request, 0, request.length)).isEqualTo("gateway1");

        byte[] shifted = new byte[request.length + 7];
        System.arraycopy(request, 0, shifted, 5, request.length);
        assertThat(StunDemux.localUfrag(shifted, 5, request.length)).isEqualTo("gateway1");
        assertThat(StunDemux.kind(shifted, 5, request.length)).isEqualTo(Kind.STUN);
    }

    @Test
    void answersNullForWhatIsNotABindingRequestWithAUsername() {
        byte[] noColon = StunTestMessages.request("gateway1", "pw", true, 1, false);
        byte[] emptyLocal = StunTestMessages.request(":browser", "pw", true, 1, false);
        byte[] noUsername = StunTestMessages.request(null, "pw", true, 1, false);
        byte[] request = StunTestMessages.request("gateway1:browser", "pw", true, 1, false);
        byte[] response = StunTestMessages.success(request, new java.net.InetSocketAddress("127.0.0.1", 5000), "pw");
        assertThat(StunDemux.localUfrag(noColon, 0, noColon.length)).isNull();
        assertThat(StunDemux.localUfrag(emptyLocal, 0, emptyLocal.length)).isNull();
        assertThat(StunDemux.localUfrag(noUsername, 0, noUsername.length)).isNull();
        assertThat(StunDemux.localUfrag(response, 0, response.length)).isNull();

        byte[] noCookie = request.clone();
        noCookie[4] ^= 1;
        assertThat(StunDemux.localUfrag(noCookie, 0, noCookie.length)).isNull();
        for (int cut = 0; cut < request.length; cut++) {
            assertThat(StunDemux.localUfrag(request, 0, cut)).as("truncated to %d", cut).isNull();
        }
        assertThat(StunDemux.localUfrag(request, 0, request.length + 1)).isNull(); // past the array
        assertThat(StunDemux.localUfrag(request, 3, request.length)).isNull();
        assertThat(StunDemux.localUfrag(null, 0, 20)).isNull();
    }

    @Test
    void lengthsPastTheEndAreRefused() {
        byte[] request = StunTestMessages.request("gateway1:browser", "pw", true, 1, false);
        byte[] hugeMessage = request.clone();
        hugeMessage[2] = (byte) 0xFF;
        hugeMessage[3] = (byte) 0xFC;
        assertThat(StunDemux.localUfrag(hugeMessage, 0, hugeMessage.length)).isNull();

        byte[] hugeAttribute = request.clone(); // USERNAME is the first attribute
        assertThat(StunCodec.u16(hugeAttribute, 20)).isEqualTo(0x0006);
        hugeAttribute[22] = (byte) 0xFF;
        hugeAttribute[23] = (byte) 0xFF;
        assertThat(StunDemux.localUfrag(hugeAttribute, 0, hugeAttribute.length)).isNull();

        byte[] oddLength = request.clone();
        oddLength[3] -= 2; // not a multiple of four
        assertThat(StunDemux.localUfrag(oddLength, 0, oddLength.length)).isNull();

        byte[] headerOnly = Arrays.copyOf(request, 20);
        headerOnly[2] = 0;
        headerOnly[3] = 0;
        assertThat(StunDemux.localUfrag(headerOnly, 0, 20)).isNull();
    }

    @Test
    void randomAndMutatedBytesNeverThrow() {
        SplittableRandom random = new SplittableRandom(11);
        byte[] request = StunTestMessages.request("gateway1:browser", "pw", true, 1, true);
        assertThatCode(() -> {
            for (int i = 0; i < 50_000; i++) {
                byte[] bytes;
                if (i % 2 == 0) {
                    bytes = new byte[random.nextInt(0, 200)];
                    random.nextBytes(bytes);
                    if (bytes.length > 8 && i % 4 == 0) { // often a plausible header
                        bytes[0] = 0;
                        bytes[1] = 1;
                        System.arraycopy(request, 4, bytes, 4, 4);
                    }
                } else {
                    bytes = request.clone();
                    for (int f = random.nextInt(1, 5); f > 0; f--) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                }
                int offset = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                int length = random.nextInt(-2, bytes.length + 3);
                StunDemux.kind(bytes, offset, length);
                StunDemux.localUfrag(bytes, offset, length);
                StunDemux.localUfrag(bytes, 0, bytes.length);
            }
        }).doesNotThrowAnyException();
    }
}
