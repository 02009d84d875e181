package org.chorus.gateway;

import com.typesafe.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.chorus.component.ConnectFailure;
import org.chorus.config.BuildInfo;
import org.chorus.config.CliMessages;
import org.chorus.config.ConfigLoader;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chorus-gateway --config FILE}: runs the gateway until SIGTERM. Start-up errors end the
 * process with one line on stderr and a non-zero exit: 2 for configuration, 3 for an unreachable
 * server, 4 for a refused secret, 5 for another refusal, 6 when the media port cannot be opened.
 */
@Command(name = "chorus-gateway", mixinStandardHelpOptions = true, versionProvider = GatewayMain.Version.class,
        description = "Chorus group-call gateway: an XMPP component (XEP-0114) that makes members-only rooms callable.")
public final class GatewayMain implements Callable<Integer> {
    public static final int EXIT_CONFIG = 2;
    public static final int EXIT_MEDIA = 6;

    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON settings file; every key can also come from the environment (CHORUS_XMPP_SECRET, ...).")
    Path configFile;

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new GatewayMain()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true);
        GatewayConfig config;
        try {
            config = GatewayConfig.from(ConfigLoader.forRoot("chorus").load(configFile, System.getenv()));
        } catch (ConfigException e) {
            err.println("chorus-gateway: configuration error: " + CliMessages.oneLine(e.getMessage()));
            return EXIT_CONFIG;
        }
        Gateway gateway;
        try {
            gateway = new Gateway(config);
        } catch (IllegalArgumentException e) {
            err.println("chorus-gateway: configuration error: " + CliMessages.oneLine(e.getMessage()));
            return EXIT_CONFIG;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            gateway.stop();
            stopped.countDown();
        }, "chorus-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            gateway.start();
        } catch (ConnectFailure e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            gateway.stop();
            err.println("chorus-gateway: " + CliMessages.oneLine(e.getMessage()));
            return e.kind().exitCode;
        } catch (java.io.IOException | RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            gateway.stop();
            err.println("chorus-gateway: cannot open the media port " + config.mediaPort() + ": " + CliMessages.oneLine(e.getMessage()));
            return EXIT_MEDIA;
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
            return new String[] {"chorus-gateway " + BuildInfo.version()};
        }
    }
}
