package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.chorus.component.ConnectionState;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stanzas that used to make the gateway end its own component stream, replayed from a stranger's
 * account through a real Prosody: each must get an answer, and the stream must stay up.
 */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComponentStreamEndToEndTest {
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final String EMOJI = "\uD83C\uDFA5\uD83D\uDE00"; // U+1F3A5 U+1F600, outside the BMP

    private final ProsodyServer server;
    private GatewayFixture gateway;
    private RawXmppClient stranger;
    private String av;

    ComponentStreamEndToEndTest(ProsodyServer server) {
        this.server = server;
    }

    @BeforeAll
    void setUp() throws Exception {
        av = server.componentDomain();
        gateway = GatewayFixture.start(server, List.of("team"));
        ProsodyServer.Account account = server.newUser("stranger");
        stranger = RawXmppClient.connect(server.host(), server.c2sPort(), server.domain(),
                account.username(), account.password(), "fuzz");
    }

    @AfterAll
    void tearDown() {
        if (stranger != null) {
            stranger.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    Stream<Arguments> offendingStanzas() {
        return Stream.of(
                Arguments.of("jibri IQ to a resource outside the BMP (the first unanswered case of the fuzz run)",
                        "<iq type='set' id='%s' to='" + "%s/" + EMOJI + "'>"
                                + "<jibri xmlns='http://jitsi.org/protocol/jibri' action='start' recording_mode='file'>"
                                + EMOJI + "</jibri></iq>"),
                Arguments.of("disco#info to a conference JID whose node is outside the BMP",
                        "<iq type='get' id='%s' to='room" + EMOJI + "@%s'>"
                                + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"),
                Arguments.of("Jingle session-initiate to a conference JID with a resource outside the BMP",
                        "<iq type='set' id='%s' to='team@%s/" + EMOJI + "'>"
                                + "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s" + EMOJI + "'/></iq>"),
                Arguments.of("IQ whose child's namespace is 19 CJK characters (found by the stanza fuzz, seed 20000 case 2394)",
                        "<iq type='get' id='%s' to='%s'><query xmlns='"
                                + "\u4E2D\u6587\u547D\u540D\u7A7A\u95F4".repeat(3) + "\u4E2D'/></iq>"),
                Arguments.of("ping to a resource with a character from Unicode's private use planes",
                        "<iq type='get' id='%s' to='%s/\uDB80\uDC00'><ping xmlns='urn:xmpp:ping'/></iq>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offendingStanzas")
    void anOddStanzaIsAnsweredAndTheStreamStaysUp(String what, String template) {
        long reconnectsBefore = gateway.gateway().reconnectAttempts();
        String id = RawXmppClient.newId("odd");

        RawXmppClient.Reply reply = stranger.requestAndWait(id, template.formatted(id, av), ANSWER);

        assertThat(reply.type()).as("answer to %s", what).isIn("result", "error");
        String pingId = RawXmppClient.newId("ping");
        RawXmppClient.Reply pong = stranger.requestAndWait(pingId,
                "<iq type='get' id='" + pingId + "' to='" + av + "'><ping xmlns='urn:xmpp:ping'/></iq>", ANSWER);
        assertThat(pong.type()).as("ping after %s", what).isEqualTo("result");
        assertThat(gateway.gateway().connectionState()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(gateway.gateway().reconnectAttempts()).as("component reconnects").isEqualTo(reconnectsBefore);
    }
}
