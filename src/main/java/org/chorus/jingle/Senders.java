package org.chorus.jingle;

import java.util.Locale;
import java.util.Optional;

/** The {@code senders} of a Jingle content (XEP-0166 §7.3). An absent attribute means {@link #BOTH}. */
public enum Senders {
    INITIATOR, RESPONDER, BOTH, NONE;

    public String xmlValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads the attribute; {@code null} (absent) is the XEP-0166 default, {@link #BOTH}; unknown values are empty. */
    public static Optional<Senders> fromXml(String value) {
        if (value == null) {
            return Optional.of(BOTH);
        }
        for (Senders senders : values()) {
            if (senders.xmlValue().equals(value)) {
                return Optional.of(senders);
            }
        }
        return Optional.empty();
    }
}
