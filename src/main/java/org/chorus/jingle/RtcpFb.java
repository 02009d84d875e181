package org.chorus.jingle;

import java.util.Objects;

/** One RTCP feedback type of a payload type (XEP-0293), e.g. {@code nack pli}; {@code subtype} may be null. */
public record RtcpFb(String type, String subtype) {
    public static final RtcpFb NACK = new RtcpFb("nack", null);
    public static final RtcpFb NACK_PLI = new RtcpFb("nack", "pli");
    public static final RtcpFb CCM_FIR = new RtcpFb("ccm", "fir");
    public static final RtcpFb GOOG_REMB = new RtcpFb("goog-remb", null);
    public static final RtcpFb TRANSPORT_CC = new RtcpFb("transport-cc", null);

    public RtcpFb {
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("an rtcp-fb needs a type");
        }
        if (subtype != null && subtype.isBlank()) {
            subtype = null;
        }
    }

    @Override
    public String toString() {
        return subtype == null ? type : type + " " + subtype;
    }
}
