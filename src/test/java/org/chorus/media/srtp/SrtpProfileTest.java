package org.chorus.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.jitsi.srtp.SrtpPolicy;
import org.junit.jupiter.api.Test;

class SrtpProfileTest {

    @Test
    void idsAndSizesAreThoseOfRfc5764AndRfc7714() {
        assertThat(SrtpProfile.AES_CM_128_HMAC_SHA1_80.protectionProfileId()).isEqualTo(0x0001);
        assertThat(SrtpProfile.AEAD_AES_128_GCM.protectionProfileId()).isEqualTo(0x0007);
        assertThat(SrtpProfile.AEAD_AES_256_GCM.protectionProfileId()).isEqualTo(0x0008);

        assertThat(SrtpProfile.AEAD_AES_128_GCM.keyingMaterialLength()).isEqualTo(2 * (16 + 12));
        assertThat(SrtpProfile.AEAD_AES_256_GCM.keyingMaterialLength()).isEqualTo(2 * (32 + 12));
        assertThat(SrtpProfile.AES_CM_128_HMAC_SHA1_80.keyingMaterialLength()).isEqualTo(2 * (16 + 14));

        assertThat(SrtpProfile.AEAD_AES_128_GCM.rtpOverhead()).isEqualTo(16);
        assertThat(SrtpProfile.AEAD_AES_128_GCM.rtcpOverhead()).isEqualTo(20);
        assertThat(SrtpProfile.AES_CM_128_HMAC_SHA1_80.rtpOverhead()).isEqualTo(10);
        assertThat(SrtpProfile.AES_CM_128_HMAC_SHA1_80.rtcpOverhead()).isEqualTo(14);
        for (SrtpProfile profile : SrtpProfile.values()) {
            assertThat(profile.rtcpOverhead()).isLessThanOrEqualTo(SrtpSession.MAX_GROWTH);
        }
        assertThat(SrtpSession.MAX_GROWTH).isLessThanOrEqualTo(SrtpSession.MAX_OVERHEAD);
    }

    @Test
    void policiesMatchTheProfilesAndAllowRetransmission() {
        SrtpPolicy gcm = SrtpProfile.AEAD_AES_256_GCM.rtpPolicy();
        assertThat(gcm.getEncType()).isEqualTo(SrtpPolicy.AESGCM_ENCRYPTION);
        assertThat(gcm.getEncKeyLength()).isEqualTo(32);
        assertThat(gcm.getAuthType()).isEqualTo(SrtpPolicy.NULL_AUTHENTICATION);
        assertThat(gcm.getAuthTagLength()).isEqualTo(16);
        assertThat(gcm.getSaltKeyLength()).isEqualTo(12);

        SrtpPolicy cm = SrtpProfile.AES_CM_128_HMAC_SHA1_80.rtcpPolicy();
        assertThat(cm.getEncType()).isEqualTo(SrtpPolicy.AESCM_ENCRYPTION);
        assertThat(cm.getEncKeyLength()).isEqualTo(16);
        assertThat(cm.getAuthType()).isEqualTo(SrtpPolicy.HMACSHA1_AUTHENTICATION);
        assertThat(cm.getAuthKeyLength()).isEqualTo(20);
        assertThat(cm.getAuthTagLength()).isEqualTo(10);
        assertThat(cm.getSaltKeyLength()).isEqualTo(14);

        for (SrtpProfile profile : SrtpProfile.values()) {
            assertThat(profile.rtpPolicy().isSendReplayEnabled()).isFalse();
            assertThat(profile.rtpPolicy().isReceiveReplayEnabled()).isTrue();
            assertThat(profile.rtpPolicy()).isNotSameAs(profile.rtpPolicy());
        }
    }

    @Test
    void theServerChoosesByItsPreferenceAmongTheOffer() {
        int[] chromiumOffer = {0x0001, 0x0008, 0x0007};
        assertThat(SrtpProfile.choose(SrtpProfile.DEFAULT_PREFERENCE, chromiumOffer))
                .contains(SrtpProfile.AEAD_AES_128_GCM);
        assertThat(SrtpProfile.choose(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80), chromiumOffer))
                .contains(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        assertThat(SrtpProfile.choose(SrtpProfile.DEFAULT_PREFERENCE, new int[] {0x0002, 0x0005})).isEmpty();
        assertThat(SrtpProfile.choose(SrtpProfile.DEFAULT_PREFERENCE, null)).isEmpty();
        assertThat(SrtpProfile.forProtectionProfileId(0x0002)).isEmpty();
    }

    @Test
    void aPreferenceMustBeNonEmptyWithoutDuplicates() {
        assertThatThrownBy(() -> SrtpProfile.checkPreference(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SrtpProfile.checkPreference(
                List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AEAD_AES_128_GCM)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SrtpProfile.DEFAULT_PREFERENCE).containsExactly(SrtpProfile.AEAD_AES_128_GCM,
                SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    }
}
