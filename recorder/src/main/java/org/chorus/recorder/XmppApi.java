package org.chorus.recorder;

import java.util.Optional;
import org.chorus.recording.session.RecordingSession;
import org.chorus.recording.session.StartRequest;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's XMPP face (Jibri's XmppApi): turns the gateway's {@code <jibri action='start|stop'/>}
 * requests into calls on the {@link JibriManager} and the answers back into IQs, reports each
 * recording's status to its conference, and keeps the brewery presence current. The trust rules
 * of {@link RecorderPolicy} are applied here, before anything else is read.
 */
final class XmppApi implements JibriManager.Reports {
    private static final Logger log = LoggerFactory.getLogger(XmppApi.class);

    private final XMPPConnection connection;
    private final RecorderPolicy policy;
    private final BreweryMembership brewery;
    private final Health health;
    private JibriManager manager;

    XmppApi(XMPPConnection connection, RecorderPolicy policy, BreweryMembership brewery, Health health) {
        this.connection = connection;
        this.policy = policy;
        this.brewery = brewery;
        this.health = health;
    }

    /** Takes Jibri requests for {@code manager} from now on. */
    void serve(JibriManager manager) {
        this.manager = manager;
        connection.registerIQRequestHandler(new AbstractIqRequestHandler(JibriIq.ELEMENT, JibriIq.NAMESPACE,
                IQ.Type.set, IQRequestHandler.Mode.async) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return answer(request);
            }
        });
    }

    IQ answer(IQ request) {
        Optional<RecorderPolicy.Refusal> refusal = policy.mayCommand(request.getFrom());
        if (refusal.isPresent()) {
            log.debug("Refusing a Jibri request from {}: {}", request.getFrom(), refusal.get().text());
            return error(request, refusal.get().condition(), refusal.get().text());
        }
        if (!(request instanceof JibriIq iq)) {
            return error(request, StanzaError.Condition.bad_request, "not a Jibri request this recorder can read");
        }
        if (iq.getAction() == null) {
            return error(request, StanzaError.Condition.bad_request, "action must be start or stop");
        }
        return switch (iq.getAction()) {
            case START -> start(iq);
            case STOP -> stop(iq);
            default -> error(request, StanzaError.Condition.bad_request, "action must be start or stop");
        };
    }

    private IQ start(JibriIq iq) {
        Optional<String> badId = RecorderPolicy.sessionIdProblem(iq.getSessionId());
        if (badId.isPresent()) {
            return error(iq, StanzaError.Condition.bad_request, badId.get());
        }
        StartRequest request;
        try {
            request = JibriStart.read(iq);
        } catch (IllegalArgumentException e) {
            return error(iq, StanzaError.Condition.bad_request, e.getMessage());
        }
        JibriManager.Started started = manager.start(request, iq.getFrom());
        if (started.problem() != null) {
            return error(iq, StanzaError.Condition.internal_server_error, "the recorder cannot write: " + started.problem());
        }
        if (started.admission() != RecorderPolicy.Admission.ACCEPT) {
            JibriIq busy = answer(iq, JibriIq.Status.OFF, request.sessionId());
            busy.setFailureReason(started.admission() == RecorderPolicy.Admission.BUSY ? JibriIq.FailureReason.BUSY
                    : JibriIq.FailureReason.ERROR);
            busy.setShouldRetry(true);
            return busy;
        }
        log.info("Accepted {} from {}", request, iq.getFrom());
        return answer(iq, JibriIq.Status.PENDING, request.sessionId());
    }

    /**
     * Stops a recording this recorder runs for the sender. A session it does not run, or one another
     * gateway started, gets {@code item-not-found} (the same answer for both, so ids are not
     * confirmed), and that recording goes on.
     */
    private IQ stop(JibriIq iq) {
        String sessionId = iq.getSessionId();
        if (sessionId == null) {
            return error(iq, StanzaError.Condition.bad_request, "stop needs session_id");
        }
        if (manager.stop(sessionId, iq.getFrom()).isEmpty()) {
            log.info("Not stopping session {} for {}: no recording of that id was started by it", sessionId,
                    iq.getFrom());
            return error(iq, StanzaError.Condition.item_not_found, RecorderPolicy.NO_SUCH_RECORDING);
        }
        return answer(iq, null, sessionId);
    }

    // --- JibriManager.Reports ---

    @Override
    public void status(RecordingSession session, JibriManager.Status status) {
        JibriIq.Status wire = status == JibriManager.Status.ON ? JibriIq.Status.ON : JibriIq.Status.OFF;
        try {
            JibriIq iq = request(JidCreate.from(session.request().conference()), session.request().sessionId(), wire);
            if (status == JibriManager.Status.FAILED_RETRY || status == JibriManager.Status.FAILED_FINAL) {
                iq.setFailureReason(JibriIq.FailureReason.ERROR);
                iq.setShouldRetry(status == JibriManager.Status.FAILED_RETRY);
            }
            if (connection.isAuthenticated()) {
                connection.sendIqRequestAsync(iq);
            }
        } catch (Exception e) {
            log.warn("Cannot report status {} of {}: {}", status, session.request().sessionId(), e.toString());
        }
    }

    @Override
    public void loadChanged() {
        brewery.update(manager.busy(), health.healthy(), false);
    }

    // --- stanzas ---

    private static JibriIq request(Jid to, String sessionId, JibriIq.Status status) {
        JibriIq iq = new JibriIq();
        iq.setType(IQ.Type.set);
        iq.setTo(to);
        iq.setStatus(status);
        iq.setSessionId(sessionId);
        return iq;
    }

    /** The result of a request, with a status (if any) and the session id. */
    private static JibriIq answer(JibriIq request, JibriIq.Status status, String sessionId) {
        JibriIq answer = new JibriIq();
        answer.setType(IQ.Type.result);
        answer.setTo(request.getFrom());
        answer.setStanzaId(request.getStanzaId());
        if (status != null) {
            answer.setStatus(status);
        }
        answer.setSessionId(sessionId);
        return answer;
    }

    private static IQ error(IQ request, StanzaError.Condition condition, String text) {
        return IQ.createErrorResponse(request, StanzaError.getBuilder(condition).setDescriptiveEnText(text).build());
    }
}
