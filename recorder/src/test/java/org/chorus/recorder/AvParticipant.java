package org.chorus.recorder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.jingle.client.SendingSession;
import org.chorus.testing.XmppTestClient;
import org.chorus.testing.media.MarkedAv;
import org.chorus.testing.media.RtpMediaSender;
import org.jxmpp.jid.Jid;

/**
 * A test participant that sends real media: VP8 + Opus from FFmpeg's encoders with a flash and a
 * beep every 2 s, through the gateway, answering its keyframe requests and NACKs. It declines the
 * streams of others (it only sends), which keeps the test machine's load down.
 */
final class AvParticipant implements AutoCloseable {
    final XmppTestClient xmpp;
    private final ConferenceClient client;
    private final AtomicReference<RtpMediaSender> sender = new AtomicReference<>();
    private long joinedAtNanos;

    AvParticipant(XmppTestClient xmpp, ClientMedia media) {
        this.xmpp = xmpp;
        this.client = new ConferenceClient(xmpp.connection(), media, new ConferenceClient.Listener() {
            @Override
            public boolean acceptReceivingSession(org.chorus.jingle.client.ReceivingSession session) {
                return false;
            }

            @Override
            public void onKeyframeRequest(SendingSession session, long ssrc) {
                RtpMediaSender s = sender.get();
                if (s != null) {
                    s.onKeyframeRequest();
                }
            }

            @Override
            public void onNack(SendingSession session, long ssrc, int[] lost) {
                RtpMediaSender s = sender.get();
                if (s != null) {
                    s.onNack(lost);
                }
            }
        });
    }

    /** Calls the conference and starts sending 640×360@30 VP8 and Opus. */
    AvParticipant join(Jid conference) throws Exception {
        SendingSession session = client.join(conference, LocalStreams.audioAndVideo().withoutRtx());
        if (!session.awaitSecure(Duration.ofSeconds(20))) {
            throw new AssertionError(xmpp.bareJid() + ": not secure: " + session);
        }
        RtpMediaSender s = new RtpMediaSender(session, new MarkedAv(640, 360, 30));
        sender.set(s);
        joinedAtNanos = System.nanoTime();
        s.start();
        return this;
    }

    /** The sender, once joined. */
    RtpMediaSender sender() {
        return sender.get();
    }

    long joinedAtNanos() {
        return joinedAtNanos;
    }

    /** Hangs up. */
    void leave() {
        RtpMediaSender s = sender.getAndSet(null);
        if (s != null) {
            s.close();
        }
        client.sendingSessions().forEach(SendingSession::terminate);
    }

    @Override
    public void close() {
        leave();
        client.close();
        xmpp.close();
    }
}
