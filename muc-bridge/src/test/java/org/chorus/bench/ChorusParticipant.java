package org.chorus.bench;

import java.time.Duration;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.jingle.client.SendingSession;
import org.chorus.jingle.client.SessionState;
import org.chorus.media.rtp.Rtcp;
import org.chorus.testing.XmppTestClient;
import org.jxmpp.jid.Jid;

/**
 * One synthetic conference member: a real XMPP client with the client-role Jingle/ICE/DTLS/SRTP
 * stack. A sender joins with audio and video; a receiver joins audio-only and never sends RTP (the
 * gateway calls back only members that are in the call, so a receiver must join; it stays a silent
 * publisher). Both send a receiver report a second, as any RTP endpoint does, which also keeps the
 * gateway's media timeout from ending a silent member's session.
 */
final class ChorusParticipant implements AutoCloseable, Traffic.Sender {
    final int index;
    final boolean sends;
    final XmppTestClient xmpp;
    final ConferenceClient client;
    private volatile SendingSession sending;
    private final byte[] report = new byte[64];

    ChorusParticipant(int index, boolean sends, XmppTestClient xmpp, ClientMedia media, Receipts receipts,
            java.util.function.Consumer<String> ended) {
        this.index = index;
        this.sends = sends;
        this.xmpp = xmpp;
        this.client = new ConferenceClient(xmpp.connection(), media, new ConferenceClient.Listener() {
            @Override
            public void onRtp(ReceivingSession session, byte[] buffer, int offset, int length) {
                receipts.record(index, buffer, offset, length, System.nanoTime());
            }

            @Override
            public void onSendingSessionEnded(SendingSession session, String reason) {
                ended.accept("participant " + index + "'s own session ended: " + reason + session.endText().map(t -> " (" + t + ")").orElse(""));
            }

            @Override
            public void onReceivingSessionEnded(ReceivingSession session, String reason) {
                ended.accept("participant " + index + "'s forwarding session from " + session.nick().orElse("?") + " ended: "
                        + reason + session.endText().map(t -> " (" + t + ")").orElse(""));
            }
        });
    }

    void join(Jid conference) throws Exception {
        LocalStreams streams = sends ? LocalStreams.audioAndVideo().withoutRtx() : LocalStreams.audioOnly();
        SendingSession s = client.join(conference, streams);
        if (!s.awaitSecure(Duration.ofSeconds(30))) {
            throw new IllegalStateException("participant " + index + ": the sending session did not become secure: " + s);
        }
        sending = s;
    }

    /** Forwarding sessions (other members' media) that are secure. */
    int secureReceivingSessions() {
        return (int) client.receivingSessions().stream().filter(r -> r.state() == SessionState.SECURE).count();
    }

    /** An empty receiver report on the sending session; called once a second from one thread. */
    void sendReport() {
        SendingSession s = sending;
        if (s != null) {
            int length = Rtcp.writeRr(report, 0, s.streams().audioSsrc().intValue());
            s.sendRtcp(report, 0, length);
        }
    }

    @Override
    public long audioSsrc() {
        return sending.streams().audioSsrc();
    }

    @Override
    public long videoSsrc() {
        return sending.streams().videoSsrc();
    }

    @Override
    public boolean send(byte[] packet, int length) {
        return sending.sendRtp(packet, 0, length);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            xmpp.close();
        }
    }
}
