package org.chorus.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.muc.MUCAffiliation;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.Occupant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

@ExtendWith(ProsodyExtension.class)
class ProsodyServerTest {

    private final ProsodyServer prosody;

    ProsodyServerTest(ProsodyServer prosody) {
        this.prosody = prosody;
    }

    @Test
    void membersOnlyNonAnonymousRoom() throws Exception {
        ProsodyServer.Account owner = prosody.newUser("owner");
        ProsodyServer.Account member = prosody.newUser("member");
        ProsodyServer.Account outsider = prosody.newUser("outsider");

        try (XmppTestClient ownerClient = XmppTestClient.connect(prosody, owner, "desk");
             XmppTestClient memberClient = XmppTestClient.connect(prosody, member, "phone");
             XmppTestClient outsiderClient = XmppTestClient.connect(prosody, outsider, "laptop")) {

            assertThat(ownerClient.jid().toString()).isEqualTo(owner.jid() + "/desk");

            MultiUserChat ownerRoom = ownerClient.createMembersOnlyRoom("standup", "Owner",
                    XmppTestClient.bareJids(member));
            EntityBareJid roomJid = ownerRoom.getRoom();
            assertThat(roomJid.toString()).isEqualTo("standup@" + prosody.mucDomain());
            assertThat(ownerRoom.getMembers()).extracting(a -> a.getJid().toString())
                    .containsExactly(member.jid());

            DiscoverInfo info = memberClient.discoverInfo(roomJid);
            assertThat(info.getFeatures()).extracting(DiscoverInfo.Feature::getVar)
                    .contains("http://jabber.org/protocol/muc", "muc_membersonly", "muc_nonanonymous",
                            "muc_persistent");

            MultiUserChat memberRoom = memberClient.joinRoom("standup", "Member");
            assertThat(memberRoom.isJoined()).isTrue();
            Occupant ownerSeenByMember = memberRoom.getOccupant(JidCreate.entityFullFrom(roomJid + "/Owner"));
            assertThat(ownerSeenByMember).isNotNull();
            assertThat((Object) ownerSeenByMember.getJid()).isEqualTo(ownerClient.jid());
            assertThat(ownerSeenByMember.getAffiliation()).isEqualTo(MUCAffiliation.owner);

            XMPPException.XMPPErrorException refused = catchThrowableOfType(
                    XMPPException.XMPPErrorException.class, () -> outsiderClient.joinRoom("standup", "Outsider"));
            assertThat(refused).as("a non-member must not enter").isNotNull();
            assertThat(refused.getStanzaError().getCondition())
                    .isIn(StanzaError.Condition.registration_required, StanzaError.Condition.forbidden);

            // sendIqAndWait returns error responses instead of throwing
            DiscoverInfo missingRoom = DiscoverInfo.builder("disco-missing")
                    .to(JidCreate.entityBareFrom("no-such-room@" + prosody.mucDomain()))
                    .ofType(IQ.Type.get)
                    .build();
            IQ response = outsiderClient.sendIqAndWait(missingRoom);
            assertThat(response.getType()).isEqualTo(IQ.Type.error);
            assertThat(response.getError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
        }
    }

    @Test
    void openRoomIsSemiAnonymous() throws Exception {
        try (XmppTestClient owner = XmppTestClient.connectNewUser(prosody, "host");
             XmppTestClient guest = XmppTestClient.connectNewUser(prosody, "guest")) {
            owner.createOpenRoom("lobby", "Host");
            DiscoverInfo info = guest.discoverInfo(owner.roomJid("lobby"));
            assertThat(info.containsFeature("muc_open")).isTrue();
            assertThat(info.containsFeature("muc_semianonymous")).isTrue();

            MultiUserChat guestRoom = guest.joinRoom("lobby", "Guest");
            Occupant host = guestRoom.getOccupant(JidCreate.entityFullFrom(owner.roomJid("lobby") + "/Host"));
            assertThat(host).isNotNull();
            assertThat((Object) host.getJid()).as("real JIDs are hidden from participants").isNull();
        }
    }

    @Test
    void componentCanAuthenticate() throws Exception {
        try (RawComponent component = RawComponent.connect(prosody)) {
            assertThat(component.streamId()).isNotBlank();
        }
    }

    @Test
    void componentDomainIsOwnerOfEveryRoom() throws Exception {
        ProsodyServer.Account member = prosody.newUser("m");
        try (XmppTestClient owner = XmppTestClient.connectNewUser(prosody, "o");
             RawComponent component = RawComponent.connect(prosody)) {
            owner.createMembersOnlyRoom("guarded", "Owner", XmppTestClient.bareJids(member));
            String room = owner.roomJid("guarded").toString();

            // from the bare component domain (any resource): a server admin, hence owner of the room
            component.send("<presence from='" + prosody.componentDomain() + "/focus' to='" + room + "/focus'>"
                    + "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
            String received = component.readUntil(Pattern.compile(
                    "<presence[^>]*from=['\"]" + Pattern.quote(room + "/focus") + "['\"][\\s\\S]*?</presence>"));
            String selfPresence = received.substring(received.lastIndexOf("<presence"));
            assertThat(selfPresence).contains("affiliation='owner'").contains("code='110'")
                    .doesNotContain("type='error'");

            // a user JID on the component domain is not an admin: a members-only room refuses it
            component.send("<presence from='agent@" + prosody.componentDomain() + "/x' to='" + room + "/agent'>"
                    + "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
            String refused = component.readUntil(Pattern.compile(
                    "<presence[^>]*type=['\"]error['\"][\\s\\S]*?</presence>"));
            assertThat(refused).contains("registration-required");
        }
    }

    @Test
    void restartKeepsAccountsAndRooms() throws Exception {
        ProsodyServer.Account owner = prosody.newUser("restarter");
        ProsodyServer.Account member = prosody.newUser("rejoiner");
        XmppTestClient before = XmppTestClient.connect(prosody, owner, "before");
        try {
            before.createMembersOnlyRoom("durable", "Owner", XmppTestClient.bareJids(member));
            long pidBefore = prosody.pid().orElseThrow();

            prosody.restart();

            assertThat(prosody.isRunning()).isTrue();
            assertThat(prosody.pid()).isPresent().get().isNotEqualTo(pidBefore);
            await().atMost(Duration.ofSeconds(10)).until(() -> !before.connection().isConnected());
        } finally {
            before.close();
        }

        try (XmppTestClient after = XmppTestClient.connect(prosody, member, "after")) {
            DiscoverInfo info = after.discoverInfo(after.roomJid("durable"));
            assertThat(info.containsFeature("muc_membersonly")).isTrue();
            assertThat(info.containsFeature("muc_nonanonymous")).isTrue();
            assertThat(after.joinRoom("durable", "Member").isJoined()).isTrue();
        }
    }

    @Test
    void killThenRestart() {
        ProsodyServer.Account account = prosody.newUser("survivor");
        prosody.kill();
        assertThat(prosody.isRunning()).isFalse();
        prosody.restart();
        try (XmppTestClient client = XmppTestClient.connect(prosody, account, "again")) {
            assertThat(client.connection().isAuthenticated()).isTrue();
        }
    }

    @Test
    void standaloneServerWithoutMam() throws Exception {
        Path workDir;
        ProcessHandle process;
        try (ProsodyServer server = ProsodyServer.start(ProsodyServer.Options.builder()
                .mam(false).componentSecret("fixed-secret").keepFiles(false).build())) {
            workDir = server.workDir();
            process = ProcessHandle.of(server.pid().orElseThrow()).orElseThrow();
            assertThat(server.componentSecret()).isEqualTo("fixed-secret");
            assertThat(Files.readString(server.configFile()))
                    .contains("component_secret = \"fixed-secret\"")
                    .doesNotContain("muc_mam");
            assertThat(server.c2sPort()).isNotEqualTo(prosody.c2sPort());

            try (XmppTestClient client = XmppTestClient.connectNewUser(server, "solo")) {
                assertThat(client.discoverInfo(JidCreate.domainBareFrom(server.mucDomain()))
                        .containsFeature("urn:xmpp:mam:2")).isFalse();
            }
            server.stop();
            server.stop(); // idempotent
            assertThat(process.isAlive()).isFalse();
        }
        assertThat(workDir).doesNotExist();
    }

    @Test
    void mucServiceAdvertisesMamWhenEnabled() throws Exception {
        try (XmppTestClient client = XmppTestClient.connectNewUser(prosody, "mam")) {
            client.createOpenRoom("archived", "Me");
            assertThat(client.discoverInfo(client.roomJid("archived")).containsFeature("urn:xmpp:mam:2")).isTrue();
        }
        assertThat(List.of(prosody.logFile(), prosody.configFile(), prosody.pidFile())).allMatch(Files::exists);
    }

    /** A minimal XEP-0114 client: stream, handshake, raw send and pattern-matched receive. */
    private static final class RawComponent implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final StringBuilder received = new StringBuilder();
        private String streamId;

        private RawComponent(Socket socket) throws Exception {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static RawComponent connect(ProsodyServer prosody) throws Exception {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(prosody.host(), prosody.componentPort()), 5000);
            socket.setSoTimeout(10_000);
            RawComponent c = new RawComponent(socket);
            c.send("<stream:stream xmlns='jabber:component:accept'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='" + prosody.componentDomain() + "'>");
            String header = c.readUntil(Pattern.compile("<stream:stream[^>]*>"));
            Matcher id = Pattern.compile("\\sid=['\"]([^'\"]+)['\"]").matcher(header);
            assertThat(id.find()).as("stream id in %s", header).isTrue();
            c.streamId = id.group(1);
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((c.streamId + prosody.componentSecret()).getBytes(StandardCharsets.UTF_8));
            c.send("<handshake>" + HexFormat.of().formatHex(digest) + "</handshake>");
            String reply = c.readUntil(Pattern.compile("<handshake\\s*/>|<handshake>\\s*</handshake>|</stream:"));
            assertThat(reply).doesNotContain("stream:error").containsPattern("<handshake\\s*/?>");
            return c;
        }

        String streamId() {
            return streamId;
        }

        void send(String xml) throws Exception {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Reads until {@code pattern} matches the unconsumed input; returns and consumes up to the match end. */
        String readUntil(Pattern pattern) throws Exception {
            byte[] buffer = new byte[4096];
            while (true) {
                Matcher m = pattern.matcher(received);
                if (m.find()) {
                    String upTo = received.substring(0, m.end());
                    received.delete(0, m.end());
                    return upTo;
                }
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IllegalStateException("Stream closed; received: " + received);
                }
                received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
