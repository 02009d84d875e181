package org.chorus.jingle.client;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.JingleConverter;
import org.chorus.jingle.MalformedJingleException;
import org.chorus.jingle.SessionDescription;
import org.chorus.media.MediaLeg;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.ice.SharedUdpPort;
import org.chorus.media.rtp.Rtcp;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our call to a conference (XEP-0521, PROTOCOL.md §5): the session that carries our audio and video
 * to the conference. We are the Jingle initiator and the controlling ICE agent; the DTLS role follows
 * the conference's answer ('active' makes us the DTLS server, 'passive' the client).
 *
 * <h2>Sending</h2>
 * {@link #sendRtp} and {@link #sendRtcp} copy the packet into a pooled buffer with room for the SRTP
 * tag and leave the caller's array alone. {@link #sendRtpInPlace} and {@link #sendRtcpInPlace} save
 * the copy: they encrypt the caller's array in place and therefore need 64 spare bytes after the
 * packet ({@link IllegalArgumentException} otherwise). All of them may be called from any thread and
 * return false, dropping the packet, before the session is {@link SessionState#SECURE} and after it
 * ended.
 *
 * <h2>Receiving</h2>
 * The conference sends RTCP on this session (receiver reports, PLI, FIR, NACK, REMB). The listener
 * gets every compound packet ({@link ConferenceClient.Listener#onFeedback}), and parsed: keyframe
 * requests ({@link ConferenceClient.Listener#onKeyframeRequest}, one per PLI and per FIR entry), NACKs
 * ({@link ConferenceClient.Listener#onNack}) and REMB bitrates
 * ({@link ConferenceClient.Listener#onBandwidthEstimate}), on the media thread.
 */
public final class SendingSession extends ClientSession {

    private static final Logger LOG = LoggerFactory.getLogger(SendingSession.class);

    private final LocalStreams streams;
    private final SessionDescription offer;
    private volatile SessionDescription answer;
    private final CompletableFuture<SessionDescription> accepted = new CompletableFuture<>();

    private SendingSession(ConferenceClient client, String sid, Jid conference, SharedUdpPort port,
            LocalStreams streams) throws IOException {
        // a conference answers our actpass with 'active' (the browsers' choice too), making us the DTLS server
        super(client, sid, conference, port, "join " + sid, MediaLeg.Start.offering(DtlsRole.SERVER), SessionState.PENDING);
        this.streams = streams;
        this.offer = ClientDescriptions.joinOffer(streams, localTransport(DtlsSetup.ACTPASS));
    }

    /** Creates the session and its offer; ICE is controlling. The caller closes the port on failure. */
    static SendingSession create(ConferenceClient client, String sid, Jid conference, SharedUdpPort port,
            LocalStreams streams) throws IOException {
        return new SendingSession(client, sid, conference, port, streams);
    }

    /** What we send. */
    public LocalStreams streams() {
        return streams;
    }

    /** The description of our session-initiate. */
    public SessionDescription offer() {
        return offer;
    }

    /** The conference's session-accept, once it came. */
    public Optional<SessionDescription> answer() {
        return Optional.ofNullable(answer);
    }

    /** Completes with the conference's answer; exceptionally when the session ends before. */
    public CompletableFuture<SessionDescription> accepted() {
        return accepted;
    }

    /** Sends a copy of an RTP packet (at most 1500 bytes); the caller's array is not changed. */
    public boolean sendRtp(byte[] buffer, int offset, int length) {
        return sendCopy(buffer, offset, length, false);
    }

    /** Sends a copy of an RTCP (compound) packet (at most 1500 bytes); the caller's array is not changed. */
    public boolean sendRtcp(byte[] buffer, int offset, int length) {
        return sendCopy(buffer, offset, length, true);
    }

    /**
     * Encrypts an RTP packet in the caller's array and sends it: the array holds SRTP afterwards.
     *
     * @throws IllegalArgumentException if fewer than 64 bytes follow the packet in the array
     */
    public boolean sendRtpInPlace(byte[] buffer, int offset, int length) {
        return sendInPlace(buffer, offset, length, false);
    }

    /**
     * Encrypts an RTCP packet in the caller's array and sends it: the array holds SRTCP afterwards.
     *
     * @throws IllegalArgumentException if fewer than 64 bytes follow the packet in the array
     */
    public boolean sendRtcpInPlace(byte[] buffer, int offset, int length) {
        return sendInPlace(buffer, offset, length, true);
    }

    // ---- Jingle ------------------------------------------------------------------------------------

    /** The conference's session-accept, on Smack's thread. */
    IQ onAccept(JingleIQ iq) {
        if (state() != SessionState.PENDING) {
            return ConferenceClient.outOfOrder(iq, "the session is " + state());
        }
        SessionDescription description;
        try {
            description = JingleConverter.readSession(iq);
        } catch (MalformedJingleException e) {
            end(Reason.FAILED_APPLICATION.toString(), "unreadable session-accept: " + e.getMessage(), false, true);
            return ConferenceClient.badRequest(iq, e.getMessage());
        }
        Optional<ClientDescriptions.Problem> problem = ClientDescriptions.checkAnswer(offer, description);
        if (problem.isPresent()) {
            LOG.info("{}: refusing the session-accept: {}", this, problem.get().text());
            end(problem.get().reason().toString(), problem.get().text(), false, true);
            return IQ.createResultIQ(iq);
        }
        answer = description;
        startMedia(description.transport(), ClientDescriptions.roleFromAnswer(description));
        accepted.complete(description);
        return IQ.createResultIQ(iq);
    }

    @Override
    void onEnded(String reason, String text) {
        accepted.completeExceptionally(ConferenceException.terminated(reason, text));
    }

    // ---- media -------------------------------------------------------------------------------------

    @Override
    void handleRtp(byte[] buffer, int offset, int length) {
        // The conference sends no media on our sending session.
    }

    @Override
    void handleRtcp(byte[] buffer, int offset, int length) {
        ConferenceClient.Listener listener = client.listener();
        try {
            listener.onFeedback(this, buffer, offset, length);
        } catch (RuntimeException e) {
            LOG.warn("{}: the listener failed on RTCP", this, e);
        }
        Rtcp.forEach(buffer, offset, length, (buf, off, len, type, count) -> {
            try {
                if (Rtcp.isPli(buf, off, len)) {
                    listener.onKeyframeRequest(this, Rtcp.mediaSsrc(buf, off) & 0xFFFF_FFFFL);
                } else if (Rtcp.isFir(buf, off, len)) {
                    for (int i = 0, n = Rtcp.firEntryCount(buf, off, len); i < n; i++) {
                        listener.onKeyframeRequest(this, Rtcp.firSsrc(buf, off, i) & 0xFFFF_FFFFL);
                    }
                } else if (Rtcp.isNack(buf, off, len)) {
                    listener.onNack(this, Rtcp.mediaSsrc(buf, off) & 0xFFFF_FFFFL, Rtcp.nackLost(buf, off, len));
                } else if (Rtcp.isRemb(buf, off, len)) {
                    listener.onBandwidthEstimate(this, Rtcp.rembBitrate(buf, off));
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: the listener failed on feedback", this, e);
            }
            return true;
        });
    }

    @Override
    void notifyEnded(String reason) {
        try {
            client.listener().onSendingSessionEnded(this, reason);
        } catch (RuntimeException e) {
            LOG.warn("{}: the listener failed", this, e);
        }
    }
}
