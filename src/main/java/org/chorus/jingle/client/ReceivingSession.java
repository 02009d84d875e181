package org.chorus.jingle.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.chorus.jingle.ConferenceInfo;
import org.chorus.jingle.ConferenceUser;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.MediaType;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.Source;
import org.chorus.jingle.SourceGroup;
import org.chorus.media.MediaLeg;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.ice.SharedUdpPort;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.rtp.Rtcp;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forwarding session (PROTOCOL.md §6): the conference calls us with one other participant's
 * media. We are the Jingle responder and the controlled ICE agent, and we answer
 * {@code setup='active'}, so we are the DTLS client (to an 'active' offer we answer 'passive').
 *
 * <p>COIN's {@code <user entity='xmpp:…'>} names the publisher: {@link #publisher()} is its bare JID,
 * {@link #nick()} its display text. {@link #sources()} are the SSRCs the conference announced.
 *
 * <p>Decrypted RTP and RTCP go to {@link ConferenceClient.Listener#onRtp} and
 * {@link ConferenceClient.Listener#onRtcp} on the media thread, in the receive buffer, which is only
 * valid during the call. {@link #terminate()} declines the stream: the conference does not offer it
 * again in this call.
 */
public final class ReceivingSession extends ClientSession {

    private static final Logger LOG = LoggerFactory.getLogger(ReceivingSession.class);
    private static final String XMPP_URI = "xmpp:";

    private final SessionDescription offer;
    private final String publisherEntity;
    private final EntityBareJid publisher;
    private final String nick;
    private volatile SessionDescription answer;

    private ReceivingSession(ConferenceClient client, String sid, Jid conference, SharedUdpPort port,
            SessionDescription offer) throws IOException {
        // the role of our answer is settled when media starts; we answer 'active' as the browsers do
        super(client, sid, conference, port, "receive " + sid, MediaLeg.Start.answering(DtlsRole.CLIENT),
                SessionState.CONNECTING);
        this.offer = offer;
        ConferenceUser user = firstUser(offer.conferenceInfo());
        this.publisherEntity = user == null ? null : user.entity();
        this.publisher = user == null ? null : bareJidOf(user.entity());
        this.nick = user == null ? null : user.displayText();
    }

    /** Creates the session for an offer; ICE is controlled. The caller closes the port on failure. */
    static ReceivingSession create(ConferenceClient client, String sid, Jid conference, SharedUdpPort port,
            SessionDescription offer) throws IOException {
        return new ReceivingSession(client, sid, conference, port, offer);
    }

    /** The publisher's bare JID, from COIN's {@code <user entity='xmpp:…'/>}; empty without one. */
    public Optional<EntityBareJid> publisher() {
        return Optional.ofNullable(publisher);
    }

    /** The COIN user entity as sent (such as {@code xmpp:alice@example.org}); empty without one. */
    public Optional<String> publisherEntity() {
        return Optional.ofNullable(publisherEntity);
    }

    /** The publisher's nick in the room, COIN's display text; empty without one. */
    public Optional<String> nick() {
        return Optional.ofNullable(nick);
    }

    /** The conference's session-initiate. */
    public SessionDescription offer() {
        return offer;
    }

    /** Our session-accept, once built. */
    public Optional<SessionDescription> answer() {
        return Optional.ofNullable(answer);
    }

    /** Every source the conference announced, over all contents. */
    public List<Source> sources() {
        List<Source> sources = new ArrayList<>();
        offer.contents().forEach(content -> sources.addAll(content.sources()));
        return List.copyOf(sources);
    }

    /** The SSRCs the conference announced, over all contents. */
    public Set<Long> ssrcs() {
        Set<Long> ssrcs = new HashSet<>();
        offer.contents().forEach(content -> content.sources().forEach(source -> ssrcs.add(source.ssrc())));
        return Set.copyOf(ssrcs);
    }

    /** The audio SSRC, when an audio content announced one. */
    public OptionalLong audioSsrc() {
        return primarySsrc(MediaType.AUDIO);
    }

    /** The video SSRC (not its rtx), when a video content announced one. */
    public OptionalLong videoSsrc() {
        return primarySsrc(MediaType.VIDEO);
    }

    /**
     * Asks for a keyframe: sends a PLI for {@link #videoSsrc()}. Returns false when there is no video
     * SSRC, or the session is not {@link SessionState#SECURE}.
     */
    public boolean requestKeyframe() {
        OptionalLong video = videoSsrc();
        if (video.isEmpty() || state() != SessionState.SECURE) {
            return false;
        }
        PacketBuffer packet = client.media().buffers().acquire();
        try {
            int length = Rtcp.writePli(packet.array(), PacketBuffer.HEADROOM, client.rtcpSsrc(), (int) video.getAsLong());
            packet.setOffsetAndLength(PacketBuffer.HEADROOM, length);
            return sendInPlace(packet.array(), packet.offset(), packet.length(), true);
        } finally {
            packet.release();
        }
    }

    /** Sends a copy of an RTCP packet (such as a NACK or a receiver report) to the conference. */
    public boolean sendRtcp(byte[] buffer, int offset, int length) {
        return sendCopy(buffer, offset, length, true);
    }

    // ---- for the client ----------------------------------------------------------------------------

    void setAnswer(SessionDescription description) {
        this.answer = description;
    }

    @Override
    void handleRtp(byte[] buffer, int offset, int length) {
        try {
            client.listener().onRtp(this, buffer, offset, length);
        } catch (RuntimeException e) {
            LOG.warn("{}: the listener failed on RTP", this, e);
        }
    }

    @Override
    void handleRtcp(byte[] buffer, int offset, int length) {
        try {
            client.listener().onRtcp(this, buffer, offset, length);
        } catch (RuntimeException e) {
            LOG.warn("{}: the listener failed on RTCP", this, e);
        }
    }

    @Override
    void notifyEnded(String reason) {
        try {
            client.listener().onReceivingSessionEnded(this, reason);
        } catch (RuntimeException e) {
            LOG.warn("{}: the listener failed", this, e);
        }
    }

    private OptionalLong primarySsrc(MediaType media) {
        for (MediaContent content : offer.contents()) {
            if (content.media() != media) {
                continue;
            }
            Set<Long> secondary = new HashSet<>();
            for (SourceGroup group : content.sourceGroups()) {
                if (group.is(SourceGroup.FID) && group.ssrcs().size() > 1) {
                    secondary.addAll(group.ssrcs().subList(1, group.ssrcs().size()));
                }
            }
            for (Source source : content.sources()) {
                if (!secondary.contains(source.ssrc())) {
                    return OptionalLong.of(source.ssrc());
                }
            }
        }
        return OptionalLong.empty();
    }

    private static ConferenceUser firstUser(ConferenceInfo info) {
        return info == null || info.users().isEmpty() ? null : info.users().get(0);
    }

    /** The bare JID of an {@code xmpp:} URI (or of a plain JID); null when it is neither. */
    static EntityBareJid bareJidOf(String entity) {
        if (entity == null) {
            return null;
        }
        String jid = entity.regionMatches(true, 0, XMPP_URI, 0, XMPP_URI.length())
                ? entity.substring(XMPP_URI.length()) : entity;
        int query = jid.indexOf('?');
        if (query >= 0) {
            jid = jid.substring(0, query);
        }
        if (jid.startsWith("//")) { // an authority part, xmpp://guest@example.com/… (RFC 5122); not a target
            return null;
        }
        try {
            return JidCreate.from(jid).asEntityBareJidIfPossible();
        } catch (XmppStringprepException | IllegalArgumentException e) {
            LOG.debug("COIN user entity {} is not a JID", entity);
            return null;
        }
    }
}
