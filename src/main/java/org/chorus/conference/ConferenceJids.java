package org.chorus.conference;

import java.util.Locale;
import java.util.Objects;
import org.xmpp.packet.JID;

/**
 * The two-way mapping between MUC rooms and conference JIDs (PROTOCOL.md §1), with no table to keep.
 *
 * <ul>
 *   <li>A room on the configured MUC service maps to {@code <room localpart>@<gateway domain>}.</li>
 *   <li>Any other room maps to the XEP-0106-escaped room bare JID as the localpart, for example
 *       {@code team\40muc.other.org@av.example.org}. A room on the configured service whose name itself
 *       contains an '@' takes that long form too, so that the mapping stays unambiguous.</li>
 * </ul>
 *
 * Instances are immutable and thread-safe.
 */
public final class ConferenceJids {

    private final String gatewayDomain;
    private final String mucService;

    public ConferenceJids(String gatewayDomain, String mucService) {
        this.gatewayDomain = JID.domainprep(Objects.requireNonNull(gatewayDomain, "gatewayDomain"));
        this.mucService = JID.domainprep(Objects.requireNonNull(mucService, "mucService"));
        if (this.gatewayDomain.equals(this.mucService)) {
            throw new IllegalArgumentException("the gateway domain and the MUC service must differ");
        }
    }

    public String gatewayDomain() {
        return gatewayDomain;
    }

    public String mucService() {
        return mucService;
    }

    /** Whether the JID is addressed to the gateway's own domain (any localpart, any resource). */
    public boolean isGatewayAddress(JID jid) {
        return jid != null && gatewayDomain.equals(jid.getDomain());
    }

    /** Whether the JID is the bare gateway domain (or one of its resources), not a conference. */
    public boolean isServiceAddress(JID jid) {
        return isGatewayAddress(jid) && jid.getNode() == null;
    }

    /**
     * The conference JID of a room.
     *
     * @throws MalformedConferenceJidException if the JID has no localpart or points at the gateway itself
     */
    public JID conferenceFor(JID room) {
        if (room == null || room.getNode() == null) {
            throw new MalformedConferenceJidException("a room JID needs a localpart: " + room);
        }
        if (gatewayDomain.equals(room.getDomain())) {
            throw new MalformedConferenceJidException("a room cannot live on the gateway domain: " + room);
        }
        boolean local = mucService.equals(room.getDomain()) && JID.unescapeNode(room.getNode()).indexOf('@') < 0;
        String node = local ? room.getNode() : JID.escapeNode(room.toBareJID());
        return new JID(node, gatewayDomain, null);
    }

    /**
     * The room behind a conference JID. The resource, if any, is ignored.
     *
     * @throws NotAConferenceException if the JID is the bare gateway domain or belongs to another domain
     * @throws MalformedConferenceJidException if the localpart does not decode to a valid room JID
     */
    public JID roomFor(JID conference) {
        if (!isGatewayAddress(conference)) {
            throw new NotAConferenceException("not an address of " + gatewayDomain + ": " + conference);
        }
        String node = conference.getNode();
        if (node == null) {
            throw new NotAConferenceException("the gateway domain itself is not a conference");
        }
        String display = JID.unescapeNode(node);
        int at = display.indexOf('@');
        if (at < 0) {
            return new JID(node, mucService, null);
        }
        JID room;
        try {
            if (at == 0 || display.indexOf('/') >= 0) {
                throw new IllegalArgumentException("not a bare JID");
            }
            room = new JID(display);
        } catch (IllegalArgumentException e) {
            throw new MalformedConferenceJidException(
                    "the conference localpart does not decode to a room JID: " + conference, e);
        }
        if (room.getNode() == null || room.getResource() != null) {
            throw new MalformedConferenceJidException("the conference localpart is not a room bare JID: " + conference);
        }
        if (gatewayDomain.equals(room.getDomain())) {
            throw new MalformedConferenceJidException("a conference cannot point back at the gateway: " + conference);
        }
        if (!conferenceFor(room).getNode().equals(node)) {
            // one room, one conference JID: an alias would show a running call as idle
            throw new MalformedConferenceJidException("not the conference JID of " + room + ": " + conference);
        }
        return room;
    }

    /** A short human label of a conference or room, e.g. {@code team}. */
    public static String label(JID room) {
        return JID.unescapeNode(room.getNode()).toLowerCase(Locale.ROOT);
    }

    /** The JID is addressed to the gateway domain but has no usable conference meaning. */
    public static class NotAConferenceException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public NotAConferenceException(String message) {
            super(message);
        }
    }

    /** A conference or room JID that cannot be mapped; answered with {@code jid-malformed}. */
    public static class MalformedConferenceJidException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public MalformedConferenceJidException(String message) {
            super(message);
        }

        public MalformedConferenceJidException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
