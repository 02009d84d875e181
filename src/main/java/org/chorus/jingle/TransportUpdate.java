package org.chorus.jingle;

import java.util.Objects;

/** One content of a transport-info (trickle ICE): the content it names and its transport. */
public record TransportUpdate(String contentName, IceTransport transport) {
    public TransportUpdate {
        Objects.requireNonNull(contentName, "contentName");
        Objects.requireNonNull(transport, "transport");
    }
}
