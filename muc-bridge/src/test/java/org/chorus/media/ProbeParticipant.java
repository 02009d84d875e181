package org.chorus.media;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.jingle.client.SendingSession;
import org.chorus.media.rtp.Rtp;
import org.chorus.testing.XmppTestClient;
import org.jxmpp.jid.Jid;

/**
 * A conference participant for the tests of the gateway's limits: a real XMPP client with the
 * client-role media stack that sends audio and full-size video packets at a steady rate, and counts
 * what a user of the gateway could observe: the video packets it receives per publisher (with the
 * latest sequence number, for asking retransmissions), the REMBs and NACKed sequence numbers the
 * gateway sends about its own stream, and how its sessions ended.
 */
final class ProbeParticipant implements AutoCloseable {
    static final int AUDIO_PT = 111;
    static final int VIDEO_PT = 96;
    /** A full-size video packet (RTP header plus payload), as a camera stream sends most of them. */
    static final int VIDEO_PACKET_BYTES = 1_100;

    /** What arrived on one receiving session. */
    static final class Received {
        final AtomicLong videoPackets = new AtomicLong();
        final AtomicLong packets = new AtomicLong();
        /** The last video sequence number seen, or -1. */
        final AtomicInteger lastVideoSeq = new AtomicInteger(-1);
    }

    final XmppTestClient xmpp;
    final ConferenceClient client;
    final String name;
    final Map<String, Received> bySid = new ConcurrentHashMap<>();
    final Map<String, ReceivingSession> sessions = new ConcurrentHashMap<>();
    final Map<String, String> sendingEnded = new ConcurrentHashMap<>();
    /** REMBs the gateway sent on our sending session. */
    final AtomicLong rembs = new AtomicLong();
    /** Sequence numbers the gateway asked us to retransmit (NACK), summed over every NACK. */
    final AtomicLong nackedSequenceNumbers = new AtomicLong();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger seq = new AtomicInteger();
    private volatile SendingSession sending;
    private ScheduledFuture<?> ticking;

    ProbeParticipant(XmppTestClient xmpp, ClientMedia media) {
        this.xmpp = xmpp;
        this.name = xmpp.bareJid().toString();
        this.client = new ConferenceClient(xmpp.connection(), media, new ConferenceClient.Listener() {
            @Override
            public void onReceivingSession(ReceivingSession session) {
                sessions.put(session.sid(), session);
                bySid.computeIfAbsent(session.sid(), s -> new Received());
            }

            @Override
            public void onRtp(ReceivingSession session, byte[] buffer, int offset, int length) {
                Received r = bySid.computeIfAbsent(session.sid(), s -> new Received());
                r.packets.incrementAndGet();
                if (Rtp.payloadType(buffer, offset) == VIDEO_PT) {
                    r.videoPackets.incrementAndGet();
                    r.lastVideoSeq.set(Rtp.sequenceNumber(buffer, offset));
                }
            }

            @Override
            public void onNack(SendingSession session, long ssrc, int[] lost) {
                nackedSequenceNumbers.addAndGet(lost.length);
            }

            @Override
            public void onBandwidthEstimate(SendingSession session, long bitsPerSecond) {
                rembs.incrementAndGet();
            }

            @Override
            public void onSendingSessionEnded(SendingSession session, String reason) {
                sendingEnded.put(session.sid(), reason);
            }
        });
    }

    /** Calls the conference and starts sending 50 audio and 50 video packets a second. */
    SendingSession join(Jid conference) throws Exception {
        return join(conference, UnaryOperator.identity());
    }

    /** Calls the conference with {@code offerFilter} applied to what is signalled, then sends media. */
    SendingSession join(Jid conference, UnaryOperator<SessionDescription> offerFilter) throws Exception {
        client.setOfferFilter(offerFilter);
        sending = client.join(conference, LocalStreams.audioAndVideo().withoutRtx());
        if (!sending.awaitSecure(Duration.ofSeconds(20))) {
            throw new AssertionError(name + ": the sending session did not become secure: " + sending);
        }
        ticking = sender.scheduleAtFixedRate(this::sendOne, 0, 20, TimeUnit.MILLISECONDS);
        return sending;
    }

    /** Stops sending media but stays in the call, as a frozen client would. */
    void stopSending() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    /** The receiving session that carries {@code publisher}'s stream, if it is open. */
    Optional<ReceivingSession> sessionFrom(ProbeParticipant publisher) {
        return sessions.values().stream()
                .filter(s -> s.publisher().map(Object::toString).orElse("").equals(publisher.name))
                .findFirst();
    }

    /** Video packets received so far from {@code publisher}. */
    long videoFrom(ProbeParticipant publisher) {
        return sessionFrom(publisher).map(s -> bySid.get(s.sid())).map(r -> r.videoPackets.get()).orElse(0L);
    }

    /** Packets (audio and video) received so far from {@code publisher}. */
    long packetsFrom(ProbeParticipant publisher) {
        return sessionFrom(publisher).map(s -> bySid.get(s.sid())).map(r -> r.packets.get()).orElse(0L);
    }

    /**
     * SRTP datagrams that reached our receiving session from {@code publisher}, whether they decrypted
     * or not: a retransmission of a packet we already have fails SRTP's replay check, but it was sent.
     */
    long datagramsFrom(ProbeParticipant publisher) {
        return sessionFrom(publisher).flatMap(ReceivingSession::stats)
                .map(s -> s.rtpReceived() + s.unprotectFailures()).orElse(0L);
    }

    /** The reason our sending session ended with, once it has. */
    Optional<String> sendingEndReason() {
        SendingSession s = sending;
        return s == null ? Optional.empty() : Optional.ofNullable(sendingEnded.get(s.sid()));
    }

    private void sendOne() {
        SendingSession s = sending;
        if (s == null) {
            return;
        }
        int n = seq.getAndIncrement();
        byte[] audio = packet(AUDIO_PT, n, s.streams().audioSsrc(), 80);
        s.sendRtp(audio, 0, audio.length);
        byte[] video = packet(VIDEO_PT, n, s.streams().videoSsrc(), VIDEO_PACKET_BYTES);
        s.sendRtp(video, 0, video.length);
    }

    private static byte[] packet(int pt, int n, long ssrc, int length) {
        byte[] packet = new byte[length];
        packet[0] = (byte) 0x80;
        Rtp.setPayloadType(packet, 0, pt);
        Rtp.setSequenceNumber(packet, 0, n & 0xFFFF);
        Rtp.setTimestamp(packet, 0, n * 1800L);
        Rtp.setSsrc(packet, 0, (int) ssrc);
        for (int i = 12; i < length; i++) {
            packet[i] = (byte) (n + i);
        }
        return packet;
    }

    @Override
    public void close() {
        stopSending();
        sender.shutdownNow();
        client.close();
        xmpp.close();
    }
}
