package org.chorus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.gateway.Calls.jid;

import java.util.List;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** disco#info on a conference JID: the call state form is for the room's members only (PROTOCOL.md §2). */
@ExtendWith(ProsodyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoVisibilityEndToEndTest {
    private static final String FORM_TYPE = "urn:xmpp:jingle:av-conferences:0#info";

    private final ProsodyServer server;
    private XmppTestClient owner;
    private XmppTestClient member;
    private XmppTestClient stranger;
    private GatewayFixture gateway;
    private String conference;

    DiscoVisibilityEndToEndTest(ProsodyServer server) {
        this.server = server;
    }

    @BeforeAll
    void setUp() throws Exception {
        owner = XmppTestClient.connectNewUser(server, "owner");
        member = XmppTestClient.connectNewUser(server, "member");
        stranger = XmppTestClient.connectNewUser(server, "stranger");
        owner.createMembersOnlyRoom("team", "owner", List.of(member.bareJid()));
        gateway = GatewayFixture.start(server, List.of("team"));
        conference = "team@" + server.componentDomain();
    }

    @AfterAll
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
        for (XmppTestClient c : new XmppTestClient[] {owner, member, stranger}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aMemberSeesTheCallState() {
        DiscoverInfo info = member.discoverInfo(jid(conference));

        assertThat(info.hasIdentity("conference", "audio-video")).isTrue();
        DataForm form = DataForm.from(info, FORM_TYPE);
        assertThat(form).as("call state form for a member").isNotNull();
        assertThat(form.getField("participants").getFirstValue()).isEqualTo("0");
    }

    @Test
    void aStrangerSeesIdentityAndFeaturesOnly() {
        DiscoverInfo info = stranger.discoverInfo(jid(conference));

        assertThat(info.hasIdentity("conference", "audio-video")).isTrue();
        assertThat(info.containsFeature("urn:xmpp:jingle:av-conferences:0")).isTrue();
        assertThat(DataForm.from(info, FORM_TYPE)).as("call state form for a stranger").isNull();
        assertThat(info.getExtensions(DataForm.class)).as("any form for a stranger").isEmpty();
    }
}
