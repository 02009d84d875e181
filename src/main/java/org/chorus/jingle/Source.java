package org.chorus.jingle;

import java.util.Map;

/** A media source (XEP-0339): its SSRC and its parameters, such as {@code cname} and {@code msid}. */
public record Source(long ssrc, Map<String, String> parameters) {
    public static final long MAX_SSRC = 0xFFFF_FFFFL;

    public Source {
        if (ssrc < 0 || ssrc > MAX_SSRC) {
            throw new IllegalArgumentException("SSRC out of range: " + ssrc);
        }
        parameters = Immutables.orderedMap(parameters);
    }

    public Source(long ssrc) {
        this(ssrc, Map.of());
    }

    public String cname() {
        return parameters.get("cname");
    }

    public String msid() {
        return parameters.get("msid");
    }
}
