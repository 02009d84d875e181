package org.chorus.recording.media;

import java.util.Locale;

/** How a recording is laid out (PROTOCOL.md §10): {@code tracks} or {@code grid}. */
public enum Layout {
    /** One WebM per participant stream, copied without transcoding. */
    TRACKS,
    /** One 1280×720@30 composite, audio mixed: fragmented MP4 for files, FLV for streams. */
    GRID;

    /** The wire spelling. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Layout parse(String wire) {
        return valueOf(wire.trim().toUpperCase(Locale.ROOT));
    }
}
