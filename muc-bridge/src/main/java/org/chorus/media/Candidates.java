package org.chorus.media;

import org.chorus.jingle.Candidate;
import org.chorus.media.ice.Candidate.Type;

/** Converts ICE candidates between the ICE layer and the Jingle model. */
public final class Candidates {
    private Candidates() {}

    public static Candidate toJingle(org.chorus.media.ice.Candidate c) {
        return new Candidate(c.foundation(), c.component(), c.protocol(), c.priority(), c.ip(), c.port(),
                c.type().jingleName(), c.generation(), c.id(), c.network(), c.relAddr(),
                c.relAddr() == null ? null : c.relPort(), null);
    }

    /** The ICE layer's view of a signalled candidate; null when it is not one ICE can use (e.g. TCP). */
    public static org.chorus.media.ice.Candidate toIce(Candidate c) {
        Type type = Type.fromJingle(c.type() == null ? "host" : c.type());
        if (type == null || c.ip() == null) {
            return null;
        }
        return new org.chorus.media.ice.Candidate(c.foundation() == null ? "0" : c.foundation(), c.component(),
                c.protocol() == null ? "udp" : c.protocol(), c.priority(), c.ip(), c.port(), type,
                c.generation() == null ? 0 : c.generation(), c.id(), c.network() == null ? 0 : c.network(),
                c.relAddr(), c.relPort() == null ? 0 : c.relPort());
    }
}
