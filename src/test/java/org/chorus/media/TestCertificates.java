package org.chorus.media;

import org.chorus.media.dtls.DtlsCertificate;

/** Certificates shared by the media tests: generating one costs a few hundred milliseconds. */
public final class TestCertificates {

    public static final DtlsCertificate CLIENT = DtlsCertificate.generate();
    public static final DtlsCertificate SERVER = DtlsCertificate.generate();

    private TestCertificates() {
    }
}
