package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the browser harness of {@code muc-bridge/src/test/browser} ({@code run-call.mjs}: headless
 * Debian Chromium pages driven by playwright-core) and reads the one JSON line it prints. Shared by
 * the browser call test and the recorder's browser recording test.
 */
public final class BrowserDriver {
    /** Debian's Chromium, never a downloaded browser. */
    public static final String CHROMIUM = System.getProperty("chorus.chromium", "/usr/bin/chromium");

    private BrowserDriver() {}

    /** Runs the driver; its stderr (the pages' consoles) goes to this test's output. */
    public static Config run(Path browserDir, List<String> command, Duration timeout) throws Exception {
        Process process = new ProcessBuilder(command).directory(browserDir.toFile()).start();
        Thread stderr = new Thread(() -> copyLines(process, false), "browser-driver-stderr");
        stderr.setDaemon(true);
        stderr.start();
        List<String> stdout = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (stdout) {
                        stdout.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "browser-driver-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("the browser driver did not finish in time");
        }
        reader.join(5_000);
        stderr.join(5_000);
        Optional<String> json;
        synchronized (stdout) {
            stdout.forEach(line -> System.out.println("driver: " + line));
            json = stdout.stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b);
        }
        assertThat(json).as("the driver's JSON result (exit code " + process.exitValue() + ")").isPresent();
        Config result = ConfigFactory.parseString(json.get(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
        if (process.exitValue() != 0) {
            fail("the browser call failed (exit code " + process.exitValue() + "): " + result.getStringList("failures"));
        }
        return result;
    }

    private static void copyLines(Process process, boolean out) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                out ? process.getInputStream() : process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                System.out.println("browser: " + line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** {@code npm ci} when the harness's packages are not installed yet (config/run-tests.sh installs them first). */
    public static void installDependencies(Path browserDir) throws Exception {
        Path modules = browserDir.resolve("node_modules");
        if (List.of("playwright-core", "stanza", "esbuild", "events").stream().allMatch(m -> Files.isDirectory(modules.resolve(m)))) {
            return;
        }
        String npm = requireExecutable("npm");
        Process process = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund")
                .directory(browserDir.toFile()).redirectErrorStream(true).start();
        Thread copy = new Thread(() -> copyLines(process, true), "npm-ci");
        copy.setDaemon(true);
        copy.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("npm ci in " + browserDir + " did not finish in 5 minutes");
        }
        copy.join(5_000);
        assertThat(process.exitValue()).as("npm ci in " + browserDir).isZero();
    }

    public static String requireExecutable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(name + " is not installed (bash config/run-tests.sh installs it with apt-get)");
    }
}
