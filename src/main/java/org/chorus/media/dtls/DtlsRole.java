package org.chorus.media.dtls;

import java.util.Locale;
import java.util.Objects;

/**
 * Our side of the DTLS handshake, which the Jingle/SDP {@code setup} attributes decide (RFC 4145,
 * RFC 5763): the 'active' endpoint is the DTLS client, the 'passive' one the DTLS server.
 */
public enum DtlsRole {
    CLIENT,
    SERVER;

    /** The setup attribute we signal for this role: 'active' for the client, 'passive' for the server. */
    public String setupAttribute() {
        return this == CLIENT ? "active" : "passive";
    }

    /**
     * Our role when the peer has already chosen: the peer's 'active' makes us the server, its
     * 'passive' the client.
     *
     * @throws IllegalArgumentException for 'actpass' (we choose, see {@link #answering}) or anything else
     */
    public static DtlsRole fromPeerSetup(String peerSetup) {
        switch (normalise(peerSetup)) {
            case "active":
                return SERVER;
            case "passive":
                return CLIENT;
            default:
                throw new IllegalArgumentException("the peer's setup does not fix our DTLS role: " + peerSetup);
        }
    }

    /**
     * Our role when we answer an offer: an 'actpass' offer leaves the choice to us
     * ({@code choiceForActpass}); 'active' and 'passive' offers fix it.
     */
    public static DtlsRole answering(String offeredSetup, DtlsRole choiceForActpass) {
        Objects.requireNonNull(choiceForActpass, "choiceForActpass");
        return "actpass".equals(normalise(offeredSetup)) ? choiceForActpass : fromPeerSetup(offeredSetup);
    }

    private static String normalise(String setup) {
        return setup == null ? "" : setup.trim().toLowerCase(Locale.ROOT);
    }
}
