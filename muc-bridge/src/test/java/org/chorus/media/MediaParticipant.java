package org.chorus.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * A Java conference participant for end-to-end tests: a real XMPP client with the client-role
 * Jingle/ICE/DTLS/SRTP stack. It sends synthetic audio and video whose payload names its sender
 * and numbers each packet, and counts what a user of the gateway could observe: what it receives,
 * per stream (packets, who sent them, video packets and the latest video sequence number), how its
 * sessions ended, and what the gateway asks of its own stream (keyframes, REMBs, NACKs).
 */
final class MediaParticipant implements AutoCloseable {
    private static final byte[] MAGIC = "CHRS".getBytes(StandardCharsets.US_ASCII);
    private static final long TICK_MILLIS = 20;
    static final int AUDIO_PT = 111;
    static final int VIDEO_PT = 96;

    /**
     * What a participant sends: an audio packet every 20 ms, and a video packet every
     * {@code ticksPerVideoPacket} of them; each packet padded after its sender and number to the
     * least length given, its RTP timestamp advancing by {@code timestampStep} a packet.
     */
    record Video(int ticksPerVideoPacket, int audioPacketBytes, int videoPacketBytes, int timestampStep) {
        /** 25 video packets a second, each no longer than the sender's name needs: who receives what. */
        static final Video SMALL = new Video(2, 0, 0, 960);
        /**
         * 50 video packets a second of 1,100 bytes (RTP header plus payload), as a camera stream
         * sends most of them, and audio packets of 80 bytes: the tests of the gateway's limits.
         */
        static final Video FULL_SIZE = new Video(1, 80, 1_100, 1_800);
    }

    /** What arrived on one receiving session. */
    static final class Received {
        final AtomicLong packets = new AtomicLong();
        final Set<String> senders = ConcurrentHashMap.newKeySet();
        final Set<Integer> payloadTypes = ConcurrentHashMap.newKeySet();
        final AtomicLong malformed = new AtomicLong();
        final AtomicLong videoPackets = new AtomicLong();
        /** The last video sequence number seen, or -1. */
        final AtomicInteger lastVideoSeq = new AtomicInteger(-1);
    }

    final XmppTestClient xmpp;
    final ConferenceClient client;
    final String name;
    final Map<String, Received> bySid = new ConcurrentHashMap<>();
    final Map<String, ReceivingSession> sessions = new ConcurrentHashMap<>();
    final Map<String, String> endedReasons = new ConcurrentHashMap<>();
    final CopyOnWriteArrayList<Long> keyframeRequests = new CopyOnWriteArrayList<>();
    final Map<String, String> sendingEnded = new ConcurrentHashMap<>();
    /** REMBs the gateway sent on our sending session. */
    final AtomicLong rembs = new AtomicLong();
    /** Sequence numbers the gateway asked us to retransmit (NACK), summed over every NACK. */
    final AtomicLong nackedSequenceNumbers = new AtomicLong();
    private final Video video;
    private final byte[] who;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger seq = new AtomicInteger();
    private volatile SendingSession sending;
    private ScheduledFuture<?> ticking;

    /** A participant that sends {@link Video#SMALL} video. */
    MediaParticipant(XmppTestClient xmpp, ClientMedia media) {
        this(xmpp, media, Video.SMALL);
    }

    MediaParticipant(XmppTestClient xmpp, ClientMedia media, Video video) {
        this.xmpp = xmpp;
        this.name = xmpp.bareJid().toString();
        this.video = video;
        this.who = name.getBytes(StandardCharsets.UTF_8);
        this.client = new ConferenceClient(xmpp.connection(), media, new ConferenceClient.Listener() {
            @Override
            public void onReceivingSession(ReceivingSession session) {
                sessions.put(session.sid(), session);
                bySid.computeIfAbsent(session.sid(), s -> new Received());
            }

            @Override
            public void onRtp(ReceivingSession session, byte[] buffer, int offset, int length) {
                record(session, buffer, offset, length);
            }

            @Override
            public void onKeyframeRequest(SendingSession session, long ssrc) {
                keyframeRequests.add(System.nanoTime());
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
            public void onReceivingSessionEnded(ReceivingSession session, String reason) {
                endedReasons.put(session.sid(), reason);
            }

            @Override
            public void onSendingSessionEnded(SendingSession session, String reason) {
                sendingEnded.put(session.sid(), reason);
            }
        });
    }

    /**
     * Calls the conference (with the client's offer filter, if one was set) and starts sending 50
     * audio packets a second, and 25 or 50 video packets a second as {@link Video} says.
     */
    SendingSession join(Jid conference) throws Exception {
        sending = client.join(conference, LocalStreams.audioAndVideo().withoutRtx());
        if (!sending.awaitSecure(Duration.ofSeconds(20))) {
            throw new AssertionError(name + ": the sending session did not become secure: " + sending);
        }
        ticking = sender.scheduleAtFixedRate(this::sendOne, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return sending;
    }

    /** Calls the conference with {@code offerFilter} applied to what is signalled, then sends media. */
    SendingSession join(Jid conference, UnaryOperator<SessionDescription> offerFilter) throws Exception {
        client.setOfferFilter(offerFilter);
        return join(conference);
    }

    SendingSession sending() {
        return sending;
    }

    /** Stops sending media but stays in the call (as a frozen client would). */
    void stopSending() {
        if (ticking != null) {
            ticking.cancel(false);
        }
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
        byte[] audio = packet(AUDIO_PT, n, s.streams().audioSsrc(), video.audioPacketBytes());
        s.sendRtp(audio, 0, audio.length);
        if (n % video.ticksPerVideoPacket() == 0) {
            byte[] packet = packet(VIDEO_PT, n, s.streams().videoSsrc(), video.videoPacketBytes());
            s.sendRtp(packet, 0, packet.length);
        }
    }

    /** An RTP packet whose payload is the magic, our name and {@code n}, padded to {@code leastLength}. */
    private byte[] packet(int pt, int n, long ssrc, int leastLength) {
        byte[] packet = new byte[Math.max(12 + MAGIC.length + 2 + who.length + 4, leastLength)];
        ByteBuffer b = ByteBuffer.wrap(packet);
        b.put((byte) 0x80).put((byte) pt).putShort((short) n).putInt(n * video.timestampStep()).putInt((int) ssrc);
        b.put(MAGIC).putShort((short) who.length).put(who).putInt(n);
        for (int i = b.position(); i < packet.length; i++) {
            packet[i] = (byte) (n + i);
        }
        return packet;
    }

    private void record(ReceivingSession session, byte[] buf, int off, int len) {
        Received r = bySid.computeIfAbsent(session.sid(), s -> new Received());
        r.packets.incrementAndGet();
        int pt = Rtp.payloadType(buf, off);
        r.payloadTypes.add(pt);
        if (pt == VIDEO_PT) {
            r.videoPackets.incrementAndGet();
            r.lastVideoSeq.set(Rtp.sequenceNumber(buf, off));
        }
        int p = off + 12 + 4 * (buf[off] & 0x0f);
        if ((buf[off] & 0x10) != 0) {
            int extLen = ((buf[p + 2] & 0xff) << 8 | (buf[p + 3] & 0xff)) * 4;
            p += 4 + extLen;
        }
        if (p + MAGIC.length + 2 > off + len || buf[p] != 'C' || buf[p + 1] != 'H' || buf[p + 2] != 'R' || buf[p + 3] != 'S') {
            r.malformed.incrementAndGet();
            return;
        }
        int nameLen = (buf[p + 4] & 0xff) << 8 | (buf[p + 5] & 0xff);
        r.senders.add(new String(buf, p + 6, nameLen, StandardCharsets.UTF_8));
    }

    /** Receiving sessions that are still open, by the publisher COIN names. */
    Map<String, ReceivingSession> openSessionsByPublisher() {
        Map<String, ReceivingSession> open = new HashMap<>();
        for (ReceivingSession s : sessions.values()) {
            if (!endedReasons.containsKey(s.sid())) {
                open.put(publisherOf(s), s);
            }
        }
        return open;
    }

    /** Packets received so far from a publisher, over all its sessions. */
    long packetsFrom(String publisher) {
        return sessions.values().stream().filter(s -> publisherOf(s).equals(publisher))
                .mapToLong(s -> bySid.getOrDefault(s.sid(), new Received()).packets.get()).sum();
    }

    /** A receiving session that carries {@code publisher}'s stream, open or ended. */
    Optional<ReceivingSession> sessionFrom(MediaParticipant publisher) {
        return sessions.values().stream().filter(s -> publisherOf(s).equals(publisher.name)).findFirst();
    }

    /** Video packets received so far on the session {@link #sessionFrom} finds. */
    long videoFrom(MediaParticipant publisher) {
        return sessionFrom(publisher).map(s -> bySid.get(s.sid())).map(r -> r.videoPackets.get()).orElse(0L);
    }

    /**
     * SRTP datagrams that reached our receiving session from {@code publisher}, whether they decrypted
     * or not: a retransmission of a packet we already have fails SRTP's replay check, but it was sent.
     */
    long datagramsFrom(MediaParticipant publisher) {
        return sessionFrom(publisher).flatMap(ReceivingSession::stats)
                .map(s -> s.rtpReceived() + s.unprotectFailures()).orElse(0L);
    }

    /** The bare JID COIN names as the publisher of a receiving session. */
    static String publisherOf(ReceivingSession session) {
        return session.publisher().map(Object::toString).orElse("?");
    }

    @Override
    public void close() {
        stopSending();
        sender.shutdownNow();
        client.close();
        xmpp.close();
    }
}
