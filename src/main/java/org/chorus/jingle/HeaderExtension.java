package org.chorus.jingle;

import java.util.Objects;

/** An RTP header extension (XEP-0294, RFC 8285): the local id and the URI that names it. */
public record HeaderExtension(int id, String uri) {
    public static final String SSRC_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String TRANSPORT_WIDE_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    public HeaderExtension {
        Objects.requireNonNull(uri, "uri");
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("header extension id out of range 1-255: " + id);
        }
        if (uri.isBlank()) {
            throw new IllegalArgumentException("a header extension needs a URI");
        }
    }
}
