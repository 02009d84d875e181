package org.chorus.jingle;

/**
 * A Jingle request that cannot be read. The message says why, in words fit for the {@code <text>} of
 * the error reply: {@code bad-request}, or, when {@link #unsupportedInfo()} is set, a session-info
 * whose payload is unknown, answered with {@code feature-not-implemented} and
 * {@code <unsupported-info xmlns='urn:xmpp:jingle:apps:rtp:errors:1'/>} (XEP-0167 §7.1).
 */
public class MalformedJingleException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean unsupportedInfo;

    public MalformedJingleException(String message) {
        this(message, null, false);
    }

    public MalformedJingleException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private MalformedJingleException(String message, Throwable cause, boolean unsupportedInfo) {
        super(message, cause);
        this.unsupportedInfo = unsupportedInfo;
    }

    static MalformedJingleException unsupportedInfo(String message) {
        return new MalformedJingleException(message, null, true);
    }

    public boolean unsupportedInfo() {
        return unsupportedInfo;
    }
}
