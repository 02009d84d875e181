package org.chorus.jingle.client;

import org.chorus.jingle.IceCandidates;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.chorus.jingle.JingleCandidate;
import org.chorus.jingle.CodecPolicy;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.ForwardingOffer;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.JingleConverter;
import org.chorus.jingle.JingleMessages;
import org.chorus.jingle.JingleStanzas;
import org.chorus.jingle.LocalTransport;
import org.chorus.jingle.MalformedJingleException;
import org.chorus.jingle.NegotiatedSession;
import org.chorus.jingle.Negotiation;
import org.chorus.jingle.NegotiationResult;
import org.chorus.jingle.ReceiverMapping;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.TransportUpdate;
import org.chorus.media.SecureTransport;
import org.chorus.media.dtls.DtlsCertificate;
import org.chorus.media.dtls.DtlsFingerprint;
import org.chorus.media.dtls.DtlsRole;
import org.chorus.media.dtls.DtlsWorkers;
import org.chorus.media.ice.IceSession;
import org.chorus.media.ice.IceSettings;
import org.chorus.media.ice.SharedUdpPort;
import org.chorus.media.rtp.BufferPool;
import org.chorus.media.rtp.PacketBuffer;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;
import org.chorus.media.srtp.SrtpProfile;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.Reason;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jxmpp.jid.Jid;

/**
 * A small stand-in for the gateway, played by an ordinary XMPP account: it answers a member's call
 * with a session-accept (gateway-side {@link Negotiation}, as the gateway does), calls other members
 * with forwarding sessions carrying COIN, relays RTP from a publisher to its receivers and RTCP from
 * the receivers back to the publisher. Just enough to drive {@link ConferenceClient} end to end.
 */
final class FakeConference implements AutoCloseable {

    /** One Jingle session of the conference. */
    static final class Leg {
        final String sid;
        final Jid peer;
        final IceSession ice;
        final LocalTransport local;
        volatile SecureTransport secure;
        /** For a member's call: what was negotiated with it. */
        volatile NegotiatedSession publisher;
        /** For a forwarding session: the offer, and the receiver's mapping once it accepted. */
        volatile ForwardingOffer offer;
        volatile ReceiverMapping mapping;
        volatile Leg source;
        final CompletableFuture<Void> secured = new CompletableFuture<>();
        final List<Leg> receivers = new CopyOnWriteArrayList<>();

        Leg(String sid, Jid peer, IceSession ice, LocalTransport local) {
            this.sid = sid;
            this.peer = peer;
            this.ice = ice;
            this.local = local;
        }
    }

    /** A session-terminate the conference received. */
    record Terminate(String sid, Jid from, String reason, String text) {
    }

    /** RTCP a receiver sent, copied. */
    record ReceivedRtcp(String sid, byte[] packet) {
    }

    private final XmppTestClient xmpp;
    private final SharedUdpPort port;
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final DtlsWorkers dtlsWorkers = new DtlsWorkers("fake-conference-dtls", 4);
    private final Negotiation negotiation = Negotiation.withDefaults();
    private final BufferPool pool = new BufferPool(64);
    private final String callId = UUID.randomUUID().toString();
    private final Map<String, Leg> legs = new ConcurrentHashMap<>();
    private final IQRequestHandler handler;

    final BlockingQueue<Leg> calls = new LinkedBlockingQueue<>();
    final BlockingQueue<Terminate> terminates = new LinkedBlockingQueue<>();
    final BlockingQueue<ReceivedRtcp> rtcpFromReceivers = new LinkedBlockingQueue<>();

    /** When set, a member's session-initiate gets this IQ error. */
    volatile StanzaError.Condition refuseWith;
    /** When set, a member's call is acknowledged and then terminated with this reason. */
    volatile Reason terminateCallsWith;
    /** The DTLS setup of the answer to a member's call: active (the gateway's default) or passive. */
    volatile DtlsSetup answerSetup = DtlsSetup.ACTIVE;
    /** Whether the answer to a member's call carries no candidates, trickling them afterwards. */
    volatile boolean trickle;

    FakeConference(XmppTestClient xmpp) throws IOException {
        this.xmpp = xmpp;
        JingleStanzas.registerProviders();
        this.port = SharedUdpPort.open(IceSettings.loopback());
        handler = new AbstractIqRequestHandler(JingleIQ.ELEMENT, JingleIQ.NAMESPACE, IQ.Type.set, IQRequestHandler.Mode.sync) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return handle((JingleIQ) request);
            }
        };
        connection().registerIQRequestHandler(handler);
    }

    XMPPConnection connection() {
        return xmpp.connection();
    }

    Jid jid() {
        return xmpp.jid();
    }

    /**
     * Calls {@code receiver} with the publisher's media (PROTOCOL.md §6), waiting for the IQ result.
     * Returns the leg, which becomes secure once the receiver accepted and DTLS is done.
     */
    Leg forward(Leg publisher, Jid receiver, String publisherJid, String nick) throws Exception {
        IceSession ice = IceSession.builder(port).controlling(true).name("forward to " + receiver).build();
        LocalTransport local = localTransport(ice);
        ForwardingOffer offer = negotiation.offerToReceiver(callId, publisher.publisher, publisherJid, nick, local);
        Leg leg = new Leg(offer.sid(), receiver, ice, local);
        leg.offer = offer;
        leg.source = publisher;
        legs.put(leg.sid, leg);
        IQ response = xmpp.sendIqAndWait(JingleMessages.sessionInitiate(jid(), receiver, offer));
        if (response.getType() != IQ.Type.result) {
            throw new IllegalStateException("the receiver refused the call: " + response.toXML());
        }
        return leg;
    }

    /** Ends a leg with a session-terminate (waiting for the answer) and frees it. */
    IQ terminate(Leg leg, Reason reason, String text) {
        IQ response = xmpp.sendIqAndWait(JingleMessages.sessionTerminate(jid(), leg.peer, leg.sid, reason, text));
        close(leg);
        return response;
    }

    @Override
    public void close() {
        connection().unregisterIQRequestHandler(handler);
        legs.values().forEach(this::close);
        port.close();
        dtlsWorkers.close();
    }

    // ---- Jingle -------------------------------------------------------------------------------------

    private IQ handle(JingleIQ iq) {
        try {
            JingleAction action = iq.getAction();
            if (action == JingleAction.SESSION_INITIATE) {
                return onCall(iq);
            }
            Leg leg = legs.get(iq.getSID());
            if (leg == null) {
                return ConferenceClient.unknownSession(iq);
            }
            switch (action) {
                case SESSION_ACCEPT:
                    return onReceiverAccept(leg, iq);
                case TRANSPORT_INFO:
                    for (TransportUpdate update : JingleConverter.readTransportInfo(iq)) {
                        addCandidates(leg, update.transport());
                    }
                    return IQ.createResultIQ(iq);
                case SESSION_TERMINATE:
                    terminates.add(new Terminate(iq.getSID(), iq.getFrom(),
                            iq.getReason() == null ? null : iq.getReason().getReason().toString(),
                            iq.getReason() == null ? null : iq.getReason().getText()));
                    close(leg);
                    return IQ.createResultIQ(iq);
                default:
                    return IQ.createResultIQ(iq);
            }
        } catch (MalformedJingleException e) {
            return ConferenceClient.badRequest(iq, e.getMessage());
        } catch (Exception e) {
            return ConferenceClient.error(iq, StanzaError.Condition.internal_server_error, e.toString(), null);
        }
    }

    /** A member calls: answer as the gateway would (IQ result, then session-accept). */
    private IQ onCall(JingleIQ iq) throws Exception {
        StanzaError.Condition refusal = refuseWith;
        if (refusal != null) {
            return ConferenceClient.error(iq, refusal, "refused by the test", null);
        }
        SessionDescription offer = JingleConverter.readSession(iq);
        Reason terminate = terminateCallsWith;
        NegotiationResult<NegotiatedSession> result = new Negotiation(CodecPolicy.defaults(), answerSetup).answer(offer);
        if (terminate != null || !result.isSuccess()) {
            connection().sendStanza(IQ.createResultIQ(iq));
            connection().sendStanza(JingleMessages.sessionTerminate(jid(), iq.getFrom(), iq.getSID(),
                    terminate != null ? terminate : Reason.FAILED_APPLICATION, "refused by the test"));
            return null;
        }
        NegotiatedSession negotiated = result.value();
        IceSession ice = IceSession.builder(port).controlling(false).name("call from " + iq.getFrom()).build();
        Leg leg = new Leg(iq.getSID(), iq.getFrom(), ice, localTransport(ice));
        leg.publisher = negotiated;
        legs.put(leg.sid, leg);
        startMedia(leg, negotiated.remoteTransport(), negotiated.localSetup());
        connection().sendStanza(IQ.createResultIQ(iq));
        if (!trickle) {
            connection().sendStanza(JingleMessages.sessionAccept(jid(), iq.getFrom(), iq.getSID(), negotiated, leg.local));
        } else {
            LocalTransport bare = new LocalTransport(leg.local.ufrag(), leg.local.pwd(), leg.local.hash(),
                    leg.local.fingerprint(), List.of());
            connection().sendStanza(JingleMessages.sessionAccept(jid(), iq.getFrom(), iq.getSID(), negotiated, bare));
            String content = negotiated.bundle().get(0);
            for (JingleCandidate candidate : leg.local.candidates()) {
                connection().sendStanza(JingleMessages.transportInfo(jid(), iq.getFrom(), iq.getSID(), content,
                        leg.local.ufrag(), leg.local.pwd(), candidate));
            }
            connection().sendStanza(JingleMessages.gatheringComplete(jid(), iq.getFrom(), iq.getSID(), content,
                    leg.local.ufrag(), leg.local.pwd()));
        }
        calls.add(leg);
        return null;
    }

    private IQ onReceiverAccept(Leg leg, JingleIQ iq) throws MalformedJingleException {
        NegotiationResult<ReceiverMapping> result = negotiation.receiverAccepted(leg.offer, JingleConverter.readSession(iq));
        if (!result.isSuccess()) {
            return ConferenceClient.badRequest(iq, "answer refused: " + result);
        }
        leg.mapping = result.value();
        leg.source.receivers.add(leg);
        startMedia(leg, leg.mapping.remoteTransport(), leg.mapping.localSetup());
        return IQ.createResultIQ(iq);
    }

    // ---- media --------------------------------------------------------------------------------------

    private void startMedia(Leg leg, IceTransport remote, DtlsSetup localSetup) {
        DtlsRole role = localSetup == DtlsSetup.ACTIVE ? DtlsRole.CLIENT : DtlsRole.SERVER;
        SecureTransport secure = new SecureTransport(leg.ice, dtlsWorkers, certificate, role, SrtpProfile.DEFAULT_PREFERENCE,
                new DtlsFingerprint(remote.fingerprint().hash(), remote.fingerprint().value()));
        secure.setMediaListener(new SecureTransport.MediaListener() {
            @Override
            public void onRtp(byte[] buffer, int offset, int length) {
                relayRtp(leg, buffer, offset, length);
            }

            @Override
            public void onRtcp(byte[] buffer, int offset, int length) {
                relayRtcp(leg, buffer, offset, length);
            }
        });
        secure.setStateListener((previous, current, reason) -> {
            if (current == SecureTransport.State.SECURE) {
                leg.secured.complete(null);
            }
        });
        leg.secure = secure;
        leg.ice.addStateListener((session, from, to) -> {
            if (to == IceSession.State.CONNECTED && role == DtlsRole.CLIENT) {
                secure.start();
            }
        });
        leg.ice.setRemoteCredentials(remote.ufrag(), remote.pwd());
        addCandidates(leg, remote);
        leg.ice.start();
        if (role == DtlsRole.SERVER) {
            secure.start();
        }
    }

    private static void addCandidates(Leg leg, IceTransport transport) {
        for (JingleCandidate candidate : transport.candidates()) {
            IceCandidates.toIce(candidate).ifPresent(leg.ice::addRemoteCandidate);
        }
    }

    /** RTP from a publisher: to each of its receivers, with their payload types and SSRCs. */
    private void relayRtp(Leg from, byte[] buffer, int offset, int length) {
        for (Leg receiver : from.receivers) {
            ReceiverMapping mapping = receiver.mapping;
            SecureTransport out = receiver.secure;
            if (mapping == null || out == null || out.state() != SecureTransport.State.SECURE) {
                continue;
            }
            var pt = mapping.payloadType(Rtp.payloadType(buffer, offset));
            if (pt.isEmpty()) {
                continue;
            }
            PacketBuffer packet = pool.acquire().copyFrom(buffer, offset, length);
            try {
                Rtp.setPayloadType(packet.array(), packet.offset(), pt.getAsInt());
                long ssrc = Rtp.ssrc(packet.array(), packet.offset()) & 0xFFFF_FFFFL;
                Rtp.setSsrc(packet.array(), packet.offset(), (int) mapping.ssrc(ssrc));
                out.sendRtp(packet.array(), packet.offset(), packet.length());
            } finally {
                packet.release();
            }
        }
    }

    /** RTCP from a receiver: recorded, and sent on to the publisher as it is. */
    private void relayRtcp(Leg from, byte[] buffer, int offset, int length) {
        Leg publisher = from.source;
        if (publisher == null) {
            return; // a publisher's own reports
        }
        byte[] copy = new byte[length];
        System.arraycopy(buffer, offset, copy, 0, length);
        rtcpFromReceivers.add(new ReceivedRtcp(from.sid, copy));
        SecureTransport out = publisher.secure;
        if (out != null && out.state() == SecureTransport.State.SECURE && Rtcp.isValidCompound(buffer, offset, length)) {
            PacketBuffer packet = pool.acquire().copyFrom(buffer, offset, length);
            try {
                out.sendRtcp(packet.array(), packet.offset(), packet.length());
            } finally {
                packet.release();
            }
        }
    }

    private LocalTransport localTransport(IceSession ice) {
        return new LocalTransport(ice.localUfrag(), ice.localPassword(), certificate.hashFunction(),
                certificate.fingerprint(), IceCandidates.toJingle(ice.localCandidates()));
    }

    private void close(Leg leg) {
        legs.remove(leg.sid, leg);
        Optional.ofNullable(leg.source).ifPresent(source -> source.receivers.remove(leg));
        SecureTransport secure = leg.secure;
        if (secure != null) {
            secure.close();
        }
        leg.ice.close();
    }
}
