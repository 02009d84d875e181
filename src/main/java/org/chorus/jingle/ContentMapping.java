package org.chorus.jingle;

import java.util.Map;
import java.util.Objects;

/**
 * How one content's packets are rewritten for one receiver: publisher payload type to the
 * receiver's, and publisher header extension id to the receiver's (matched by URI). A publisher
 * payload type or extension that is absent was not accepted: drop the packet, strip the extension.
 */
public record ContentMapping(String name, MediaType media, Map<Integer, Integer> payloadTypes, Map<Integer, Integer> headerExtensions) {
    public ContentMapping {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(media, "media");
        payloadTypes = Map.copyOf(payloadTypes);
        headerExtensions = Map.copyOf(headerExtensions);
    }
}
