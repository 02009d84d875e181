package org.chorus.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.IQReplyFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatException;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * A logged-in Smack client of a {@link ProsodyServer}, with helpers for rooms and raw IQs. Connects to
 * 127.0.0.1 without TLS and sends initial available presence on login. Automatic reconnection is off.
 */
public final class XmppTestClient implements AutoCloseable {

    /** Reply timeout for every request of the connection, and for {@link #sendIqAndWait(IQ)}. */
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    private final ProsodyServer server;
    private final XMPPTCPConnection connection;

    private XmppTestClient(ProsodyServer server, XMPPTCPConnection connection) {
        this.server = server;
        this.connection = connection;
    }

    /** Connects and logs in as {@code user@server.domain()/resource}. */
    public static XmppTestClient connect(ProsodyServer server, String user, String password, String resource) {
        XMPPTCPConnection connection = null;
        try {
            XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(server.domain())
                    .setHostAddress(InetAddress.getByName(server.host()))
                    .setPort(server.c2sPort())
                    .setSecurityMode(SecurityMode.disabled)
                    .setUsernameAndPassword(user, password)
                    .setResource(resource)
                    .setSendPresence(true)
                    .setConnectTimeout((int) REPLY_TIMEOUT.toMillis())
                    .build();
            connection = new XMPPTCPConnection(config);
            connection.setReplyTimeout(REPLY_TIMEOUT.toMillis());
            ReconnectionManager.getInstanceFor(connection).disableAutomaticReconnection();
            connection.connect().login();
            return new XmppTestClient(server, connection);
        } catch (XMPPException | SmackException | IOException e) {
            if (connection != null) {
                connection.disconnect();
            }
            throw new IllegalStateException("Cannot log in as " + user + "@" + server.domain() + "/" + resource
                    + " on port " + server.c2sPort() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting", e);
        }
    }

    /** Connects and logs in as {@code account}. */
    public static XmppTestClient connect(ProsodyServer server, ProsodyServer.Account account, String resource) {
        return connect(server, account.username(), account.password(), resource);
    }

    /** Registers a fresh user (name starting with {@code prefix}), then connects with resource {@code test}. */
    public static XmppTestClient connectNewUser(ProsodyServer server, String prefix) {
        return connect(server, server.newUser(prefix), "test");
    }

    public XMPPTCPConnection connection() {
        return connection;
    }

    public ProsodyServer server() {
        return server;
    }

    /** The full JID bound at login. */
    public EntityFullJid jid() {
        return connection.getUser();
    }

    public EntityBareJid bareJid() {
        return connection.getUser().asEntityBareJid();
    }

    // ---------------------------------------------------------------------------------------------
    // Rooms

    /** {@code roomLocalpart@server.mucDomain()} */
    public EntityBareJid roomJid(String roomLocalpart) {
        return entityBareJid(roomLocalpart + "@" + server.mucDomain());
    }

    /** The Smack handle of a room on the server's MUC service (joined or not). */
    public MultiUserChat room(String roomLocalpart) {
        return MultiUserChatManager.getInstanceFor(connection).getMultiUserChat(roomJid(roomLocalpart));
    }

    /**
     * Creates (and joins as owner) a persistent, members-only, non-anonymous room, then makes
     * {@code members} (bare JIDs) members.
     */
    public MultiUserChat createMembersOnlyRoom(String roomLocalpart, String nick, Collection<? extends Jid> members) {
        MultiUserChat muc = createRoom(roomLocalpart, nick, form -> {
            form.setAnswer("muc#roomconfig_membersonly", true);
            form.setAnswer("muc#roomconfig_whois", "anyone");
            form.setAnswer("muc#roomconfig_persistentroom", true);
        });
        if (!members.isEmpty()) {
            try {
                // Prosody 0.12 applies only the first item of a muc#admin set, so one IQ per member
                for (Jid member : members) {
                    muc.grantMembership(member);
                }
            } catch (XMPPException | SmackException e) {
                throw new IllegalStateException("Cannot grant membership of " + muc.getRoom() + " to " + members, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return muc;
    }

    /** Creates (and joins as owner) a persistent open, semi-anonymous room. */
    public MultiUserChat createOpenRoom(String roomLocalpart, String nick) {
        return createRoom(roomLocalpart, nick, form -> {
            form.setAnswer("muc#roomconfig_membersonly", false);
            form.setAnswer("muc#roomconfig_whois", "moderators");
            form.setAnswer("muc#roomconfig_persistentroom", true);
        });
    }

    /**
     * Creates (and joins as owner) a new room: the room's configuration form is fetched, passed to
     * {@code configurer} for answers, and submitted (which also unlocks the room).
     */
    public MultiUserChat createRoom(String roomLocalpart, String nick, Consumer<FillableForm> configurer) {
        MultiUserChat muc = room(roomLocalpart);
        try {
            muc.create(resourcepart(nick));
            FillableForm form = muc.getConfigurationForm().getFillableForm();
            configurer.accept(form);
            muc.sendConfigurationForm(form);
            return muc;
        } catch (XMPPException | SmackException e) {
            throw new IllegalStateException("Cannot create room " + muc.getRoom() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Joins an existing room. Errors from the room (e.g. registration-required for a members-only room)
     * are thrown as {@link XMPPException.XMPPErrorException}.
     */
    public MultiUserChat joinRoom(String roomLocalpart, String nick)
            throws XMPPException.XMPPErrorException, SmackException.NoResponseException {
        MultiUserChat muc = room(roomLocalpart);
        try {
            muc.join(resourcepart(nick));
            return muc;
        } catch (SmackException.NotConnectedException | MultiUserChatException.NotAMucServiceException e) {
            throw new IllegalStateException("Cannot join " + muc.getRoom() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** disco#info of {@code jid} (e.g. a room). */
    public DiscoverInfo discoverInfo(Jid jid) {
        try {
            return ServiceDiscoveryManager.getInstanceFor(connection).discoverInfo(jid);
        } catch (XMPPException | SmackException e) {
            throw new IllegalStateException("disco#info of " + jid + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Raw IQs

    /**
     * Sends {@code iq} (type get or set) and returns the response, of type result or error; error responses
     * are returned, not thrown. Throws {@link IllegalStateException} if no response arrives within
     * {@link #REPLY_TIMEOUT}.
     */
    public IQ sendIqAndWait(IQ iq) {
        try (StanzaCollector collector =
                     connection.createStanzaCollectorAndSend(new IQReplyFilter(iq, connection), iq)) {
            IQ response = collector.nextResult(REPLY_TIMEOUT.toMillis());
            if (response == null) {
                throw new IllegalStateException("No response within " + REPLY_TIMEOUT + " to " + iq.toXML());
            }
            return response;
        } catch (SmackException.NotConnectedException e) {
            throw new IllegalStateException("Not connected", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Disconnects (sending unavailable presence if still connected). Idempotent. */
    @Override
    public void close() {
        if (connection.isConnected()) {
            connection.disconnect();
        }
    }

    @Override
    public String toString() {
        return "XmppTestClient[" + (connection.isAuthenticated() ? jid() : "not logged in") + "]";
    }

    // ---------------------------------------------------------------------------------------------

    static EntityBareJid entityBareJid(String jid) {
        try {
            return JidCreate.entityBareFrom(jid);
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException("Not a bare JID: " + jid, e);
        }
    }

    static Resourcepart resourcepart(String nick) {
        try {
            return Resourcepart.from(nick);
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException("Not a valid nickname: " + nick, e);
        }
    }

    /** Bare JIDs of the accounts, e.g. for {@link #createMembersOnlyRoom(String, String, Collection)}. */
    public static List<EntityBareJid> bareJids(ProsodyServer.Account... accounts) {
        return Arrays.stream(accounts).map(a -> entityBareJid(a.jid())).toList();
    }
}
