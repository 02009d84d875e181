package org.chorus.recorder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.chorus.testing.ProsodyServer;

/**
 * A real recorder in its own JVM (so a test can kill it with -9), with a generated config file,
 * its password in the environment, and its output in a log file the test can read.
 */
final class RecorderProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private final ProsodyServer.Account account;
    private final ProsodyServer server;

    private RecorderProcess(Process process, Path log, ProsodyServer.Account account, ProsodyServer server) {
        this.server = server;
        this.process = process;
        this.log = log;
        this.account = account;
    }

    /** The recorder's XMPP account (its password is a secret the tests look for). */
    ProsodyServer.Account account() {
        return account;
    }

    ProsodyServer server() {
        return server;
    }

    /** The recorder's full JID. */
    String jid(ProsodyServer server) {
        return account.username() + "@" + server.domain() + "/rec";
    }

    static RecorderProcess start(ProsodyServer server, String brewery, Path recordingsDir, String name,
            Map<String, String> extra) throws IOException {
        RecorderProcess recorder = launch(server, brewery, recordingsDir, name, extra);
        recorder.awaitLog("Joined the brewery", Duration.ofSeconds(30));
        return recorder;
    }

    /** Starts a recorder without waiting for it to join the brewery (which may not exist). */
    static RecorderProcess launch(ProsodyServer server, String brewery, Path recordingsDir, String name,
            Map<String, String> extra) throws IOException {
        ProsodyServer.Account account = server.newUser(name);
        Path work = Files.createDirectories(server.workDir().resolve("recorder-" + account.username()));
        StringBuilder conf = new StringBuilder("chorus.recorder {\n");
        conf.append("  xmpp { host = \"").append(server.host()).append("\", port = ").append(server.c2sPort())
                .append(", domain = \"").append(server.domain()).append("\", username = \"").append(account.username())
                .append("\", security = disabled, resource = \"rec\" }\n");
        conf.append("  brewery = \"").append(brewery).append("\"\n");
        conf.append("  nick = \"").append(name).append("\"\n");
        conf.append("  recordings-dir = \"").append(recordingsDir).append("\"\n");
        conf.append("  min-free-space = 1MiB\n");
        conf.append("  accept-from = [ \"").append(server.componentDomain()).append("\" ]\n");
        conf.append("  media { bind-address = \"127.0.0.1\", allow-loopback = true }\n");
        // a value in [ ] is a HOCON list, written as it is; later keys override earlier ones
        extra.forEach((k, v) -> conf.append("  ").append(k).append(" = ")
                .append(v.startsWith("[") ? v : "\"" + v + "\"").append("\n"));
        conf.append("}\n");
        Path file = work.resolve("recorder.conf");
        Files.writeString(file, conf);
        Path log = work.resolve("recorder.log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) {
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RecorderMain.class.getName());
        command.add("--config");
        command.add(file.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("CHORUS_RECORDER_XMPP_PASSWORD", account.password());
        return new RecorderProcess(pb.start(), log, account, server);
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    void awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the recorder exited (" + process.exitValue() + "):\n" + log());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the recorder did not log '" + text + "' within " + timeout + ":\n" + log());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The recorder's bare JID. */
    String bareJid() {
        return account.username() + "@" + server.domain();
    }

    long pid() {
        return process.pid();
    }

    /** kill -9: no shutdown hook, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then wait for the recordings to be finalized and the process to end. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
