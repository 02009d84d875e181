package org.chorus.jingle;

import java.util.List;

/**
 * COIN's {@code <conference-info xmlns='urn:xmpp:coin:1'>} (XEP-0298) as Chorus sends it: the gateway
 * is the focus, and a forwarding session names the participant whose stream it carries.
 */
public record ConferenceInfo(boolean focus, List<ConferenceUser> users) {
    /** {@code <conference-info isfocus='true'/>}: what every session-accept of the gateway carries. */
    public static final ConferenceInfo FOCUS = new ConferenceInfo(true, List.of());

    public ConferenceInfo {
        users = List.copyOf(users);
    }

    /** The focus, naming the one participant whose stream a forwarding session carries (PROTOCOL.md §6). */
    public static ConferenceInfo focusFor(ConferenceUser publisher) {
        return new ConferenceInfo(true, List.of(publisher));
    }
}
