package org.chorus.bench;

import java.util.List;

/**
 * What the recorder bench runs, from system properties (the {@code bench} profile of
 * recorder/pom.xml passes them on).
 *
 * @param parts        which measurements run, in order: {@code tracks}, {@code grid}, {@code kill}
 * @param participants participants in the tracks measurement, each one VP8 and one Opus stream
 * @param width        the tracks measurement's picture width
 * @param height       its picture height
 * @param warmup       seconds fed before a measured window (the writer loads FFmpeg, the JIT warms up)
 * @param duration     seconds of media in the measured window
 * @param kills        writers killed with SIGKILL in the loss-window measurement
 * @param killMin      the earliest kill, in seconds of media fed
 * @param killMax      the latest kill
 * @param seed         seeds the kill moments and the streams' RTP numbering
 * @param keepFiles    keep the recordings and ffmpeg's logs
 */
record BenchSettings(List<String> parts, int participants, int width, int height, int warmup, int duration,
        int kills, double killMin, double killMax, long seed, boolean keepFiles) {

    static BenchSettings fromSystemProperties() {
        return new BenchSettings(
                List.of(System.getProperty("bench.parts", "tracks,grid,kill").split(",")),
                Integer.getInteger("bench.participants", 4),
                Integer.getInteger("bench.width", 640),
                Integer.getInteger("bench.height", 360),
                Integer.getInteger("bench.warmup", 5),
                Integer.getInteger("bench.duration", 20),
                Integer.getInteger("bench.kills", 10),
                Double.parseDouble(System.getProperty("bench.killMin", "3")),
                Double.parseDouble(System.getProperty("bench.killMax", "8")),
                Long.getLong("bench.seed", System.nanoTime() & 0xFFFF_FFFFL),
                Boolean.getBoolean("bench.keepFiles"));
    }
}
