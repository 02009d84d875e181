package org.chorus.jingle;

import java.util.List;

/**
 * An ICE-UDP transport (XEP-0176) with its DTLS fingerprint (XEP-0320). In a session-initiate or
 * session-accept it carries the credentials; in a transport-info the credentials may be absent
 * (null), and it usually carries one candidate or {@code gatheringComplete}.
 * {@code rtcpMux} is the transport's own {@code <rtcp-mux/>} element.
 */
public record IceTransport(
        String ufrag,
        String pwd,
        Fingerprint fingerprint,
        boolean rtcpMux,
        List<JingleCandidate> candidates,
        boolean gatheringComplete) {

    public IceTransport {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }

    public boolean hasCredentials() {
        return ufrag != null && !ufrag.isEmpty() && pwd != null && !pwd.isEmpty();
    }

    public IceTransport withCandidates(List<JingleCandidate> newCandidates) {
        return new IceTransport(ufrag, pwd, fingerprint, rtcpMux, newCandidates, gatheringComplete);
    }

    public IceTransport withFingerprint(Fingerprint newFingerprint) {
        return new IceTransport(ufrag, pwd, newFingerprint, rtcpMux, candidates, gatheringComplete);
    }
}
