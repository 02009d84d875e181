package org.chorus.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.jingle.client.SendingSession;
import org.chorus.testing.XmppTestClient;
import org.jxmpp.jid.Jid;

/**
 * A Java conference participant for end-to-end tests: a real XMPP client with the client-role
 * Jingle/ICE/DTLS/SRTP stack. It sends synthetic audio and video whose payload names its sender
 * and numbers each packet, and records what it receives, per stream, so a test can check who sent
 * what it got.
 */
final class MediaParticipant implements AutoCloseable {
    private static final byte[] MAGIC = "CHRS".getBytes(StandardCharsets.US_ASCII);
    static final int AUDIO_PT = 111;
    static final int VIDEO_PT = 96;

    /** What arrived on one receiving session. */
    static final class Received {
        final AtomicLong packets = new AtomicLong();
        final Set<String> senders = ConcurrentHashMap.newKeySet();
        final Set<Integer> payloadTypes = ConcurrentHashMap.newKeySet();
        final AtomicLong malformed = new AtomicLong();
    }

    final XmppTestClient xmpp;
    final ConferenceClient client;
    final String name;
    final Map<String, Received> bySid = new ConcurrentHashMap<>();
    final Map<String, ReceivingSession> sessions = new ConcurrentHashMap<>();
    final Map<String, String> endedReasons = new ConcurrentHashMap<>();
    final CopyOnWriteArrayList<Long> keyframeRequests = new CopyOnWriteArrayList<>();
    final Map<String, String> sendingEnded = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger seq = new AtomicInteger();
    private volatile SendingSession sending;
    private ScheduledFuture<?> ticking;

    MediaParticipant(XmppTestClient xmpp, ClientMedia media) {
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
                record(session, buffer, offset, length);
            }

            @Override
            public void onKeyframeRequest(SendingSession session, long ssrc) {
                keyframeRequests.add(System.nanoTime());
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

    /** Calls the conference and starts sending 50 audio and 25 video packets a second. */
    SendingSession join(Jid conference) throws Exception {
        sending = client.join(conference, LocalStreams.audioAndVideo().withoutRtx());
        if (!sending.awaitSecure(Duration.ofSeconds(20))) {
            throw new AssertionError(name + ": the sending session did not become secure: " + sending);
        }
        ticking = sender.scheduleAtFixedRate(this::sendOne, 0, 20, TimeUnit.MILLISECONDS);
        return sending;
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

    private void sendOne() {
        SendingSession s = sending;
        if (s == null) {
            return;
        }
        int n = seq.getAndIncrement();
        byte[] audio = packet(AUDIO_PT, n, s.streams().audioSsrc());
        s.sendRtp(audio, 0, audio.length);
        if (n % 2 == 0) {
            byte[] video = packet(VIDEO_PT, n, s.streams().videoSsrc());
            s.sendRtp(video, 0, video.length);
        }
    }

    private byte[] packet(int pt, int n, long ssrc) {
        byte[] who = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + MAGIC.length + 2 + who.length + 4);
        b.put((byte) 0x80).put((byte) pt).putShort((short) n).putInt(n * 960).putInt((int) ssrc);
        b.put(MAGIC).putShort((short) who.length).put(who).putInt(n);
        return b.array();
    }

    private void record(ReceivingSession session, byte[] buf, int off, int len) {
        Received r = bySid.computeIfAbsent(session.sid(), s -> new Received());
        r.packets.incrementAndGet();
        r.payloadTypes.add(buf[off + 1] & 0x7f);
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
        Map<String, ReceivingSession> open = new java.util.HashMap<>();
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
