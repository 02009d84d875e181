package org.chorus.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.chorus.media.TestCertificates;
import org.junit.jupiter.api.Test;

class DtlsCertificateTest {

    private static final DtlsCertificate CERTIFICATE = TestCertificates.SERVER;

    @Test
    void aSelfSignedEcP256CertificateSignedWithEcdsaSha256() throws Exception {
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(CERTIFICATE.encoded()));

        assertThat(x509.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(x509.getSigAlgOID()).isEqualTo("1.2.840.10045.4.3.2");
        assertThat(x509.getSigAlgParams()).isNull();
        assertThat(x509.getVersion()).isEqualTo(3);
        assertThat(x509.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) x509.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(x509.getSubjectX500Principal()).isEqualTo(x509.getIssuerX500Principal());
        x509.verify(x509.getPublicKey()); // self-signed
        x509.checkValidity();
    }

    @Test
    void theFingerprintIsTheSha256OfTheDerInUppercaseHexWithColons() throws Exception {
        String expected = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(CERTIFICATE.encoded()));

        assertThat(CERTIFICATE.fingerprint()).isEqualTo(expected).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(CERTIFICATE.hashFunction()).isEqualTo("sha-256");
        assertThat(CERTIFICATE.localFingerprint()).isEqualTo(new DtlsFingerprint("sha-256", expected));
        assertThat(TestCertificates.CLIENT.fingerprint()).isNotEqualTo(CERTIFICATE.fingerprint());
    }

    @Test
    void fingerprintsOfReceivedCertificatesWithEveryHashCompareIgnoringCase() throws Exception {
        TlsCertificate received = new BcTlsCrypto().createCertificate(CERTIFICATE.encoded());
        Certificate chain = new Certificate(new TlsCertificate[] {received});

        assertThat(DtlsCertificate.fingerprint("sha-1", received)).hasSize(20 * 3 - 1);
        assertThat(DtlsCertificate.fingerprint("sha-384", received)).hasSize(48 * 3 - 1);
        assertThat(DtlsCertificate.fingerprint("SHA-512", received)).hasSize(64 * 3 - 1);
        for (String hash : new String[] {"sha-1", "sha-256", "sha-384", "sha-512"}) {
            String signalled = DtlsCertificate.fingerprint(hash, CERTIFICATE.encoded()).toLowerCase();
            assertThat(DtlsCertificate.matches(chain, hash.toUpperCase(), signalled)).as(hash).isTrue();
            assertThat(new DtlsFingerprint(hash, signalled).matches(received.getEncoded())).as(hash).isTrue();
        }

        assertThat(DtlsCertificate.matches(chain, "sha-256", TestCertificates.CLIENT.fingerprint())).isFalse();
        assertThat(DtlsCertificate.matches(chain, "md5", CERTIFICATE.fingerprint())).isFalse();
        assertThat(DtlsCertificate.matches(Certificate.EMPTY_CHAIN, "sha-256", CERTIFICATE.fingerprint())).isFalse();
        assertThat(DtlsCertificate.matches(chain, "sha-256", null)).isFalse();
    }

    @Test
    void signalledFingerprintsAreNormalisedAndChecked() {
        DtlsFingerprint fingerprint = new DtlsFingerprint(" SHA-256 ", " " + CERTIFICATE.fingerprint().toLowerCase() + " ");
        assertThat(fingerprint.hashFunction()).isEqualTo("sha-256");
        assertThat(fingerprint.matches(CERTIFICATE.encoded())).isTrue();
        assertThat(fingerprint.matches(TestCertificates.CLIENT.encoded())).isFalse();

        assertThatThrownBy(() -> new DtlsFingerprint("md5", "AB:CD")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DtlsFingerprint("sha-256", " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DtlsCertificate.fingerprint("md2", new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
