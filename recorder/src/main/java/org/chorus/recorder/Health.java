package org.chorus.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this recorder can record: FFmpeg's natives load and have the encoders the layouts need,
 * and the recordings folder is writable with enough free space. A recorder that cannot write
 * reports {@code unhealthy}, so the gateway sends its work elsewhere.
 */
final class Health {
    private static final Logger log = LoggerFactory.getLogger(Health.class);

    private final Path recordingsDir;
    private final long minFreeSpace;
    private final String nativesProblem;
    private volatile String problem;

    Health(Path recordingsDir, long minFreeSpace) {
        this.recordingsDir = recordingsDir;
        this.minFreeSpace = minFreeSpace;
        this.nativesProblem = checkNatives();
        this.problem = nativesProblem;
        check();
    }

    /** Checks again; returns true when the answer changed. */
    boolean check() {
        String now = nativesProblem != null ? nativesProblem : checkDisk();
        String before = problem;
        problem = now;
        boolean changed = before == null ? now != null : !before.equals(now);
        if (changed) {
            if (now == null) {
                log.info("Healthy again");
            } else {
                log.warn("Unhealthy: {}", now);
            }
        }
        return changed;
    }

    boolean healthy() {
        return problem == null;
    }

    /** Why this recorder cannot record, or null. */
    String problem() {
        return problem;
    }

    private String checkDisk() {
        try {
            Files.createDirectories(recordingsDir);
            Path probe = Files.createTempFile(recordingsDir, ".health", ".tmp");
            Files.delete(probe);
            long free = Files.getFileStore(recordingsDir).getUsableSpace();
            if (free < minFreeSpace) {
                return "only " + free / (1024 * 1024) + " MiB free in " + recordingsDir;
            }
            return null;
        } catch (IOException | SecurityException e) {
            return "cannot write to " + recordingsDir + ": " + e.getMessage();
        }
    }

    /** Loading the natives is harmless in this process; encoding and muxing run in children. */
    private static String checkNatives() {
        try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
            if (org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name("libopenh264") == null) {
                return "FFmpeg has no libopenh264 encoder";
            }
            if (org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder(
                    org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8) == null) {
                return "FFmpeg has no VP8 decoder";
            }
            return null;
        } catch (Throwable e) {
            return "FFmpeg's natives do not load: " + e;
        }
    }
}
