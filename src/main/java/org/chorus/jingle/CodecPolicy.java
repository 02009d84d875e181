package org.chorus.jingle;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What Chorus negotiates: the codecs it forwards, the RTCP feedback it accepts and the header
 * extensions it keeps. Opus 48000/2 and VP8 are always required; the switches are:
 *
 * <ul>
 *   <li>{@code transportCc} (default <b>off</b>): accept {@code transport-cc} feedback and the
 *       transport-wide-cc header extension. The gateway's bandwidth feedback is REMB. Measured with
 *       Chromium: with transport-cc negotiated but never answered, the sender collapses to about
 *       30 kbps within 8 s, with half the frames and extra keyframes; REMB every second is honoured at
 *       once, even without goog-remb negotiated. So until the gateway sends transport-wide feedback it
 *       must not negotiate it. This deliberately deviates from PROTOCOL.md §5, which lists transport-cc
 *       as "accepted when offered".</li>
 *   <li>{@code h264} (default on): also answer one H.264 payload type, preferring
 *       packetization-mode=1 and the constrained-baseline profile (profile-level-id 42e0xx).</li>
 *   <li>{@code rtx} (default on): keep rtx payload types whose {@code apt} is an accepted video codec.</li>
 * </ul>
 */
public record CodecPolicy(boolean transportCc, boolean h264, boolean rtx) {

    public static CodecPolicy defaults() {
        return new CodecPolicy(false, true, true);
    }

    public CodecPolicy withTransportCc(boolean enabled) {
        return new CodecPolicy(enabled, h264, rtx);
    }

    public CodecPolicy withH264(boolean enabled) {
        return new CodecPolicy(transportCc, enabled, rtx);
    }

    public CodecPolicy withRtx(boolean enabled) {
        return new CodecPolicy(transportCc, h264, enabled);
    }

    /** nack, nack pli, ccm fir, goog-remb; and transport-cc when switched on. */
    public boolean acceptsRtcpFb(RtcpFb feedback) {
        return feedback.equals(RtcpFb.NACK)
                || feedback.equals(RtcpFb.NACK_PLI)
                || feedback.equals(RtcpFb.CCM_FIR)
                || feedback.equals(RtcpFb.GOOG_REMB)
                || (transportCc && feedback.equals(RtcpFb.TRANSPORT_CC));
    }

    /** ssrc-audio-level, abs-send-time, mid; and transport-wide-cc when switched on. */
    public Set<String> headerExtensionUris() {
        Set<String> uris = new LinkedHashSet<>();
        uris.add(HeaderExtension.SSRC_AUDIO_LEVEL);
        uris.add(HeaderExtension.ABS_SEND_TIME);
        uris.add(HeaderExtension.MID);
        if (transportCc) {
            uris.add(HeaderExtension.TRANSPORT_WIDE_CC);
        }
        return Set.copyOf(uris);
    }

    public boolean acceptsHeaderExtension(String uri) {
        return headerExtensionUris().contains(uri);
    }
}
