package org.chorus.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 5764 §4.2: client key | server key | client salt | server salt. */
class SrtpKeysTest {

    private static byte[] material(SrtpProfile profile) {
        byte[] material = new byte[profile.keyingMaterialLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) i;
        }
        return material;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void theServerSendsWithTheServerHalf(SrtpProfile profile) {
        byte[] material = material(profile);
        int k = profile.keyLength();
        int s = profile.saltLength();

        SrtpKeys server = SrtpKeys.fromKeyingMaterial(profile, material, true);
        SrtpKeys client = SrtpKeys.fromKeyingMaterial(profile, material, false);

        assertThat(server.localKey()).isEqualTo(Arrays.copyOfRange(material, k, 2 * k));
        assertThat(server.remoteKey()).isEqualTo(Arrays.copyOfRange(material, 0, k));
        assertThat(server.localSalt()).isEqualTo(Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
        assertThat(server.remoteSalt()).isEqualTo(Arrays.copyOfRange(material, 2 * k, 2 * k + s));

        assertThat(client.localKey()).isEqualTo(server.remoteKey());
        assertThat(client.localSalt()).isEqualTo(server.remoteSalt());
        assertThat(client.remoteKey()).isEqualTo(server.localKey());
        assertThat(client.reversed().localKey()).isEqualTo(server.localKey());
    }

    @Test
    void wrongSizesAreRefusedAndKeysNeverPrinted() {
        SrtpProfile profile = SrtpProfile.AEAD_AES_128_GCM;
        assertThatThrownBy(() -> SrtpKeys.fromKeyingMaterial(profile, new byte[10], true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SrtpKeys(profile, new byte[16], new byte[14], new byte[16], new byte[12]))
                .isInstanceOf(IllegalArgumentException.class);

        SrtpKeys keys = SrtpKeys.fromKeyingMaterial(profile, material(profile), true);
        assertThat(keys.toString()).isEqualTo("SrtpKeys[AEAD_AES_128_GCM]");
        keys.localKey()[0] = 99;
        assertThat(keys.localKey()[0]).isEqualTo((byte) 16);
    }
}
