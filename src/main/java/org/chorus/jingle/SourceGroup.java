package org.chorus.jingle;

import java.util.List;
import java.util.Objects;

/**
 * An SSRC group (XEP-0339): {@code FID} pairs a stream with its retransmission stream
 * (primary first), {@code SIM} lists simulcast layers from the lowest.
 */
public record SourceGroup(String semantics, List<Long> ssrcs) {
    public static final String FID = "FID";
    public static final String SIM = "SIM";

    public SourceGroup {
        Objects.requireNonNull(semantics, "semantics");
        ssrcs = List.copyOf(ssrcs);
        for (long ssrc : ssrcs) {
            if (ssrc < 0 || ssrc > Source.MAX_SSRC) {
                throw new IllegalArgumentException("SSRC out of range: " + ssrc);
            }
        }
    }

    public boolean is(String groupSemantics) {
        return semantics.equals(groupSemantics);
    }
}
