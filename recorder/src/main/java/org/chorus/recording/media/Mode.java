package org.chorus.recording.media;

import java.util.Locale;

/** Jibri's {@code recording_mode}: to files, or live to an RTMP URL. */
public enum Mode {
    FILE,
    STREAM;

    /** The wire spelling. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String wire) {
        return valueOf(wire.trim().toUpperCase(Locale.ROOT));
    }
}
