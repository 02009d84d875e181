package org.chorus.media.dtls;

import java.util.Locale;
import java.util.Objects;

/**
 * A certificate fingerprint as signalled in Jingle ({@code <fingerprint hash='sha-256'>}) or SDP
 * ({@code a=fingerprint}): a hash function name from RFC 4572 and the hash as hex bytes separated by
 * ':'. Comparison ignores the case of the hex digits.
 *
 * @param hashFunction the hash function, normalised to lower case ("sha-256")
 * @param value        the fingerprint, as given
 */
public record DtlsFingerprint(String hashFunction, String value) {

    public DtlsFingerprint {
        Objects.requireNonNull(hashFunction, "hashFunction");
        Objects.requireNonNull(value, "value");
        hashFunction = hashFunction.trim().toLowerCase(Locale.ROOT);
        value = value.trim();
        if (!DtlsCertificate.isSupportedHashFunction(hashFunction)) {
            throw new IllegalArgumentException("unsupported fingerprint hash function: " + hashFunction);
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty fingerprint");
        }
    }

    /** Whether the DER-encoded certificate has this fingerprint. */
    public boolean matches(byte[] certificateDer) {
        return DtlsCertificate.fingerprintsEqual(DtlsCertificate.fingerprint(hashFunction, certificateDer), value);
    }
}
