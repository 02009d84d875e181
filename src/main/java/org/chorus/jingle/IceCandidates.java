package org.chorus.jingle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Converts candidates between the Jingle model ({@link JingleCandidate}, what XEP-0176 carries) and the ICE
 * layer ({@link org.chorus.media.ice.Candidate}).
 *
 * <p>Jingle to ICE is lenient, as remote candidates come from all kinds of peers: a missing
 * {@code generation}, {@code network} or related port becomes 0, and only an unknown candidate type
 * makes a candidate unusable. Whether ICE can use a candidate (TCP, mDNS names, other components) is
 * {@link org.chorus.media.ice.IceSession#addRemoteCandidate}'s decision, not this class's.
 */
public final class IceCandidates {

    private IceCandidates() {
    }

    /** Our candidate as a Jingle {@code <candidate/>}. */
    public static JingleCandidate toJingle(org.chorus.media.ice.Candidate c) {
        Objects.requireNonNull(c, "candidate");
        String foundation = c.foundation() == null || c.foundation().isBlank() ? "1" : c.foundation();
        boolean related = c.relAddr() != null && !c.relAddr().isBlank();
        return new JingleCandidate(foundation, c.component(), c.protocol(), c.priority(), c.ip(), c.port(),
                c.type().jingleName(), c.generation(), c.id(), c.network(),
                related ? c.relAddr() : null, related ? c.relPort() : null, null);
    }

    /** Every candidate as Jingle candidates, in order. */
    public static List<JingleCandidate> toJingle(List<org.chorus.media.ice.Candidate> candidates) {
        List<JingleCandidate> out = new ArrayList<>(candidates.size());
        for (org.chorus.media.ice.Candidate c : candidates) {
            out.add(toJingle(c));
        }
        return List.copyOf(out);
    }

    /** A remote Jingle candidate for the ICE layer; empty when its type is unknown. */
    public static Optional<org.chorus.media.ice.Candidate> toIce(JingleCandidate c) {
        Objects.requireNonNull(c, "candidate");
        org.chorus.media.ice.Candidate.Type type = org.chorus.media.ice.Candidate.Type.fromJingle(c.type());
        if (type == null) {
            return Optional.empty();
        }
        return Optional.of(new org.chorus.media.ice.Candidate(
                c.foundation(),
                c.component(),
                c.protocol(),
                c.priority(),
                c.ip(),
                c.port(),
                type,
                c.generation() == null ? 0 : c.generation(),
                c.id(),
                c.network() == null ? 0 : c.network(),
                c.relAddr(),
                c.relPort() == null ? 0 : c.relPort()));
    }
}
