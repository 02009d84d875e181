package org.chorus.jingle;

import org.jitsi.xmpp.extensions.AbstractPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;

/**
 * {@code <gathering-complete/>} inside an ICE-UDP {@code <transport>}: the end of trickled candidates,
 * as browser clients built on StanzaJS send it (PROTOCOL.md §11). jitsi-xmpp-extensions has no
 * element for it, so Chorus registers this one with Smack (see {@link JingleStanzas#registerProviders()}).
 * Public with a public constructor because the provider creates it by reflection.
 */
public final class GatheringCompleteExtension extends AbstractPacketExtension {
    public static final String ELEMENT = "gathering-complete";
    public static final String NAMESPACE = IceUdpTransportPacketExtension.NAMESPACE;

    public GatheringCompleteExtension() {
        super(NAMESPACE, ELEMENT);
    }
}
