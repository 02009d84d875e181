package org.chorus.jingle;

import java.util.Locale;
import java.util.Optional;

/** The DTLS role of a fingerprint's {@code setup} attribute (XEP-0320, RFC 4145 / RFC 8842). */
public enum DtlsSetup {
    ACTPASS, ACTIVE, PASSIVE, HOLDCONN;

    public String xmlValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DtlsSetup> fromXml(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (DtlsSetup setup : values()) {
            if (setup.xmlValue().equals(value)) {
                return Optional.of(setup);
            }
        }
        return Optional.empty();
    }
}
