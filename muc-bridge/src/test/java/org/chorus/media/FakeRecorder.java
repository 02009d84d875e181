package org.chorus.media;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.ConferenceClient;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.testing.XmppTestClient;
import org.jitsi.xmpp.extensions.health.HealthStatusPacketExt;
import org.jitsi.xmpp.extensions.jibri.JibriBusyStatusPacketExt;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jitsi.xmpp.extensions.jibri.JibriIqProvider;
import org.jitsi.xmpp.extensions.jibri.JibriStatusPacketExt;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.PresenceBuilder;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A scripted recorder for the gateway's side of the Jibri protocol: it sits in the brewery with a
 * {@code jibri-status} presence, records the requests it gets, answers {@code start} with
 * {@code pending} (or busy), and receives the call with the real client-role media stack, counting
 * the RTP that reaches it. The test decides when it reports {@code on}.
 */
final class FakeRecorder implements AutoCloseable {
    final XmppTestClient xmpp;
    final ConferenceClient client;
    final List<JibriIq> requests = new CopyOnWriteArrayList<>();
    final List<ReceivingSession> sessions = new CopyOnWriteArrayList<>();
    final AtomicLong packets = new AtomicLong();
    volatile boolean answerBusy;
    private final MultiUserChat brewery;

    FakeRecorder(XmppTestClient xmpp, ClientMedia media, MultiUserChat brewery) {
        this.xmpp = xmpp;
        this.brewery = brewery;
        ProviderManager.addIQProvider(JibriIq.ELEMENT, JibriIq.NAMESPACE, new JibriIqProvider());
        this.client = new ConferenceClient(xmpp.connection(), media, new ConferenceClient.Listener() {
            @Override
            public void onReceivingSession(ReceivingSession session) {
                sessions.add(session);
            }

            @Override
            public void onRtp(ReceivingSession session, byte[] buffer, int offset, int length) {
                packets.incrementAndGet();
            }
        });
        xmpp.connection().registerIQRequestHandler(new AbstractIqRequestHandler(JibriIq.ELEMENT, JibriIq.NAMESPACE,
                IQ.Type.set, IQRequestHandler.Mode.sync) {
            @Override
            public IQ handleIQRequest(IQ request) {
                JibriIq iq = (JibriIq) request;
                requests.add(iq);
                JibriIq answer = new JibriIq();
                answer.setType(IQ.Type.result);
                answer.setTo(iq.getFrom());
                answer.setStanzaId(iq.getStanzaId());
                if (iq.getAction() == JibriIq.Action.START) {
                    answer.setStatus(answerBusy ? JibriIq.Status.OFF : JibriIq.Status.PENDING);
                    if (answerBusy) {
                        answer.setFailureReason(JibriIq.FailureReason.BUSY);
                        answer.setShouldRetry(true);
                    }
                }
                return answer;
            }
        });
    }

    void announce(boolean idle, boolean healthy) throws Exception {
        JibriStatusPacketExt status = new JibriStatusPacketExt();
        JibriBusyStatusPacketExt busy = new JibriBusyStatusPacketExt();
        busy.setStatus(idle ? JibriBusyStatusPacketExt.BusyStatus.IDLE : JibriBusyStatusPacketExt.BusyStatus.BUSY);
        HealthStatusPacketExt health = new HealthStatusPacketExt();
        health.setStatus(healthy ? HealthStatusPacketExt.Health.HEALTHY : HealthStatusPacketExt.Health.UNHEALTHY);
        status.setBusyStatus(busy);
        status.setHealthStatus(health);
        xmpp.connection().sendStanza(PresenceBuilder.buildPresence()
                .to(JidCreate.fullFrom(brewery.getRoom(), brewery.getNickname()))
                .addExtension(status).build());
    }

    /** Reports a status for a session to the conference that asked. */
    void report(Jid conference, String sessionId, JibriIq.Status status, JibriIq.FailureReason reason, Boolean retry)
            throws Exception {
        JibriIq iq = new JibriIq();
        iq.setType(IQ.Type.set);
        iq.setTo(conference);
        iq.setStatus(status);
        iq.setSessionId(sessionId);
        if (reason != null) {
            iq.setFailureReason(reason);
            iq.setShouldRetry(retry);
        }
        IQ answer = xmpp.sendIqAndWait(iq);
        if (answer.getType() != IQ.Type.result) {
            throw new AssertionError("the gateway refused the status: " + answer.toXML());
        }
    }

    List<JibriIq> requests(JibriIq.Action action) {
        return requests.stream().filter(r -> r.getAction() == action).toList();
    }

    static Duration patience() {
        return Duration.ofSeconds(15);
    }

    @Override
    public void close() {
        client.close();
        xmpp.close();
    }
}
