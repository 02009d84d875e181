package org.chorus.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Counts the UDP sockets a process holds open, from /proc (Linux). */
final class UdpSockets {
    private UdpSockets() {}

    static int count(long pid) {
        Set<String> udp = new HashSet<>();
        for (String table : List.of("udp", "udp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9) {
                        udp.add(f[9]);
                    }
                }
            } catch (IOException e) {
                // the process is gone, or has no such table
            }
        }
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && udp.contains(target.substring(8, target.length() - 1))) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }
}
