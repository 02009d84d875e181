package org.chorus.jingle;

import java.util.List;
import java.util.Objects;

/**
 * The gateway's own side of a session's transport: its ICE credentials, the fingerprint of its DTLS
 * certificate, and its host candidates on the single media port (possibly none yet, when they are
 * trickled). It becomes an {@link IceTransport} with the DTLS role of the session: {@code actpass}
 * in the gateway's offers, {@code active} or {@code passive} in its answers.
 */
public record LocalTransport(String ufrag, String pwd, String hash, String fingerprint, List<JingleCandidate> candidates) {

    public LocalTransport {
        Objects.requireNonNull(ufrag, "ufrag");
        Objects.requireNonNull(pwd, "pwd");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(fingerprint, "fingerprint");
        candidates = List.copyOf(candidates);
    }

    /** The transport of a session-initiate from the gateway: {@code setup='actpass'}. */
    public IceTransport forOffer() {
        return transport(DtlsSetup.ACTPASS);
    }

    /** The transport of a session-accept from the gateway: {@code setup} must be active or passive. */
    public IceTransport forAnswer(DtlsSetup setup) {
        if (setup != DtlsSetup.ACTIVE && setup != DtlsSetup.PASSIVE) {
            throw new IllegalArgumentException("an answer takes the active or passive DTLS role, not " + setup);
        }
        return transport(setup);
    }

    private IceTransport transport(DtlsSetup setup) {
        return new IceTransport(ufrag, pwd, new Fingerprint(hash, fingerprint, setup), true, candidates, false);
    }
}
