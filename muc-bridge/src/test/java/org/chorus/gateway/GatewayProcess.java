package org.chorus.gateway;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The gateway's command line, run as a separate process, as an operator or systemd runs it. */
final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private GatewayProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static GatewayProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(workDir, List.of(), env, args);
    }

    /** As {@link #start(Path, Map, String...)}, with {@code jvmOptions} before the main class. */
    static GatewayProcess start(Path workDir, List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                // the production logging config, not the tests'
                "-Dlogback.configurationFile=logback.xml", GatewayMain.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "gateway", ".out");
        Path err = Files.createTempFile(workDir, "gateway", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("CHORUS_"));
        builder.environment().putAll(env);
        return new GatewayProcess(builder.start(), out, err);
    }

    /** Waits for the exit and returns the code; fails if it does not exit in time. */
    int waitForExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the gateway did not exit within " + seconds + " s; stdout: " + stdout() + " stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** SIGTERM, as systemd stops it. */
    void terminate() {
        process.destroy();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
