package org.chorus.recorder;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** The recorder's settings, read once from HOCON (see {@code reference.conf}) and validated. */
public record RecorderConfig(
        String host,
        int port,
        String domain,
        String username,
        String password,
        String resource,
        Security security,
        Duration connectTimeout,
        Duration reconnectDelay,
        String brewery,
        String nick,
        java.util.List<String> acceptFrom,
        Path recordingsDir,
        String finalizeScript,
        Duration finalizeTimeout,
        int maxRecordings,
        long minFreeSpace,
        String javacppCacheDir,
        String bindAddress,
        boolean allowLoopback,
        String writerMaxHeap,
        Duration gatewayTimeout) {

    /** TLS on the client stream. */
    public enum Security { REQUIRED, IF_POSSIBLE, DISABLED }

    public static RecorderConfig from(Config c) {
        String domain = required(c, "xmpp.domain");
        String username = required(c, "xmpp.username");
        String password = c.getString("xmpp.password");
        if (password.isEmpty()) {
            throw new ConfigException.Generic(
                    "chorus.recorder.xmpp.password is required: set it as CHORUS_RECORDER_XMPP_PASSWORD");
        }
        String brewery = required(c, "brewery");
        if (!brewery.contains("@") || brewery.contains("/")) {
            throw new ConfigException.BadValue(c.origin(), "chorus.recorder.brewery", "not a room JID: " + brewery);
        }
        int port = c.getInt("xmpp.port");
        if (port < 1 || port > 65535) {
            throw new ConfigException.BadValue(c.origin(), "chorus.recorder.xmpp.port", "not a port number: " + port);
        }
        int max = c.getInt("max-recordings");
        if (max < 1) {
            throw new ConfigException.BadValue(c.origin(), "chorus.recorder.max-recordings", "must be at least 1");
        }
        Security security;
        try {
            security = Security.valueOf(c.getString("xmpp.security").trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), "chorus.recorder.xmpp.security",
                    "must be required, if-possible or disabled");
        }
        String resource = c.getString("xmpp.resource").trim();
        if (resource.isEmpty()) {
            resource = "recorder-" + hostName();
        }
        String nick = c.getString("nick").trim();
        if (nick.isEmpty()) {
            nick = username + "-" + resource;
        }
        String script = c.getString("finalize-script").trim();
        return new RecorderConfig(c.getString("xmpp.host"), port, domain, username, password, resource, security,
                c.getDuration("xmpp.connect-timeout"), c.getDuration("xmpp.reconnect-delay"), brewery, nick,
                java.util.List.copyOf(c.getStringList("accept-from")), Path.of(c.getString("recordings-dir")),
                script.isEmpty() ? null : script, c.getDuration("finalize-timeout"), max,
                c.getBytes("min-free-space"), c.getString("javacpp-cache-dir").trim(),
                c.getString("media.bind-address").trim(), c.getBoolean("media.allow-loopback"),
                c.getString("writer.max-heap").trim(), positiveDuration(c, "gateway-timeout"));
    }

    private static Duration positiveDuration(Config c, String key) {
        Duration d = c.getDuration(key);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException.BadValue(c.origin(), "chorus.recorder." + key, "must be positive");
        }
        return d;
    }

    private static String required(Config c, String key) {
        String value = c.getString(key).trim();
        if (value.isEmpty()) {
            throw new ConfigException.Generic("chorus.recorder." + key + " is required");
        }
        return value;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "RecorderConfig[" + username + "@" + domain + "/" + resource + " via " + host + ":" + port
                + ", brewery=" + brewery + ", nick=" + nick + ", recordings=" + recordingsDir + ", max=" + maxRecordings
                + ", finalize=" + (finalizeScript == null ? "none" : finalizeScript) + "]";
    }
}
