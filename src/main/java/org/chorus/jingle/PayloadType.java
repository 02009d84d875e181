package org.chorus.jingle;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A codec as a payload type (XEP-0167): the payload-type number, encoding name, clock rate, channels
 * (1 when absent), its fmtp parameters in offer order, and its RTCP feedback types (XEP-0293).
 * The name is empty for a static payload type that was offered without one.
 */
public record PayloadType(int id, String name, int clockrate, int channels, Map<String, String> parameters, List<RtcpFb> rtcpFb) {

    public PayloadType {
        Objects.requireNonNull(name, "name");
        if (id < 0 || id > 127) {
            throw new IllegalArgumentException("payload type out of range 0-127: " + id);
        }
        if (clockrate < 0) {
            throw new IllegalArgumentException("negative clock rate: " + clockrate);
        }
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1: " + channels);
        }
        parameters = Immutables.orderedMap(parameters);
        rtcpFb = rtcpFb == null ? List.of() : List.copyOf(rtcpFb);
    }

    public PayloadType(int id, String name, int clockrate, int channels) {
        this(id, name, clockrate, channels, Map.of(), List.of());
    }

    /** Whether the encoding name is {@code codec}, ignoring case as SDP does. */
    public boolean isCodec(String codec) {
        return name.equalsIgnoreCase(codec);
    }

    public boolean isRtx() {
        return isCodec("rtx");
    }

    /** An fmtp parameter, or null. */
    public String parameter(String parameterName) {
        return parameters.get(parameterName);
    }

    /** For rtx: the payload type it retransmits ({@code apt}), when it is a number. */
    public OptionalInt apt() {
        String apt = parameter("apt");
        if (apt == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(apt.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    public boolean hasRtcpFb(RtcpFb feedback) {
        return rtcpFb.contains(feedback);
    }

    public PayloadType withId(int newId) {
        return new PayloadType(newId, name, clockrate, channels, parameters, rtcpFb);
    }

    public PayloadType withRtcpFb(List<RtcpFb> feedback) {
        return new PayloadType(id, name, clockrate, channels, parameters, feedback);
    }

    public PayloadType withParameters(Map<String, String> newParameters) {
        return new PayloadType(id, name, clockrate, channels, newParameters, rtcpFb);
    }

    @Override
    public String toString() {
        return id + " " + name.toLowerCase(Locale.ROOT) + "/" + clockrate + (channels > 1 ? "/" + channels : "")
                + (parameters.isEmpty() ? "" : " " + parameters) + (rtcpFb.isEmpty() ? "" : " fb" + rtcpFb);
    }
}
