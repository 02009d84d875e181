package org.chorus.jingle;

import java.util.Objects;

/** A {@code <user>} of COIN's {@code <users>} (XEP-0298): its entity URI and display text (may be null). */
public record ConferenceUser(String entity, String displayText) {
    public ConferenceUser {
        Objects.requireNonNull(entity, "entity");
    }

    /** The user for a participant's bare JID, as {@code xmpp:} URI, with the nick as display text. */
    public static ConferenceUser ofJid(String jid, String nick) {
        Objects.requireNonNull(jid, "jid");
        int slash = jid.indexOf('/');
        String bare = slash < 0 ? jid : jid.substring(0, slash);
        return new ConferenceUser("xmpp:" + bare, nick);
    }
}
