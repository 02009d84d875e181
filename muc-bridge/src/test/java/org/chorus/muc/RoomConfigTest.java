package org.chorus.muc;

import static org.assertj.core.api.Assertions.assertThat;

import org.dom4j.DocumentException;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoomConfigTest {

    private static Element query(String... features) throws DocumentException {
        StringBuilder xml = new StringBuilder("<query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='conference' type='text' name='Team room'/>"
                + "<feature var='http://jabber.org/protocol/muc'/>");
        for (String f : features) {
            xml.append("<feature var='").append(f).append("'/>");
        }
        return DocumentHelper.parseText(xml.append("</query>").toString()).getRootElement();
    }

    @Test
    void membersOnlyAndNonAnonymousIsCallable() throws DocumentException {
        RoomConfig c = RoomConfig.fromDiscoInfo(query("muc_membersonly", "muc_nonanonymous", "muc_persistent"));

        assertThat(c.membersOnly()).isTrue();
        assertThat(c.nonAnonymous()).isTrue();
        assertThat(c.callable()).isTrue();
        assertThat(c.whyNotCallable()).isNull();
        assertThat(c.name()).isEqualTo("Team room");
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({
        "muc_open, muc_nonanonymous, Calls need a members-only room; this room is open to anyone.",
        "muc_membersonly, muc_semianonymous, Calls need a non-anonymous room; this room hides its members' addresses.",
        "muc_open, muc_semianonymous, 'Calls need a members-only, non-anonymous room; this room is open and anonymous.'",
    })
    void otherRoomsAreNotCallableAndSayWhy(String access, String anonymity, String why) throws DocumentException {
        RoomConfig c = RoomConfig.fromDiscoInfo(query(access, anonymity));

        assertThat(c.callable()).isFalse();
        assertThat(c.whyNotCallable()).isEqualTo(why);
    }

    @Test
    void theReasonsNameWhatIsMissing() throws DocumentException {
        assertThat(RoomConfig.fromDiscoInfo(query("muc_open", "muc_nonanonymous")).whyNotCallable())
                .contains("members-only").doesNotContain("non-anonymous");
        assertThat(RoomConfig.fromDiscoInfo(query("muc_membersonly", "muc_semianonymous")).whyNotCallable())
                .contains("non-anonymous").doesNotContain("members-only");
    }

    @Test
    void featuresMissingAltogetherMeanNotCallable() throws DocumentException {
        RoomConfig c = RoomConfig.fromDiscoInfo(query());

        assertThat(c.membersOnly()).isFalse();
        assertThat(c.nonAnonymous()).isFalse();
        assertThat(c.callable()).isFalse();
        assertThat(c.whyNotCallable()).isNotBlank();
    }

    @Test
    void nullQueryIsNotCallable() {
        RoomConfig c = RoomConfig.fromDiscoInfo(null);

        assertThat(c.callable()).isFalse();
        assertThat(c.name()).isNull();
    }

    @Test
    void roomNameFromTheExtendedInfoFormWins() throws DocumentException {
        Element q = DocumentHelper.parseText("""
                <query xmlns='http://jabber.org/protocol/disco#info'>
                  <identity category='conference' type='text' name='team'/>
                  <feature var='muc_membersonly'/>
                  <feature var='muc_nonanonymous'/>
                  <x xmlns='jabber:x:data' type='result'>
                    <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>
                    <field var='muc#roomconfig_roomname'><value>The Team</value></field>
                  </x>
                </query>""").getRootElement();

        RoomConfig c = RoomConfig.fromDiscoInfo(q);

        assertThat(c.name()).isEqualTo("The Team");
        assertThat(c.callable()).isTrue();
    }

    @Test
    void blankFormNameFallsBackToTheIdentity() throws DocumentException {
        Element q = DocumentHelper.parseText("""
                <query xmlns='http://jabber.org/protocol/disco#info'>
                  <identity category='conference' type='text' name='team'/>
                  <x xmlns='jabber:x:data' type='result'>
                    <field var='muc#roomconfig_roomname'><value> </value></field>
                  </x>
                </query>""").getRootElement();

        assertThat(RoomConfig.fromDiscoInfo(q).name()).isEqualTo("team");
    }

    @Test
    void configsWithTheSameFeaturesAreEqual() throws DocumentException {
        assertThat(RoomConfig.fromDiscoInfo(query("muc_membersonly", "muc_nonanonymous")))
                .isEqualTo(RoomConfig.fromDiscoInfo(query("muc_nonanonymous", "muc_membersonly", "muc_persistent")));
        assertThat(RoomConfig.fromDiscoInfo(query("muc_membersonly", "muc_nonanonymous")))
                .isNotEqualTo(RoomConfig.fromDiscoInfo(query("muc_open", "muc_nonanonymous")));
    }
}
