package org.chorus.jingle;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A DTLS certificate fingerprint (XEP-0320): hash function, value (hex pairs separated by colons) and
 * the DTLS role; {@code setup} is null when the attribute is absent (RFC 4145 then means active).
 */
public record Fingerprint(String hash, String value, DtlsSetup setup) {
    /** The hash function names of RFC 8122 that a DTLS certificate fingerprint may use. */
    public static final Set<String> HASHES = Set.of("sha-1", "sha-224", "sha-256", "sha-384", "sha-512");

    public Fingerprint {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(value, "value");
        if (hash.isBlank() || value.isBlank()) {
            throw new IllegalArgumentException("a fingerprint needs a hash and a value");
        }
    }

    public boolean hasKnownHash() {
        return HASHES.contains(hash.toLowerCase(Locale.ROOT));
    }

    /** The role this side takes; an absent {@code setup} is {@code active} (RFC 4145 §4). */
    public DtlsSetup effectiveSetup() {
        return setup == null ? DtlsSetup.ACTIVE : setup;
    }

    public Fingerprint withSetup(DtlsSetup newSetup) {
        return new Fingerprint(hash, value, newSetup);
    }
}
