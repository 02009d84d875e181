package org.chorus.recording;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xmpp.packet.JID;

/**
 * The recorders the brewery shows. A recorder takes several recordings and reports {@code busy}
 * only when it is full; one that turns out full answers {@code busy} and the next is tried.
 * Confined to the signalling thread.
 */
public final class RecorderPool {
    private final Map<JID, Recorder> byOccupant = new LinkedHashMap<>();

    public void update(Recorder recorder) {
        byOccupant.put(recorder.occupant(), recorder);
    }

    /** Forgets a recorder that left; returns it, or null if it was unknown. */
    public Recorder remove(JID occupant) {
        return byOccupant.remove(occupant);
    }

    public void clear() {
        byOccupant.clear();
    }

    /** A healthy, idle recorder not in {@code exclude}, in the brewery's join order. */
    public Optional<Recorder> pick(Set<JID> exclude) {
        for (Recorder r : byOccupant.values()) {
            if (r.available() && !exclude.contains(r.realJid())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public Optional<Recorder> byRealJid(JID realJid) {
        return byOccupant.values().stream().filter(r -> realJid.equals(r.realJid())).findFirst();
    }

    public Collection<Recorder> all() {
        return byOccupant.values();
    }
}
