package org.chorus.recording.grid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Debian's ffprobe as an independent checker of what the grid wrote. */
final class Ffprobe {
    final List<Map<String, String>> streams = new ArrayList<>();
    double formatDuration = Double.NaN;

    static Ffprobe of(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries",
                "stream=codec_type,codec_name,width,height:format=duration", "-of", "compact=p=0",
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffprobe failed: " + out);
        }
        Ffprobe probe = new Ffprobe();
        for (String line : out.split("\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String kv : line.trim().split("\\|")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    fields.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            if (fields.containsKey("codec_type")) {
                probe.streams.add(fields);
            } else if (fields.containsKey("duration")) {
                probe.formatDuration = Double.parseDouble(fields.get("duration"));
            }
        }
        return probe;
    }

    Map<String, String> stream(String type) {
        return streams.stream().filter(s -> type.equals(s.get("codec_type"))).findFirst().orElse(Map.of());
    }

    @Override
    public String toString() {
        return streams + " duration=" + formatDuration;
    }
}
