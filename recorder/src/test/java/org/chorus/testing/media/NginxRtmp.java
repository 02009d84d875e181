package org.chorus.testing.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** A real RTMP ingest for tests: Debian's nginx with libnginx-mod-rtmp, recording every stream to FLV. */
public final class NginxRtmp implements AutoCloseable {
    private static final List<Path> MODULE_CANDIDATES = List.of(
            Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so"),
            Path.of("/usr/lib64/nginx/modules/ngx_rtmp_module.so"));

    final Path dir;
    final Path recordDir;
    final int port;
    private Process process;

    private NginxRtmp(Path dir, int port) {
        this.dir = dir;
        this.recordDir = dir.resolve("recordings");
        this.port = port;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts nginx on {@code port} with its prefix, pid, logs and recordings under {@code dir}. */
    public static NginxRtmp start(Path dir, int port) throws IOException {
        NginxRtmp nginx = new NginxRtmp(dir, port);
        nginx.start();
        return nginx;
    }

    public void start() throws IOException {
        Path module = MODULE_CANDIDATES.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        assertThat(module).as("the nginx RTMP module (libnginx-mod-rtmp)").isNotNull();
        Files.createDirectories(recordDir);
        // workers write the recordings: as root, nginx would otherwise run them as nobody, who cannot
        // enter the private temp folder (as another user the directive is ignored)
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                load_module %s;
                user %s;
                pid %s;
                error_log %s info;
                worker_processes 1;
                events { worker_connections 64; }
                rtmp {
                    server {
                        listen 127.0.0.1:%d;
                        application live {
                            live on;
                            record all;
                            record_path %s;
                            record_unique on;
                        }
                    }
                }
                """.formatted(module, System.getProperty("user.name"), dir.resolve("nginx.pid"), dir.resolve("error.log"), port, recordDir));
        process = new ProcessBuilder("nginx", "-p", dir.toString(), "-e", dir.resolve("error.log").toString(), "-c",
                conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        Awaitility.await("nginx listening").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    assertThat(process.isAlive()).as("nginx running (see %s)", dir.resolve("nginx.out")).isTrue();
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    public String url(String key) {
        return "rtmp://127.0.0.1:" + port + "/live/" + key;
    }

    /** Stops nginx by its PID (SIGTERM) and waits for it. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    public List<Path> recordings() throws IOException {
        try (Stream<Path> files = Files.list(recordDir)) {
            return files.filter(p -> p.toString().endsWith(".flv")).sorted().toList();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
