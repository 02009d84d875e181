package org.chorus.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 4145/5763 setup attributes: 'active' is the DTLS client, 'passive' the server. */
class DtlsRoleTest {

    @Test
    void thePeersChoiceDecidesOurs() {
        assertThat(DtlsRole.fromPeerSetup("active")).isEqualTo(DtlsRole.SERVER);
        assertThat(DtlsRole.fromPeerSetup(" Passive ")).isEqualTo(DtlsRole.CLIENT);
        assertThatThrownBy(() -> DtlsRole.fromPeerSetup("actpass")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DtlsRole.fromPeerSetup(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void answeringActpassWeChoose() {
        assertThat(DtlsRole.answering("actpass", DtlsRole.CLIENT)).isEqualTo(DtlsRole.CLIENT);
        assertThat(DtlsRole.answering("actpass", DtlsRole.SERVER)).isEqualTo(DtlsRole.SERVER);
        assertThat(DtlsRole.answering("active", DtlsRole.CLIENT)).isEqualTo(DtlsRole.SERVER);
        assertThat(DtlsRole.CLIENT.setupAttribute()).isEqualTo("active");
        assertThat(DtlsRole.SERVER.setupAttribute()).isEqualTo("passive");
    }
}
