package org.chorus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reference, then file, then environment; unknown keys and bad types are refused. */
class ConfigLoaderTest {
    private static final String REFERENCE = """
            chorus {
              xmpp {
                host = "127.0.0.1"
                port = 5347
                secret = ""
                connect-timeout = 5s
                reconnect {
                  initial-delay = 500ms
                  multiplier = 2.0
                }
              }
              muc {
                nick = "Call"
                rooms = []
                missing-room-retry = 60s
              }
              extra {}
              data-dir = "/var/lib/chorus"
            }
            """;

    private final ConfigLoader loader = new ConfigLoader("chorus", ConfigFactory.parseString(REFERENCE));

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path file = dir.resolve("chorus.conf");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void withoutFileOrEnvironmentTheReferenceApplies() {
        Config c = loader.load(null, Map.of());

        assertThat(c.getString("xmpp.host")).isEqualTo("127.0.0.1");
        assertThat(c.getInt("xmpp.port")).isEqualTo(5347);
        assertThat(c.getDuration("xmpp.connect-timeout")).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.getStringList("muc.rooms")).isEmpty();
        assertThat(c.getConfig("extra").isEmpty()).isTrue();
    }

    @Test
    void theResultIsRootedAtTheRootKey() {
        Config c = loader.load(null, Map.of());

        assertThat(c.hasPath("chorus")).isFalse();
        assertThat(c.hasPath("xmpp.host")).isTrue();
    }

    @Test
    void fileOverridesReference() throws IOException {
        Path file = file("""
                chorus.xmpp.host = "xmpp.example.org"
                chorus.xmpp.reconnect.multiplier = 3
                chorus.muc { rooms = ["team", "ops@muc.other.org"], missing-room-retry = 2m }
                """);

        Config c = loader.load(file, Map.of());

        assertThat(c.getString("xmpp.host")).isEqualTo("xmpp.example.org");
        assertThat(c.getDouble("xmpp.reconnect.multiplier")).isEqualTo(3.0);
        assertThat(c.getStringList("muc.rooms")).containsExactly("team", "ops@muc.other.org");
        assertThat(c.getDuration("muc.missing-room-retry")).isEqualTo(Duration.ofMinutes(2));
        // untouched keys keep their reference value, also beside an overridden sibling
        assertThat(c.getInt("xmpp.port")).isEqualTo(5347);
        assertThat(c.getDuration("xmpp.reconnect.initial-delay")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.getString("muc.nick")).isEqualTo("Call");
    }

    @Test
    void environmentOverridesFileAndReference() throws IOException {
        Path file = file("chorus.xmpp.secret = from-file\nchorus.xmpp.host = file-host\n");

        Config c = loader.load(file, Map.of(
                "CHORUS_XMPP_SECRET", "from-env",
                "CHORUS_XMPP_PORT", "5348",
                "CHORUS_XMPP_CONNECT_TIMEOUT", "750ms",
                "CHORUS_MUC_MISSING_ROOM_RETRY", "90s",
                "CHORUS_XMPP_RECONNECT_INITIAL_DELAY", "1s",
                "CHORUS_DATA_DIR", "/srv/chorus"));

        assertThat(c.getString("xmpp.secret")).isEqualTo("from-env");
        assertThat(c.getString("xmpp.host")).isEqualTo("file-host");
        assertThat(c.getInt("xmpp.port")).isEqualTo(5348);
        assertThat(c.getDuration("xmpp.connect-timeout")).isEqualTo(Duration.ofMillis(750));
        assertThat(c.getDuration("muc.missing-room-retry")).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.getDuration("xmpp.reconnect.initial-delay")).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.getString("data-dir")).isEqualTo("/srv/chorus");
    }

    @Test
    void environmentListIsCommaSeparated() {
        Config c = loader.load(null, Map.of("CHORUS_MUC_ROOMS", " team , ops@muc.other.org,,lobby "));

        assertThat(c.getStringList("muc.rooms")).containsExactly("team", "ops@muc.other.org", "lobby");
    }

    @Test
    void emptyEnvironmentListIsAnEmptyList() {
        Config c = loader.load(null, Map.of("CHORUS_MUC_ROOMS", ""));

        assertThat(c.getStringList("muc.rooms")).isEmpty();
    }

    @Test
    void environmentVariablesThatNameNoKeyAreIgnored() {
        Config c = loader.load(null, Map.of(
                "CHORUS_XMPP_TYPO", "x",
                "chorus_xmpp_host", "lowercase-is-not-it",
                "PATH", "/usr/bin",
                "CHORUS_EXTRA", "x"));

        assertThat(c.getString("xmpp.host")).isEqualTo("127.0.0.1");
        assertThat(c.hasPath("xmpp.typo")).isFalse();
        assertThat(c.getConfig("extra").isEmpty()).isTrue();
    }

    @Test
    void unknownKeyInTheFileIsRefusedWithTheKeyInTheMessage() throws IOException {
        Path file = file("chorus.xmpp.hots = \"typo\"\n");

        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("chorus.xmpp.hots")
                .hasMessageContaining("chorus.conf");
    }

    @Test
    void unknownNestedObjectInTheFileIsRefused() throws IOException {
        Path file = file("chorus.muc.retry { every = 5s }\n");

        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("chorus.muc.retry.every");
    }

    @Test
    void keysBelowAnEmptyReferenceObjectAreFreeForm() throws IOException {
        Path file = file("chorus.extra { anything = 1, deeper.still = yes }\n");

        Config c = loader.load(file, Map.of());

        assertThat(c.getInt("extra.anything")).isEqualTo(1);
        assertThat(c.getBoolean("extra.deeper.still")).isTrue();
    }

    @Test
    void keysOutsideTheRootAreNotChecked() throws IOException {
        Path file = file("other.thing = 1\nchorus.xmpp.host = h\n");

        Config c = loader.load(file, Map.of());

        assertThat(c.getString("xmpp.host")).isEqualTo("h");
    }

    @Test
    void missingFileIsAnError() {
        Path missing = dir.resolve("nowhere.conf");

        assertThatThrownBy(() -> loader.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nowhere.conf");
    }

    @Test
    void badSyntaxIsAnError() throws IOException {
        Path file = file("chorus.xmpp { host = \n");

        assertThatThrownBy(() -> loader.load(file, Map.of())).isInstanceOf(ConfigException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "chorus.xmpp.port = true | chorus.xmpp.port",
        "chorus.xmpp.port = [1, 2] | chorus.xmpp.port",
        "chorus.xmpp.port { a = 1 } | chorus.xmpp.port",
        "chorus.muc.rooms = 5 | chorus.muc.rooms",
        "chorus.xmpp.reconnect = 5 | chorus.xmpp.reconnect",
    })
    void wrongTypeInTheFileIsRefusedByCheckValid(String line, String key) throws IOException {
        Path file = file(line + "\n");

        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
    }

    @Test
    void stringForANumberIsCaughtAtTheLatestWhenRead() throws IOException {
        // HOCON's checkValid accepts any string where a number is expected (environment values are
        // strings too); a string that is not a number fails when the setting is read.
        Path file = file("chorus.xmpp.port = \"not-a-port\"\n");

        assertThatThrownBy(() -> loader.load(file, Map.of()).getInt("xmpp.port"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("xmpp.port");
    }

    @Test
    void environmentStringForANumberIsCaughtWhenRead() {
        Config c = loader.load(null, Map.of("CHORUS_XMPP_PORT", "many"));

        assertThatThrownBy(() -> c.getInt("xmpp.port")).isInstanceOf(ConfigException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "xmpp.secret, CHORUS_XMPP_SECRET",
        "muc.missing-room-retry, CHORUS_MUC_MISSING_ROOM_RETRY",
        "xmpp.reconnect.initial-delay, CHORUS_XMPP_RECONNECT_INITIAL_DELAY",
        "data-dir, CHORUS_DATA_DIR",
    })
    void envName(String key, String variable) {
        assertThat(loader.envName(key)).isEqualTo(variable);
    }

    @Test
    void envNameFollowsTheRoot() {
        assertThat(new ConfigLoader("recorder", ConfigFactory.empty()).envName("xmpp.host"))
                .isEqualTo("RECORDER_XMPP_HOST");
    }

    @Test
    void everyReferenceKeyCanBeSetFromItsEnvironmentName() {
        Config reference = ConfigFactory.parseString(REFERENCE).getConfig("chorus");
        for (Map.Entry<String, com.typesafe.config.ConfigValue> e : reference.entrySet()) {
            String key = e.getKey();
            boolean list = e.getValue().valueType() == com.typesafe.config.ConfigValueType.LIST;
            Config c = loader.load(null, Map.of(loader.envName(key), list ? "a,b" : "42"));
            if (list) {
                assertThat(c.getStringList(key)).as(key).isEqualTo(List.of("a", "b"));
            } else {
                assertThat(c.getString(key)).as(key).isEqualTo("42");
            }
        }
    }
}
