package org.chorus.jingle;

import java.util.Map;
import java.util.Objects;

/**
 * A session-initiate the gateway sends to a receiver, carrying one publisher's media (§6): its
 * {@code sid} ({@code CALL-ID ':' UUID}), the description (the publisher's payload types, header
 * extensions and sources, the gateway's transport with {@code setup='actpass'}, BUNDLE, COIN), and
 * how publisher SSRCs are rewritten for this receiver. With simulcast the receiver is offered one
 * stable SSRC (and its rtx SSRC): every layer maps to it; SSRCs not in the map stay as they are.
 */
public record ForwardingOffer(String sid, SessionDescription description, Map<Long, Long> ssrcRewrite) {

    public ForwardingOffer {
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(description, "description");
        ssrcRewrite = Map.copyOf(ssrcRewrite);
    }

    /** The SSRC the receiver sees for a publisher SSRC. */
    public long receiverSsrc(long publisherSsrc) {
        return ssrcRewrite.getOrDefault(publisherSsrc, publisherSsrc);
    }
}
