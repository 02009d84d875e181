package org.chorus.jingle;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a receiver's session-accept settles for one forwarding session: per content the payload-type
 * and header-extension mappings, the SSRC rewriting of the offer, the receiver's transport, and the
 * DTLS role the gateway takes (the opposite of the receiver's). The numbers never are assumed to be
 * the publisher's: every forwarded packet goes through {@link #payloadType(int)} and
 * {@link #headerExtensionId(int)}.
 */
public record ReceiverMapping(
        String sid,
        List<ContentMapping> contents,
        Map<Long, Long> ssrcRewrite,
        IceTransport remoteTransport,
        DtlsSetup localSetup) {

    public ReceiverMapping {
        Objects.requireNonNull(sid, "sid");
        contents = List.copyOf(contents);
        ssrcRewrite = Map.copyOf(ssrcRewrite);
        Objects.requireNonNull(remoteTransport, "remoteTransport");
        Objects.requireNonNull(localSetup, "localSetup");
    }

    public Optional<ContentMapping> content(String name) {
        return contents.stream().filter(content -> content.name().equals(name)).findFirst();
    }

    /** The receiver's payload type for a publisher payload type; empty when the receiver did not accept it. */
    public OptionalInt payloadType(int publisherPayloadType) {
        for (ContentMapping content : contents) {
            Integer mapped = content.payloadTypes().get(publisherPayloadType);
            if (mapped != null) {
                return OptionalInt.of(mapped);
            }
        }
        return OptionalInt.empty();
    }

    /** The receiver's id for a publisher header extension id; empty when it is to be stripped. */
    public OptionalInt headerExtensionId(int publisherId) {
        for (ContentMapping content : contents) {
            Integer mapped = content.headerExtensions().get(publisherId);
            if (mapped != null) {
                return OptionalInt.of(mapped);
            }
        }
        return OptionalInt.empty();
    }

    /** The SSRC the receiver sees for a publisher SSRC. */
    public long ssrc(long publisherSsrc) {
        return ssrcRewrite.getOrDefault(publisherSsrc, publisherSsrc);
    }
}
