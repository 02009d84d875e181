package org.chorus.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prosody (0.12) running in the foreground as a child process, configured from a generated
 * {@code prosody.cfg.lua} in its own work directory, listening on free ports of 127.0.0.1 only.
 *
 * <p>It has one virtual host for clients ({@link #domain()}), a MUC component ({@link #mucDomain()},
 * optionally with {@code mod_muc_mam}) on which the external component domain is a server admin (and
 * therefore owner of every room), and an XEP-0114 external component ({@link #componentDomain()}) whose
 * secret is {@link #componentSecret()}.
 *
 * <p>Accounts are stored as plain files by {@code storage = "internal"} and are created with
 * {@code prosodyctl register}; they can log in immediately, even while the server runs.
 *
 * <pre>{@code
 * try (ProsodyServer prosody = ProsodyServer.start(ProsodyServer.Options.defaults())) {
 *     ProsodyServer.Account alice = prosody.newUser("alice");
 *     ...
 * }
 * }</pre>
 *
 * Set the system property {@value #KEEP_FILES_PROPERTY} to {@code true} to keep the work directory
 * (configuration, data and logs) of servers whose work directory was created as a temporary directory.
 */
public final class ProsodyServer implements AutoCloseable {

    /** System property: when {@code true}, temporary work directories are not deleted on close. */
    public static final String KEEP_FILES_PROPERTY = "chorus.prosody.keepFiles";
    /** System property overriding the {@code prosody} executable. */
    public static final String PROSODY_BINARY_PROPERTY = "chorus.prosody.binary";
    /** System property overriding the {@code prosodyctl} executable. */
    public static final String PROSODYCTL_BINARY_PROPERTY = "chorus.prosodyctl.binary";

    private static final Logger LOG = LoggerFactory.getLogger(ProsodyServer.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong USER_COUNTER = new AtomicLong();
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 60;

    /** How a server is configured. Build with {@link #builder()} or take {@link #defaults()}. */
    public record Options(
            String domain,
            String mucDomain,
            String componentDomain,
            String componentSecret,
            boolean mam,
            Path workDir,
            boolean keepFiles,
            Duration startTimeout,
            String extraGlobalConfig,
            String extraMucConfig) {

        public Options {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(mucDomain, "mucDomain");
            Objects.requireNonNull(componentDomain, "componentDomain");
            Objects.requireNonNull(startTimeout, "startTimeout");
            extraGlobalConfig = extraGlobalConfig == null ? "" : extraGlobalConfig;
            extraMucConfig = extraMucConfig == null ? "" : extraMucConfig;
        }

        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder()
                    .domain(domain).mucDomain(mucDomain).componentDomain(componentDomain)
                    .componentSecret(componentSecret).mam(mam).workDir(workDir).keepFiles(keepFiles)
                    .startTimeout(startTimeout)
                    .extraGlobalConfig(extraGlobalConfig).extraMucConfig(extraMucConfig);
        }

        public static final class Builder {
            private String domain = "localhost";
            private String mucDomain = "conference.localhost";
            private String componentDomain = "av.localhost";
            private String componentSecret;
            private boolean mam = true;
            private Path workDir;
            private boolean keepFiles = Boolean.getBoolean(KEEP_FILES_PROPERTY);
            private Duration startTimeout = Duration.ofSeconds(15);
            private String extraGlobalConfig = "";
            private String extraMucConfig = "";

            private Builder() {
            }

            /** The client virtual host; default {@code localhost}. */
            public Builder domain(String domain) {
                this.domain = domain;
                return this;
            }

            /** The MUC component; default {@code conference.localhost}. */
            public Builder mucDomain(String mucDomain) {
                this.mucDomain = mucDomain;
                return this;
            }

            /** The XEP-0114 component (also admin of the MUC component); default {@code av.localhost}. */
            public Builder componentDomain(String componentDomain) {
                this.componentDomain = componentDomain;
                return this;
            }

            /** The component secret; default (null): random. */
            public Builder componentSecret(String componentSecret) {
                this.componentSecret = componentSecret;
                return this;
            }

            /** Load {@code mod_muc_mam} on the MUC component; default true. */
            public Builder mam(boolean mam) {
                this.mam = mam;
                return this;
            }

            /** Work directory (created if missing, never deleted); default (null): a fresh temporary one. */
            public Builder workDir(Path workDir) {
                this.workDir = workDir;
                return this;
            }

            /** Keep a temporary work directory on close; default: system property {@value #KEEP_FILES_PROPERTY}. */
            public Builder keepFiles(boolean keepFiles) {
                this.keepFiles = keepFiles;
                return this;
            }

            /** How long to wait for the ports to accept connections; default 15 s. */
            public Builder startTimeout(Duration startTimeout) {
                this.startTimeout = startTimeout;
                return this;
            }

            /** Lua lines added to the global section of the configuration. */
            public Builder extraGlobalConfig(String lua) {
                this.extraGlobalConfig = lua;
                return this;
            }

            /** Lua lines added to the MUC component's section of the configuration. */
            public Builder extraMucConfig(String lua) {
                this.extraMucConfig = lua;
                return this;
            }

            public Options build() {
                return new Options(domain, mucDomain, componentDomain, componentSecret, mam, workDir, keepFiles,
                        startTimeout, extraGlobalConfig, extraMucConfig);
            }
        }
    }

    /** An account on the server's virtual host. */
    public record Account(String username, String password, String domain) {
        /** {@code username@domain} */
        public String jid() {
            return username + "@" + domain;
        }

        @Override
        public String toString() {
            return jid();
        }
    }

    private final Options options;
    private final String componentSecret;
    private final Path workDir;
    private final boolean deleteWorkDirOnClose;
    private final Path dataDir;
    private final Path configFile;
    private final Path pidFile;
    private final Path logFile;
    private final Path stdoutFile;
    private final int c2sPort;
    private final int componentPort;
    private final int httpPort;

    private Process process;
    private Thread shutdownHook;
    private boolean closed;

    private ProsodyServer(Options options) throws IOException {
        this.options = options;
        this.componentSecret = options.componentSecret() != null
                ? options.componentSecret()
                : HexFormat.of().formatHex(randomBytes(16));
        if (options.workDir() != null) {
            this.workDir = Files.createDirectories(options.workDir()).toAbsolutePath();
            this.deleteWorkDirOnClose = false;
        } else {
            this.workDir = Files.createTempDirectory("prosody-").toAbsolutePath();
            this.deleteWorkDirOnClose = !options.keepFiles();
        }
        this.dataDir = Files.createDirectories(workDir.resolve("data"));
        Files.createDirectories(workDir.resolve("certs"));
        this.configFile = workDir.resolve("prosody.cfg.lua");
        this.pidFile = workDir.resolve("prosody.pid");
        this.logFile = workDir.resolve("prosody.log");
        this.stdoutFile = workDir.resolve("prosody.stdout.log");
        int[] ports = freePorts(3);
        this.c2sPort = ports[0];
        this.componentPort = ports[1];
        this.httpPort = ports[2];
        Files.writeString(configFile, renderConfig(), StandardCharsets.UTF_8);
    }

    /** Writes the configuration, starts Prosody and waits until its c2s and component ports accept connections. */
    public static ProsodyServer start(Options opts) {
        ProsodyServer server;
        try {
            server = new ProsodyServer(opts);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Prosody work directory", e);
        }
        try {
            server.launch();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** {@link #start(Options)} with {@link Options#defaults()}. */
    public static ProsodyServer start() {
        return start(Options.defaults());
    }

    // ---------------------------------------------------------------------------------------------
    // Configuration

    private String renderConfig() {
        StringBuilder c = new StringBuilder();
        c.append("-- Generated for a test run; Prosody 0.12.\n");
        c.append("pidfile = ").append(lua(pidFile)).append('\n');
        c.append("data_path = ").append(lua(dataDir)).append('\n');
        c.append("certificates = ").append(lua(workDir.resolve("certs"))).append('\n');
        c.append("log = {\n");
        c.append("  { levels = { min = \"info\" }, to = \"file\", filename = ").append(lua(logFile)).append(" };\n");
        c.append("  { levels = { min = \"warn\" }, to = \"console\" };\n");
        c.append("}\n");
        if (isRoot()) {
            c.append("run_as_root = true\n");
        }
        c.append("interfaces = { \"" + LOOPBACK + "\" }\n");
        c.append("c2s_ports = { ").append(c2sPort).append(" }\n");
        c.append("c2s_direct_tls_ports = { }\n");
        c.append("legacy_ssl_ports = { }\n");
        c.append("component_ports = { ").append(componentPort).append(" }\n");
        c.append("component_interfaces = { \"" + LOOPBACK + "\" }\n");
        c.append("http_ports = { ").append(httpPort).append(" }\n");
        c.append("http_interfaces = { \"" + LOOPBACK + "\" }\n");
        c.append("https_ports = { }\n");
        c.append("https_interfaces = { }\n");
        c.append("s2s_ports = { }\n");
        c.append("s2s_require_encryption = false\n");
        c.append("c2s_require_encryption = false\n");
        c.append("allow_unencrypted_plain_auth = true\n");
        c.append("consider_websocket_secure = true\n");
        c.append("consider_bosh_secure = true\n");
        c.append("allow_registration = false\n");
        c.append("authentication = \"internal_plain\"\n");
        c.append("storage = \"internal\"\n");
        c.append("modules_enabled = {\n");
        c.append("  \"roster\"; \"saslauth\"; \"disco\"; \"private\"; \"vcard\"; \"version\"; \"uptime\"; \"time\";\n");
        c.append("  \"ping\"; \"register\"; \"admin_adhoc\"; \"carbons\"; \"websocket\"; \"bosh\";\n");
        c.append("}\n");
        c.append("modules_disabled = { \"s2s\" }\n");
        if (!options.extraGlobalConfig().isBlank()) {
            c.append(options.extraGlobalConfig()).append('\n');
        }
        c.append('\n');
        c.append("VirtualHost ").append(lua(options.domain())).append('\n');
        c.append('\n');
        c.append("Component ").append(lua(options.mucDomain())).append(" \"muc\"\n");
        c.append("  name = \"Conferences\"\n");
        c.append("  admins = { ").append(lua(options.componentDomain())).append(" }\n");
        c.append("  restrict_room_creation = false\n");
        if (options.mam()) {
            c.append("  modules_enabled = { \"muc_mam\" }\n");
        }
        if (!options.extraMucConfig().isBlank()) {
            c.append(options.extraMucConfig()).append('\n');
        }
        c.append('\n');
        c.append("Component ").append(lua(options.componentDomain())).append('\n');
        c.append("  component_secret = ").append(lua(componentSecret)).append('\n');
        return c.toString();
    }

    private static String lua(Path path) {
        return lua(path.toString());
    }

    private static String lua(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    private static boolean isRoot() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (id.waitFor(5, TimeUnit.SECONDS) && id.exitValue() == 0) {
                return "0".equals(out);
            }
        } catch (IOException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "root".equals(System.getProperty("user.name"));
    }

    // ---------------------------------------------------------------------------------------------
    // Process control

    private synchronized void launch() {
        if (closed) {
            throw new IllegalStateException("Prosody server has been closed");
        }
        if (isRunning()) {
            throw new IllegalStateException("Prosody is already running (pid " + process.pid() + ")");
        }
        List<String> command = List.of(
                System.getProperty(PROSODY_BINARY_PROPERTY, "prosody"),
                "--config", configFile.toString(), "-F");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutFile.toFile()));
        long started = System.nanoTime();
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command + " (is Prosody installed?)", e);
        }
        installShutdownHook();
        LOG.info("Prosody starting (pid {}): c2s {}, component {}, http {}, work dir {}",
                process.pid(), c2sPort, componentPort, httpPort, workDir);
        try {
            awaitPorts(options.startTimeout());
        } catch (RuntimeException e) {
            forceKill();
            throw e;
        }
        LOG.info("Prosody ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void awaitPorts(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean c2sUp = false;
        boolean componentUp = false;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prosody exited with status " + process.exitValue()
                        + " during startup\n" + diagnostics());
            }
            c2sUp = c2sUp || accepts(c2sPort);
            componentUp = componentUp || accepts(componentPort);
            if (c2sUp && componentUp) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Prosody did not open its ports within " + timeout
                        + " (c2s " + c2sPort + (c2sUp ? " up" : " down") + ", component " + componentPort
                        + (componentUp ? " up" : " down") + ")\n" + diagnostics());
            }
            sleep(50);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops Prosody with SIGTERM, waiting up to 10 s for it to exit before SIGKILL. Data, configuration and
     * ports are kept, so {@link #restart()} brings the same server back. Idempotent.
     */
    public synchronized void stop() {
        for (ProcessHandle handle : prosodyProcesses()) {
            LOG.info("Stopping Prosody (pid {})", handle.pid());
            handle.destroy(); // SIGTERM
            try {
                handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.warn("Prosody (pid {}) did not stop within {}; killing it", handle.pid(), STOP_TIMEOUT);
                handle.destroyForcibly();
                awaitExit(handle);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
                return;
            }
        }
        process = null;
        removeShutdownHook();
    }

    /** Kills Prosody with SIGKILL (no clean shutdown: rooms and sessions are not saved). For crash tests. */
    public synchronized void kill() {
        for (ProcessHandle handle : prosodyProcesses()) {
            LOG.info("Killing Prosody (pid {})", handle.pid());
            handle.destroyForcibly(); // SIGKILL
            awaitExit(handle);
        }
        process = null;
        removeShutdownHook();
    }

    /** Stops (if running) and starts Prosody again with the same configuration, ports and data. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** True while the Prosody process started by this object is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The pid of the running Prosody process, if any. */
    public synchronized Optional<Long> pid() {
        return isRunning() ? Optional.of(process.pid()) : Optional.empty();
    }

    /** Stops the server and deletes a temporary work directory unless files are to be kept. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        if (deleteWorkDirOnClose) {
            deleteRecursively(workDir);
        } else {
            LOG.info("Prosody files kept in {}", workDir);
        }
    }

    /** The running process and, if different and clearly ours, the pid from the pidfile. */
    private List<ProcessHandle> prosodyProcesses() {
        Set<ProcessHandle> handles = new LinkedHashSet<>();
        if (process != null && process.isAlive()) {
            handles.add(process.toHandle());
        }
        readPidFile().flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(cl -> cl.contains(configFile.toString())).orElse(false)
                        || h.info().arguments().map(a -> List.of(a).contains(configFile.toString())).orElse(false))
                .ifPresent(handles::add);
        return new ArrayList<>(handles);
    }

    private Optional<Long> readPidFile() {
        try {
            if (Files.isRegularFile(pidFile)) {
                String s = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
                if (!s.isEmpty()) {
                    return Optional.of(Long.parseLong(s));
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("Unreadable pidfile {}", pidFile, e);
        }
        return Optional.empty();
    }

    private void forceKill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(process.toHandle());
        }
        process = null;
        removeShutdownHook();
    }

    private static void awaitExit(ProcessHandle handle) {
        try {
            handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Process {} still alive after SIGKILL", handle.pid());
        }
    }

    private void installShutdownHook() {
        removeShutdownHook();
        Process p = process;
        Thread hook = new Thread(() -> {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }, "prosody-shutdown-" + p.pid());
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
        } catch (IllegalStateException e) {
            // JVM already shutting down
        }
    }

    private void removeShutdownHook() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // JVM already shutting down
            }
            shutdownHook = null;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Accounts

    /**
     * Creates the account {@code user@domain()} with {@code prosodyctl register}. Works whether or not the
     * server is running; the account can log in immediately.
     */
    public void registerUser(String user, String password) {
        prosodyctl("register", user, options.domain(), password);
    }

    /** Deletes the account {@code user@domain()} with {@code prosodyctl unregister}. */
    public void unregisterUser(String user) {
        prosodyctl("unregister", user, options.domain());
    }

    /** Registers a new account with a unique name starting with {@code prefix} and a random password. */
    public Account newUser(String prefix) {
        String base = prefix == null || prefix.isBlank() ? "user" : prefix.toLowerCase(Locale.ROOT);
        String username = base + "-" + USER_COUNTER.incrementAndGet() + "-"
                + HexFormat.of().formatHex(randomBytes(3));
        String password = HexFormat.of().formatHex(randomBytes(12));
        registerUser(username, password);
        return new Account(username, password, options.domain());
    }

    /** Runs {@code prosodyctl --config <configFile> args...}, returning its output; throws on a non-zero exit. */
    public String prosodyctl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty(PROSODYCTL_BINARY_PROPERTY, "prosodyctl"));
        command.add("--config");
        command.add(configFile.toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("prosodyctl " + args[0] + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("prosodyctl " + args[0] + " failed with status " + p.exitValue()
                        + ": " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run prosodyctl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running prosodyctl", e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Accessors

    public Options options() {
        return options;
    }

    public String domain() {
        return options.domain();
    }

    public String mucDomain() {
        return options.mucDomain();
    }

    public String componentDomain() {
        return options.componentDomain();
    }

    public String componentSecret() {
        return componentSecret;
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return LOOPBACK;
    }

    public int c2sPort() {
        return c2sPort;
    }

    public int componentPort() {
        return componentPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** {@code ws://127.0.0.1:<httpPort>/xmpp-websocket} */
    public String websocketUrl() {
        return "ws://" + LOOPBACK + ":" + httpPort + "/xmpp-websocket";
    }

    public Path workDir() {
        return workDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** Prosody's stdout and stderr (console log at warn level and startup errors). */
    public Path stdoutFile() {
        return stdoutFile;
    }

    public Path configFile() {
        return configFile;
    }

    public Path pidFile() {
        return pidFile;
    }

    /** The last lines of Prosody's log and console output, for assertion messages. */
    public String diagnostics() {
        return "--- " + logFile + " (tail) ---\n" + tail(logFile, LOG_TAIL_LINES)
                + "--- " + stdoutFile + " (tail) ---\n" + tail(stdoutFile, LOG_TAIL_LINES);
    }

    @Override
    public String toString() {
        return "ProsodyServer[" + options.domain() + ", c2s=" + c2sPort + ", component=" + componentPort
                + ", http=" + httpPort + ", " + workDir + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(missing)\n";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            StringBuilder b = new StringBuilder();
            for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
                b.append(line).append('\n');
            }
            return b.toString();
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")\n";
        }
    }

    /** Distinct free TCP ports on 127.0.0.1 (all sockets are held open together, then released). */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket();
                sockets.add(s);
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Prosody", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("Cannot delete {}", p, e);
                }
            });
        } catch (IOException e) {
            LOG.debug("Cannot delete {}", dir, e);
        }
    }
}
