package org.chorus.disco;

import java.util.List;

/** What the gateway and every conference JID advertise (PROTOCOL.md §2). */
public final class Features {
    private Features() {}

    public static final String IDENTITY_CATEGORY = "conference";
    public static final String IDENTITY_TYPE = "audio-video";

    public static final List<String> ALL = List.of(
            "http://jabber.org/protocol/disco#info",
            "http://jabber.org/protocol/disco#items",
            "urn:xmpp:jingle:av-conferences:0",
            "urn:xmpp:jingle:1",
            "urn:xmpp:jingle:apps:rtp:1",
            "urn:xmpp:jingle:apps:rtp:audio",
            "urn:xmpp:jingle:apps:rtp:video",
            "urn:xmpp:jingle:transports:ice-udp:1",
            "urn:xmpp:jingle:apps:dtls:0",
            "urn:xmpp:jingle:apps:grouping:0",
            "urn:xmpp:jingle:apps:rtp:rtcp-fb:0",
            "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0",
            "urn:xmpp:jingle:apps:rtp:ssma:0",
            "urn:xmpp:coin:1",
            "http://jabber.org/protocol/commands",
            "urn:xmpp:ping",
            "jabber:iq:version");
}
