package org.chorus.recording.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how one recording attempt writes.
 *
 * @param folder     the session folder; files of every attempt of a session go here
 * @param layout     tracks or grid
 * @param mode       file or stream; stream implies grid
 * @param streamUrl  the rtmp:// or rtmps:// URL for {@link Mode#STREAM}, else null. A secret: never
 *                   logged, never put on a command line, and left out of {@link #toString()}
 * @param filePrefix prepended to every file name of this attempt (e.g. {@code "a1-"}) so that a
 *                   retried attempt writes new files into the same folder
 */
public record OutputSpec(Path folder, Layout layout, Mode mode, String streamUrl, String filePrefix) {
    public OutputSpec {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(filePrefix, "filePrefix");
        if (mode == Mode.STREAM && (streamUrl == null || streamUrl.isBlank())) {
            throw new IllegalArgumentException("a stream needs a URL");
        }
    }

    @Override
    public String toString() {
        return "OutputSpec[folder=" + folder + ", layout=" + layout.wireName() + ", mode=" + mode.wireName()
                + ", streamUrl=" + (streamUrl == null ? "none" : "(hidden)") + ", filePrefix=" + filePrefix + "]";
    }
}
