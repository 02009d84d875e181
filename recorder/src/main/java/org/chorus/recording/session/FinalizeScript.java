package org.chorus.recording.session;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the admin's finalize script with the session folder as its one argument, as Jibri does;
 * its output goes to the log, and a script that runs too long is killed.
 */
public final class FinalizeScript {
    private static final Logger log = LoggerFactory.getLogger(FinalizeScript.class);

    private final String script;
    private final Duration timeout;

    public FinalizeScript(String script, Duration timeout) {
        this.script = script;
        this.timeout = timeout;
    }

    /** Returns the script's exit code, or -1 when it could not run or was killed. */
    public int run(Path folder) {
        if (script == null) {
            return 0;
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(script, folder.toString()).redirectErrorStream(true);
            // the recorder's password and other CHORUS_* settings stay with the recorder
            org.chorus.recording.writer.ChildEnvironment.clean(builder.environment());
            Process p = builder.start();
            p.getOutputStream().close();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        log.info("finalize: {}", line);
                    }
                } catch (IOException e) {
                    // the script closed its output
                }
            }, "finalize-output");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                log.warn("The finalize script ran longer than {} s and was killed", timeout.toSeconds());
                return -1;
            }
            reader.join(1000);
            int code = p.exitValue();
            if (code != 0) {
                log.warn("The finalize script exited with {}", code);
            } else {
                log.info("The finalize script finished for {}", folder);
            }
            return code;
        } catch (IOException e) {
            log.warn("Cannot run the finalize script: {}", e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
