package org.chorus.disco;

import java.util.ArrayList;
import java.util.List;
import org.chorus.muc.Affiliation;

/** The XEP-0050 commands a conference JID offers, and who may run each (PROTOCOL.md §8). */
public final class CommandCatalog {

    /** One command: its node, its human name, and whether it needs an owner or admin. */
    public record Command(String node, String name, boolean ownersOnly) {}

    private final List<Command> commands = new ArrayList<>();

    public void register(Command command) {
        commands.add(command);
    }

    public List<Command> available(Affiliation affiliation) {
        return commands.stream()
                .filter(c -> c.ownersOnly() ? affiliation.mayConfigure() : affiliation.mayCall())
                .toList();
    }
}
