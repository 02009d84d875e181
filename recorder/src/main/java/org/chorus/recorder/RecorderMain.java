package org.chorus.recorder;

import com.typesafe.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.chorus.config.BuildInfo;
import org.chorus.config.CliMessages;
import org.chorus.config.ConfigLoader;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chorus-recorder --config FILE}: runs a recorder until SIGTERM, which stops and finalizes
 * its recordings first. Start-up errors end the process with one line on stderr: exit 2 for
 * configuration, 3 when it cannot start: the XMPP server cannot be reached or refuses the login, the
 * brewery cannot be joined, or no media address can be opened.
 */
@Command(name = "chorus-recorder", mixinStandardHelpOptions = true, versionProvider = RecorderMain.Version.class,
        description = "Chorus recorder: records calls to files or RTMP streams for the Chorus gateway (Jibri protocol).")
public final class RecorderMain implements Callable<Integer> {
    public static final int EXIT_CONFIG = 2;
    public static final int EXIT_XMPP = 3;

    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON settings file; every key can also come from the environment (CHORUS_RECORDER_XMPP_PASSWORD, ...).")
    Path configFile;

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new RecorderMain()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true);
        RecorderConfig config;
        try {
            config = RecorderConfig.from(ConfigLoader.forRoot("chorus.recorder").load(configFile, System.getenv()));
        } catch (ConfigException e) {
            err.println("chorus-recorder: configuration error: " + CliMessages.oneLine(e.getMessage()));
            return EXIT_CONFIG;
        }
        if (!config.javacppCacheDir().isEmpty()) {
            System.setProperty("org.bytedeco.javacpp.cachedir", config.javacppCacheDir());
        }
        RecorderService service = new RecorderService(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            service.shutdown(110_000);
            stopped.countDown();
        }, "chorus-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            service.start();
        } catch (Exception e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            service.close();
            err.println("chorus-recorder: " + CliMessages.oneLine(String.valueOf(e.getMessage())));
            return EXIT_XMPP;
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"chorus-recorder " + BuildInfo.version()};
        }
    }
}
