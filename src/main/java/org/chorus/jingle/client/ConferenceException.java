package org.chorus.jingle.client;

import java.util.Optional;
import org.jivesoftware.smack.packet.StanzaError;

/**
 * Joining a conference failed: the conference answered the session-initiate with an IQ error (such
 * as {@code resource-constraint} when it is full), did not answer, ended the session before it was
 * accepted (such as {@code <failed-application/>} for no common codec), or did not accept it in time.
 */
public class ConferenceException extends Exception {

    private static final long serialVersionUID = 1L;

    /** How the join failed. */
    public enum Kind {
        /** The session-initiate got an IQ error; see {@link #condition()}. */
        IQ_ERROR,
        /** No answer to the session-initiate within the connection's reply timeout. */
        NO_RESPONSE,
        /** The session ended before it was accepted; see {@link #reason()}. */
        TERMINATED,
        /** The session-initiate was acknowledged, but no session-accept came in time. */
        TIMEOUT,
        /** The XMPP connection is not usable. */
        NOT_CONNECTED
    }

    private final Kind kind;
    private final transient StanzaError error;
    private final String reason;

    ConferenceException(Kind kind, String message, StanzaError error, String reason, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.error = error;
        this.reason = reason;
    }

    static ConferenceException iqError(StanzaError error, Throwable cause) {
        String text = error.getDescriptiveText();
        return new ConferenceException(Kind.IQ_ERROR, "the conference refused the call: " + error.getCondition()
                + (text == null ? "" : " (" + text + ")"), error, null, cause);
    }

    static ConferenceException terminated(String reason, String text) {
        return new ConferenceException(Kind.TERMINATED, "the session ended before it was accepted: " + reason
                + (text == null ? "" : " (" + text + ")"), null, reason, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The IQ error's condition, for {@link Kind#IQ_ERROR}. */
    public Optional<StanzaError.Condition> condition() {
        return error == null ? Optional.empty() : Optional.of(error.getCondition());
    }

    /** The whole IQ error, for {@link Kind#IQ_ERROR}. */
    public Optional<StanzaError> error() {
        return Optional.ofNullable(error);
    }

    /** The Jingle reason (such as {@code failed-application}), for {@link Kind#TERMINATED}. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }
}
