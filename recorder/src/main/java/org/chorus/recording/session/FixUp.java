package org.chorus.recording.session;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.chorus.recording.media.OutputFile;
import org.chorus.recording.writer.WriterProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fix-up step of finalization: media files of the folder that lack a duration (written by a
 * writer that was killed) are remuxed with {@code -c copy}. FFmpeg runs in a child process, like
 * all of the recorder's FFmpeg work, so a damaged file cannot take the recorder down.
 */
final class FixUp {
    private static final Logger log = LoggerFactory.getLogger(FixUp.class);
    /** Remuxing copies packets; even hours of media take seconds. A hung child is stopped. */
    private static final java.time.Duration TIMEOUT = java.time.Duration.ofMinutes(5);

    private FixUp() {}

    /** Repairs what needs it; returns the media files of the folder with their durations. */
    static List<FixUpMain.Probed> run(Path folder, WriterProcess.Options options) {
        List<FixUpMain.Probed> probed = new ArrayList<>();
        try {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.add("-Xmx" + options.maxHeap());
            String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
            if (cache != null) {
                command.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(FixUpMain.class.getName());
            command.add(folder.toString());
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            org.chorus.recording.writer.ChildEnvironment.clean(builder.environment());
            Process p = builder.start();
            p.getOutputStream().close();
            List<FixUpMain.Probed> found = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> read(p, found), "fix-up-output");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                log.warn("The fix-up step took longer than {} s and was stopped", TIMEOUT.toSeconds());
            }
            reader.join(1000);
            probed.addAll(found);
        } catch (IOException e) {
            log.warn("The fix-up step could not run: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return probed;
    }

    private static void read(Process p, List<FixUpMain.Probed> found) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                FixUpMain.Probed file = FixUpMain.Probed.parse(line);
                if (file != null) {
                    found.add(file);
                    if (file.repaired()) {
                        log.info("Repaired {} (it had no duration): {} ms", file.name(), file.durationMicros() / 1000);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The folder's files of one attempt, as metadata.json lists them, when the writer could not say. */
    static List<OutputFile> describe(List<FixUpMain.Probed> probed, String prefix) {
        List<OutputFile> files = new ArrayList<>();
        for (FixUpMain.Probed p : probed) {
            if (p.name().startsWith(prefix)) {
                files.add(new OutputFile(p.name(), null, null, p.codec(), p.startMicros(), p.durationMicros()));
            }
        }
        return files;
    }
}
