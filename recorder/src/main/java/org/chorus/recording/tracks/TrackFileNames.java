package org.chorus.recording.tracks;

import java.util.Locale;

import org.chorus.recording.media.StreamSpec;

/**
 * File names of the tracks layout: {@code <prefix><nick>-<audio|video>-<streamId>.<ext>}, with the
 * nick reduced to {@code [A-Za-z0-9._-]} so that no nick can leave the folder or upset a shell.
 */
final class TrackFileNames {

    private TrackFileNames() {
    }

    static String fileName(String prefix, StreamSpec stream, TrackFormat format) {
        return prefix + sanitize(stream.nick()) + "-" + stream.kind().name().toLowerCase(Locale.ROOT) + "-"
                + stream.streamId() + "." + format.extension();
    }

    /** The nick with every character outside {@code [A-Za-z0-9._-]} replaced by {@code _}. */
    static String sanitize(String nick) {
        if (nick.isEmpty()) {
            return "_";
        }
        StringBuilder out = new StringBuilder(nick.length());
        for (int i = 0; i < nick.length(); i++) {
            char c = nick.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            out.append(allowed ? c : '_');
        }
        return out.toString();
    }
}
