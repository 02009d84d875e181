package org.chorus.conference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.chorus.conference.ConferenceJids.MalformedConferenceJidException;
import org.chorus.conference.ConferenceJids.NotAConferenceException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.JID;

/** The room / conference JID mapping of PROTOCOL.md §1, both ways, without a table. */
class ConferenceJidsTest {
    private static final String GATEWAY = "av.example.org";
    private static final String MUC = "conference.example.org";

    private final ConferenceJids jids = new ConferenceJids(GATEWAY, MUC);

    private static JID jid(String text) {
        return new JID(text);
    }

    @Nested
    class LocalRooms {
        @Test
        void roomOnTheConfiguredServiceMapsToItsLocalpartAtTheGateway() {
            assertThat(jids.conferenceFor(jid("team@conference.example.org")))
                    .isEqualTo(jid("team@av.example.org"));
        }

        @Test
        void conferenceWithAPlainLocalpartMapsToTheRoomOnTheConfiguredService() {
            assertThat(jids.roomFor(jid("team@av.example.org"))).isEqualTo(jid("team@conference.example.org"));
        }

        @Test
        void theConferenceJidIsBare() {
            JID conference = jids.conferenceFor(jid("team@conference.example.org/Alice"));

            assertThat(conference.getResource()).isNull();
            assertThat(conference).isEqualTo(jid("team@av.example.org"));
        }

        @Test
        void theResourceOfAConferenceJidIsIgnored() {
            assertThat(jids.roomFor(jid("team@av.example.org/some-device")))
                    .isEqualTo(jid("team@conference.example.org"));
        }

        @Test
        void uppercaseInputIsNormalised() {
            assertThat(jids.conferenceFor(jid("TEAM@Conference.Example.ORG/Nick")))
                    .isEqualTo(jid("team@av.example.org"));
            assertThat(jids.roomFor(jid("Team@AV.example.org"))).isEqualTo(jid("team@conference.example.org"));
        }

        @Test
        void constructorNormalisesTheDomains() {
            ConferenceJids mixed = new ConferenceJids("AV.Example.org", "Conference.EXAMPLE.org");

            assertThat(mixed.gatewayDomain()).isEqualTo(GATEWAY);
            assertThat(mixed.mucService()).isEqualTo(MUC);
            assertThat(mixed.conferenceFor(jid("team@conference.example.org"))).isEqualTo(jid("team@av.example.org"));
        }

        @Test
        void aLocalRoomWhoseNameContainsAnAtTakesTheLongEscapedForm() {
            // the room named "a@b" on the configured service: its node is a\40b
            JID room = jid("a\\40b@conference.example.org");

            JID conference = jids.conferenceFor(room);

            assertThat(conference.getDomain()).isEqualTo(GATEWAY);
            assertThat(conference.getNode()).isEqualTo("a\\5c40b\\40conference.example.org");
            assertThat(jids.roomFor(conference)).isEqualTo(room);
        }
    }

    @Nested
    class ForeignRooms {
        @Test
        void roomOnAnotherServiceMapsToItsEscapedBareJid() {
            assertThat(jids.conferenceFor(jid("team@muc.other.org")))
                    .isEqualTo(jid("team\\40muc.other.org@av.example.org"));
        }

        @Test
        void escapedConferenceLocalpartMapsBackToTheForeignRoom() {
            assertThat(jids.roomFor(jid("team\\40muc.other.org@av.example.org"))).isEqualTo(jid("team@muc.other.org"));
        }

        @Test
        void theResourceOfAForeignRoomIsDropped() {
            assertThat(jids.conferenceFor(jid("team@muc.other.org/Bob")))
                    .isEqualTo(jid("team\\40muc.other.org@av.example.org"));
        }

        @Test
        void foreignFormIsCaseInsensitive() {
            assertThat(jids.roomFor(jid("Team\\40MUC.Other.org@av.example.org/res")))
                    .isEqualTo(jid("team@muc.other.org"));
        }

        @Test
        void aDomainWithoutDotsIsStillAForeignService() {
            assertThat(jids.conferenceFor(jid("team@localhost"))).isEqualTo(jid("team\\40localhost@av.example.org"));
            assertThat(jids.roomFor(jid("team\\40localhost@av.example.org"))).isEqualTo(jid("team@localhost"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "team@conference.example.org",
        "a\\20b@conference.example.org",       // a room named "a b"
        "a\\40b@conference.example.org",       // a local room named "a@b": long form
        "a\\5c20b@conference.example.org",     // a literal backslash sequence
        "a\\5c40b@conference.example.org",
        "caf\u00e9@conference.example.org",
        "x-y_z.1@conference.example.org",
        "team@muc.other.org",
        "a\\20b@muc.other.org",
        "a\\40b@muc.other.org",
        "a\\5cb@muc.other.org",
        "a\\5c20b@muc.other.org",
        "a\\b@muc.other.org",
        "team@conference.example.org.other.org",
        "team@example.org",
    })
    void everyRoomRoundTrips(String room) {
        JID roomJid = jid(room);

        JID conference = jids.conferenceFor(roomJid);

        assertThat(conference.getDomain()).isEqualTo(GATEWAY);
        assertThat(conference.getResource()).isNull();
        assertThat(jids.isServiceAddress(conference)).isFalse();
        assertThat(jids.roomFor(conference)).isEqualTo(roomJid);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a\\20b@conference.example.org | a\\20b@av.example.org",
        "a\\5c20b@conference.example.org | a\\5c20b@av.example.org",
        "a\\20b@muc.other.org | a\\5c20b\\40muc.other.org@av.example.org",
        "a\\5cb@muc.other.org | a\\5c5cb\\40muc.other.org@av.example.org",
    })
    void escapesAreCarriedThroughVerbatim(String room, String conference) {
        assertThat(jids.conferenceFor(jid(room))).isEqualTo(jid(conference));
    }

    @Nested
    class NotConferences {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"av.example.org", "av.example.org/team", "AV.example.org"})
        void theBareGatewayDomainIsNotAConference(String address) {
            assertThatThrownBy(() -> jids.roomFor(jid(address))).isInstanceOf(NotAConferenceException.class);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "team@conference.example.org",
            "team@example.org",
            "team@sub.av.example.org",
            "team@example.org/av.example.org",
            "muc.other.org",
        })
        void otherDomainsAreNotConferences(String address) {
            assertThatThrownBy(() -> jids.roomFor(jid(address))).isInstanceOf(NotAConferenceException.class);
        }

        @Test
        void nullIsNotAConference() {
            assertThatThrownBy(() -> jids.roomFor(null)).isInstanceOf(NotAConferenceException.class);
        }

        @Test
        void notAConferenceIsNotMistakenForMalformed() {
            assertThatThrownBy(() -> jids.roomFor(jid("av.example.org")))
                    .isNotInstanceOf(MalformedConferenceJidException.class);
        }
    }

    @Nested
    class Malformed {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "a\\40@av.example.org",                  // decodes to "a@": no domain
            "\\40muc.other.org@av.example.org",      // decodes to "@muc.other.org": no localpart
            "x\\40av.example.org@av.example.org",    // points back at the gateway
            "x\\40AV.Example.org@av.example.org",    // the same, in other case
            "a\\40b\\2fc@av.example.org",            // decodes to "a@b/c": a full JID, not a room
            "a\\40b\\40c@av.example.org",            // two '@'
            "a\\40\\40b@av.example.org",
            "a\\40b\\20c@av.example.org",            // a space in the domain
            "a\\40b..c@av.example.org",              // an empty domain label
            "a\\40b\\3ac@av.example.org",            // ':' in the domain
        })
        void conferenceLocalpartThatDoesNotDecodeToARoomIsMalformed(String conference) {
            assertThatThrownBy(() -> jids.roomFor(jid(conference)))
                    .isInstanceOf(MalformedConferenceJidException.class)
                    .hasMessageContaining("av.example.org");
        }

        @Test
        void aRoomWithoutLocalpartHasNoConference() {
            assertThatThrownBy(() -> jids.conferenceFor(jid("conference.example.org")))
                    .isInstanceOf(MalformedConferenceJidException.class);
            assertThatThrownBy(() -> jids.conferenceFor(jid("muc.other.org")))
                    .isInstanceOf(MalformedConferenceJidException.class);
            assertThatThrownBy(() -> jids.conferenceFor(null)).isInstanceOf(MalformedConferenceJidException.class);
        }

        @Test
        void aRoomCannotLiveOnTheGatewayDomain() {
            assertThatThrownBy(() -> jids.conferenceFor(jid("x@av.example.org")))
                    .isInstanceOf(MalformedConferenceJidException.class);
        }

        @Test
        void theGatewayAndTheMucServiceMustDiffer() {
            assertThatThrownBy(() -> new ConferenceJids("av.example.org", "AV.example.org"))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void bothExceptionsAreIllegalArgumentExceptions() {
            // callers (disco, Jingle) catch IllegalArgumentException and answer jid-malformed / not a conference
            assertThat(new MalformedConferenceJidException("x")).isInstanceOf(IllegalArgumentException.class);
            assertThat(new NotAConferenceException("x")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "team\\40conference.example.org@av.example.org",
        "a\\5cb\\40muc.other.org@av.example.org",
    })
    void onlyTheCanonicalFormOfARoomIsItsConference(String alias) {
        assertThatThrownBy(() -> jids.roomFor(jid(alias))).isInstanceOf(MalformedConferenceJidException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "team@av.example.org",
        "a\\20b@av.example.org",
        "a\\5c40b@av.example.org",
        "team\\40muc.other.org@av.example.org",
        "a\\5c40b\\40conference.example.org@av.example.org",
        "a\\5c20b\\40muc.other.org@av.example.org",
    })
    void canonicalConferencesRoundTrip(String conference) {
        JID conferenceJid = jid(conference);

        assertThat(jids.conferenceFor(jids.roomFor(conferenceJid))).isEqualTo(conferenceJid);
    }

    @Nested
    class Addresses {
        @Test
        void gatewayAddressIsAnyJidOnTheGatewayDomain() {
            assertThat(jids.isGatewayAddress(jid("av.example.org"))).isTrue();
            assertThat(jids.isGatewayAddress(jid("team@av.example.org/x"))).isTrue();
            assertThat(jids.isGatewayAddress(jid("team@conference.example.org"))).isFalse();
            assertThat(jids.isGatewayAddress(null)).isFalse();
        }

        @Test
        void serviceAddressIsTheDomainWithoutLocalpart() {
            assertThat(jids.isServiceAddress(jid("av.example.org"))).isTrue();
            assertThat(jids.isServiceAddress(jid("av.example.org/team"))).isTrue();
            assertThat(jids.isServiceAddress(jid("team@av.example.org"))).isFalse();
            assertThat(jids.isServiceAddress(jid("example.org"))).isFalse();
            assertThat(jids.isServiceAddress(null)).isFalse();
        }

        @Test
        void labelIsTheUnescapedLowercaseLocalpart() {
            assertThat(ConferenceJids.label(jid("team@conference.example.org"))).isEqualTo("team");
            assertThat(ConferenceJids.label(jid("a\\20b@conference.example.org"))).isEqualTo("a b");
            assertThat(ConferenceJids.label(jid("team\\40muc.other.org@av.example.org"))).isEqualTo("team@muc.other.org");
        }
    }
}
