package org.chorus.xmpp;

/** XML namespaces that Chorus sends or accepts. */
public final class Namespaces {
    private Namespaces() {}

    public static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    public static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    public static final String DATA_FORMS = "jabber:x:data";
    public static final String PING = "urn:xmpp:ping";
    public static final String VERSION = "jabber:iq:version";
    public static final String COMMANDS = "http://jabber.org/protocol/commands";

    public static final String MUC = "http://jabber.org/protocol/muc";
    public static final String MUC_USER = "http://jabber.org/protocol/muc#user";
    public static final String MUC_ADMIN = "http://jabber.org/protocol/muc#admin";

    public static final String JINGLE = "urn:xmpp:jingle:1";
    public static final String JINGLE_ERRORS = "urn:xmpp:jingle:errors:1";
    public static final String JINGLE_RTP = "urn:xmpp:jingle:apps:rtp:1";
    public static final String AV_CONFERENCES = "urn:xmpp:jingle:av-conferences:0";
    public static final String AV_CONFERENCES_INFO_FORM = "urn:xmpp:jingle:av-conferences:0#info";
    public static final String JINGLE_MUC_MESSAGE = "urn:xmpp:jingle-muc-message:0";
    public static final String HINTS = "urn:xmpp:hints";
    public static final String JIBRI = "http://jitsi.org/protocol/jibri";
    public static final String HEALTH = "http://jitsi.org/protocol/health";
    public static final String COIN = "urn:xmpp:coin:1";
}
