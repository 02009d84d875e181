package org.chorus.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Loads a process's HOCON settings the way Jitsi's components do: the documented {@code reference.conf}
 * on the class path, overlaid by the operator's file, overlaid by environment variables.
 *
 * <p>Every key under the root can be set from the environment: {@code chorus.xmpp.secret} is
 * {@code CHORUS_XMPP_SECRET}, {@code chorus.muc.missing-room-retry} is {@code CHORUS_MUC_MISSING_ROOM_RETRY}.
 * List-valued keys take a comma-separated value. A key in the file that {@code reference.conf} does
 * not know is an error, so that typos do not silently fall back to defaults.
 */
public final class ConfigLoader {
    private final String root;
    private final Config reference;

    public ConfigLoader(String root, Config reference) {
        this.root = root;
        this.reference = reference;
    }

    /** A loader for {@code root} using the {@code reference.conf} files of the class path. */
    public static ConfigLoader forRoot(String root) {
        return new ConfigLoader(root, ConfigFactory.defaultReference());
    }

    /**
     * @param file the operator's file, or null for none
     * @param env the environment, usually {@code System.getenv()}
     * @throws ConfigException with a one-line message on a missing file, bad syntax, unknown keys or bad types
     */
    public Config load(Path file, Map<String, String> env) {
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new ConfigException.Generic("cannot read the settings file " + file
                        + (Files.exists(file) ? " (permission denied)" : " (no such file)"));
            }
            user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            rejectUnknownKeys(user, file);
        }
        Config merged = fromEnvironment(env).withFallback(user).withFallback(reference).resolve();
        merged.checkValid(reference, root);
        return merged.getConfig(root);
    }

    /** The environment variable that sets a key, for documentation and errors. */
    public String envName(String pathUnderRoot) {
        return (root + "_" + pathUnderRoot).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private Config fromEnvironment(Map<String, String> env) {
        Map<String, Object> overrides = new HashMap<>();
        for (Map.Entry<String, ConfigValue> entry : reference.getConfig(root).entrySet()) {
            String value = env.get(envName(entry.getKey()));
            if (value == null) {
                continue;
            }
            Object parsed = entry.getValue().valueType() == ConfigValueType.LIST ? splitList(value) : value;
            overrides.put(root + "." + entry.getKey(), parsed);
        }
        Config config = ConfigFactory.empty();
        for (Map.Entry<String, Object> o : overrides.entrySet()) {
            config = config.withValue(o.getKey(), ConfigValueFactory.fromAnyRef(o.getValue(), "environment variable"));
        }
        return config;
    }

    private static List<String> splitList(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    private void rejectUnknownKeys(Config user, Path file) {
        if (!user.hasPath(root)) {
            return;
        }
        for (String key : user.getConfig(root).entrySet().stream().map(Map.Entry::getKey).sorted().toList()) {
            String path = root + "." + key;
            if (!reference.hasPathOrNull(path) && !isUnderOpenObject(path)) {
                throw new ConfigException.BadPath(path, "unknown setting in " + file.getFileName());
            }
        }
    }

    /** Keys below an object that reference.conf declares empty ({@code {}}) are free-form. */
    private boolean isUnderOpenObject(String path) {
        String parent = path;
        while (parent.lastIndexOf('.') > 0) {
            parent = parent.substring(0, parent.lastIndexOf('.'));
            if (reference.hasPath(parent)) {
                ConfigValue value = reference.getValue(parent);
                return value.valueType() == ConfigValueType.OBJECT && reference.getConfig(parent).isEmpty();
            }
        }
        return false;
    }
}
