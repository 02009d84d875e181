package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Looks into a recording's folder in the end-to-end tests. */
final class RecordingFolder {

    private RecordingFolder() {}

    /** The one file in the folder whose name starts with the prefix; fails the test unless there is exactly one. */
    static Path only(Path folder, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> matching = files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
            assertThat(matching).as("files " + prefix + "* in " + folder + ": " + names(folder)).hasSize(1);
            return matching.get(0);
        }
    }

    /** The names of the entries in the folder, sorted. */
    static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** An entry of the folder (a room's folder holds one session folder in these tests). */
    static Path first(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findFirst().orElseThrow();
        }
    }
}
