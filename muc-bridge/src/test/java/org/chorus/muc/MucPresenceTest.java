package org.chorus.muc;

import static org.assertj.core.api.Assertions.assertThat;

import org.dom4j.DocumentException;
import org.dom4j.DocumentHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;
import org.xmpp.packet.Presence;

class MucPresenceTest {

    private static Presence presence(String xml) throws DocumentException {
        return new Presence(DocumentHelper.parseText(xml).getRootElement());
    }

    private static MucPresence parse(String xml) throws DocumentException {
        return MucPresence.parse(presence(xml));
    }

    @Test
    void availableOccupantWithRealJidAffiliationAndRole() throws DocumentException {
        MucPresence p = parse("""
                <presence from='team@conference.example.org/Alice' to='av.example.org/team'>
                  <show>away</show>
                  <x xmlns='http://jabber.org/protocol/muc#user'>
                    <item affiliation='member' role='participant' jid='alice@example.org/laptop'/>
                  </x>
                </presence>""");

        assertThat(p).isNotNull();
        assertThat(p.room()).isEqualTo(new JID("team@conference.example.org"));
        assertThat(p.nick()).isEqualTo("Alice");
        assertThat(p.available()).isTrue();
        assertThat(p.isError()).isFalse();
        assertThat(p.error()).isNull();
        assertThat(p.realJid()).isEqualTo(new JID("alice@example.org/laptop"));
        assertThat(p.affiliation()).isEqualTo(Affiliation.MEMBER);
        assertThat(p.role()).isEqualTo("participant");
        assertThat(p.newNick()).isNull();
        assertThat(p.statusCodes()).isEmpty();
        assertThat(p.isSelf()).isFalse();
        assertThat(p.toOccupant()).isEqualTo(new Occupant("Alice", new JID("alice@example.org/laptop"),
                Affiliation.MEMBER, "participant"));
        assertThat(p.toOccupant().realBareJid()).isEqualTo(new JID("alice@example.org"));
    }

    @ParameterizedTest
    @CsvSource({"owner, OWNER", "admin, ADMIN", "member, MEMBER", "none, NONE", "outcast, OUTCAST",
        "Member, MEMBER", "bogus, NONE"})
    void affiliations(String xmpp, Affiliation expected) throws DocumentException {
        MucPresence p = parse("<presence from='team@conference.example.org/a'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='" + xmpp + "' role='visitor'/></x>"
                + "</presence>");

        assertThat(p.affiliation()).isEqualTo(expected);
        assertThat(p.role()).isEqualTo("visitor");
    }

    @Test
    void itemWithoutAttributesDefaultsToNone() throws DocumentException {
        MucPresence p = parse("<presence from='team@conference.example.org/a'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item/></x></presence>");

        assertThat(p.affiliation()).isEqualTo(Affiliation.NONE);
        assertThat(p.role()).isEqualTo("none");
        assertThat(p.realJid()).isNull();
    }

    @Test
    void semiAnonymousPresenceHasNoRealJid() throws DocumentException {
        MucPresence p = parse("<presence from='team@conference.example.org/a'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant'/></x>"
                + "</presence>");

        assertThat(p.realJid()).isNull();
        assertThat(p.toOccupant().realBareJid()).isNull();
    }

    @Test
    void selfPresence() throws DocumentException {
        MucPresence p = parse("""
                <presence from='team@conference.example.org/Call' to='av.example.org/team'>
                  <x xmlns='http://jabber.org/protocol/muc#user'>
                    <item affiliation='owner' role='moderator' jid='av.example.org/team'/>
                    <status code='100'/>
                    <status code='110'/>
                  </x>
                </presence>""");

        assertThat(p.isSelf()).isTrue();
        assertThat(p.statusCodes()).containsExactlyInAnyOrder(100, 110);
        assertThat(p.realJid()).isEqualTo(new JID("av.example.org/team"));
    }

    @ParameterizedTest
    @ValueSource(ints = {307, 301, 321})
    void unavailableWithRemovalStatus(int code) throws DocumentException {
        MucPresence p = parse("<presence type='unavailable' from='team@conference.example.org/Bob'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='" + (code == 301 ? "outcast" : "none") + "' role='none' jid='bob@example.org/x'/>"
                + "<status code='" + code + "'/></x></presence>");

        assertThat(p.available()).isFalse();
        assertThat(p.statusCodes()).containsExactly(code);
        assertThat(p.isSelf()).isFalse();
        assertThat(p.realJid()).isEqualTo(new JID("bob@example.org/x"));
    }

    @Test
    void leaveReasonsFromStatusCodes() throws DocumentException {
        assertThat(LeaveReason.fromStatus(unavailableWith(307))).isEqualTo(LeaveReason.KICKED);
        assertThat(LeaveReason.fromStatus(unavailableWith(301))).isEqualTo(LeaveReason.BANNED);
        assertThat(LeaveReason.fromStatus(unavailableWith(321))).isEqualTo(LeaveReason.MEMBERSHIP_LOST);
        assertThat(LeaveReason.fromStatus(unavailableWith(322))).isEqualTo(LeaveReason.MEMBERSHIP_LOST);
        assertThat(LeaveReason.fromStatus(unavailableWith(332))).isEqualTo(LeaveReason.ROOM_CLOSED);
        assertThat(LeaveReason.fromStatus(unavailableWith())).isEqualTo(LeaveReason.LEFT);
        // a ban outranks the kick and affiliation codes it may come with
        assertThat(LeaveReason.fromStatus(unavailableWith(301, 307, 321))).isEqualTo(LeaveReason.BANNED);
    }

    @Test
    void removedByRoomIsKickBanOrLostMembership() {
        assertThat(LeaveReason.KICKED.removedByRoom()).isTrue();
        assertThat(LeaveReason.BANNED.removedByRoom()).isTrue();
        assertThat(LeaveReason.MEMBERSHIP_LOST.removedByRoom()).isTrue();
        assertThat(LeaveReason.LEFT.removedByRoom()).isFalse();
        assertThat(LeaveReason.ROOM_CLOSED.removedByRoom()).isFalse();
        assertThat(LeaveReason.GONE_WHILE_DISCONNECTED.removedByRoom()).isFalse();
    }

    private static MucPresence unavailableWith(int... codes) throws DocumentException {
        StringBuilder xml = new StringBuilder("<presence type='unavailable' from='team@conference.example.org/Bob'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'/>");
        for (int code : codes) {
            xml.append("<status code='").append(code).append("'/>");
        }
        return parse(xml.append("</x></presence>").toString());
    }

    @Test
    void nickChange() throws DocumentException {
        MucPresence p = parse("""
                <presence type='unavailable' from='team@conference.example.org/Bob'>
                  <x xmlns='http://jabber.org/protocol/muc#user'>
                    <item affiliation='member' role='participant' jid='bob@example.org/x' nick='Robert'/>
                    <status code='303'/>
                  </x>
                </presence>""");

        assertThat(p.available()).isFalse();
        assertThat(p.statusCodes()).containsExactly(MucStatus.NICK_CHANGED);
        assertThat(p.nick()).isEqualTo("Bob");
        assertThat(p.newNick()).isEqualTo("Robert");
    }

    @Test
    void malformedStatusCodesAreSkipped() throws DocumentException {
        MucPresence p = parse("<presence from='team@conference.example.org/a'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant'/>"
                + "<status code='abc'/><status/><status code=' 110 '/></x></presence>");

        assertThat(p.statusCodes()).containsExactly(110);
    }

    @Test
    void unparsableRealJidIsDropped() throws DocumentException {
        MucPresence p = parse("<presence from='team@conference.example.org/a'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant' "
                + "jid='a@b@c'/></x></presence>");

        assertThat(p).isNotNull();
        assertThat(p.realJid()).isNull();
    }

    @Test
    void errorPresenceWithoutMucUserPayload() throws DocumentException {
        MucPresence p = parse("""
                <presence type='error' from='team@conference.example.org/Call' to='av.example.org/team'>
                  <x xmlns='http://jabber.org/protocol/muc'/>
                  <error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
                </presence>""");

        assertThat(p).isNotNull();
        assertThat(p.isError()).isTrue();
        assertThat(p.error()).isEqualTo(PacketError.Condition.conflict);
        assertThat(p.available()).isFalse();
        assertThat(p.nick()).isEqualTo("Call");
        assertThat(p.affiliation()).isEqualTo(Affiliation.NONE);
    }

    @Test
    void registrationRequiredError() throws DocumentException {
        MucPresence p = parse("<presence type='error' from='team@conference.example.org/Call'>"
                + "<error type='auth'><registration-required xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                + "</presence>");

        assertThat(p.error()).isEqualTo(PacketError.Condition.registration_required);
    }

    @Test
    void nonMucPresenceIsNotParsed() throws DocumentException {
        assertThat(parse("<presence from='team@conference.example.org/Alice'><show>dnd</show></presence>")).isNull();
        assertThat(parse("<presence from='team@conference.example.org/Alice'>"
                + "<x xmlns='http://jabber.org/protocol/muc'/></presence>")).isNull();
        assertThat(parse("<presence from='team@conference.example.org/Alice'>"
                + "<x xmlns='vcard-temp:x:update'><photo/></x></presence>")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<presence from='team@conference.example.org'><x xmlns='http://jabber.org/protocol/muc#user'><item/></x></presence>",
        "<presence from='conference.example.org/x'><x xmlns='http://jabber.org/protocol/muc#user'><item/></x></presence>",
        "<presence><x xmlns='http://jabber.org/protocol/muc#user'><item/></x></presence>",
    })
    void presenceNotFromAnOccupantJidIsNotParsed(String xml) throws DocumentException {
        assertThat(parse(xml)).isNull();
    }

    @Test
    void roomJidIsTheBareFromAddress() throws DocumentException {
        MucPresence p = parse("<presence from='team@conference.example.org/Alice Smith'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant'/></x>"
                + "</presence>");

        assertThat(p.room()).isEqualTo(new JID("team@conference.example.org"));
        assertThat(p.room().getResource()).isNull();
        assertThat(p.nick()).isEqualTo("Alice Smith");
    }

    @Test
    void statusCodesThatSignalAConfigChange() {
        assertThat(MucStatus.signalsConfigChange(104)).isTrue();
        assertThat(MucStatus.signalsConfigChange(170)).isTrue();
        assertThat(MucStatus.signalsConfigChange(172)).isTrue();
        assertThat(MucStatus.signalsConfigChange(173)).isTrue();
        assertThat(MucStatus.signalsConfigChange(174)).isTrue();
        assertThat(MucStatus.signalsConfigChange(110)).isFalse();
        assertThat(MucStatus.signalsConfigChange(175)).isFalse();
        assertThat(MucStatus.signalsConfigChange(-1)).isFalse();
    }
}
