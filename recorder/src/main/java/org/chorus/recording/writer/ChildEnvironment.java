package org.chorus.recording.writer;

import java.util.Map;
import java.util.Set;

/**
 * The environment the recorder hands to its child processes (writer and fix-up JVMs, the finalize
 * script): only what a program needs to run, never the recorder's own settings. Its XMPP password
 * comes from {@code CHORUS_RECORDER_XMPP_PASSWORD}, and any other key can be set through a
 * {@code CHORUS_*} variable, so the recorder's environment is full of secrets a child must not see
 * (a finalize script that logs its environment, a core dump of a writer).
 */
public final class ChildEnvironment {
    /** Passed on when set: the search path, the user, the locale, time zone and temporary folder, and Java's home. */
    private static final Set<String> KEPT = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ",
            "TMPDIR", "JAVA_HOME", "LD_LIBRARY_PATH");

    private ChildEnvironment() {}

    /** Leaves in {@code environment} (a ProcessBuilder's) only the variables a child may see. */
    public static void clean(Map<String, String> environment) {
        environment.keySet().removeIf(name -> !kept(name));
    }

    static boolean kept(String name) {
        return KEPT.contains(name) || name.startsWith("LC_");
    }
}
