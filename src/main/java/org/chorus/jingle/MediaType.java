package org.chorus.jingle;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code media} of an RTP description (XEP-0167), from the SDP media types. Chorus forwards
 * {@link #AUDIO} and {@link #VIDEO}; the others are only parsed so that an offer carrying them can be
 * refused with a reason instead of as malformed.
 */
public enum MediaType {
    AUDIO, VIDEO, APPLICATION, TEXT, MESSAGE, IMAGE;

    /** The attribute value, e.g. {@code audio}. */
    public String xmlValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MediaType> fromXml(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (MediaType type : values()) {
            if (type.xmlValue().equals(value)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
