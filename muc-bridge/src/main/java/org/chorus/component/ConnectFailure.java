package org.chorus.component;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.xmpp.component.ComponentException;
import org.xmpp.packet.StreamError;

/** Why a connect attempt failed, in words an operator can act on. */
public final class ConnectFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure; each maps to its own exit code at start-up. */
    public enum Kind {
        UNREACHABLE(3),
        NOT_AUTHORIZED(4),
        REFUSED(5);

        public final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    private final Kind kind;

    private ConnectFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static ConnectFailure classify(String host, int port, String domain, Throwable error) {
        StreamError streamError = streamError(error);
        if (streamError != null) {
            StreamError.Condition condition = streamError.getCondition();
            if (condition == StreamError.Condition.not_authorized) {
                return new ConnectFailure(Kind.NOT_AUTHORIZED,
                        "the XMPP server at " + host + ":" + port + " refused the secret for component " + domain
                                + " (not-authorized)", error);
            }
            String name = condition == null ? "undefined-condition" : condition.toXMPP();
            String hint = condition == StreamError.Condition.host_unknown
                    ? "; is the component declared in the server's config?" : "";
            return new ConnectFailure(Kind.REFUSED,
                    "the XMPP server at " + host + ":" + port + " refused component " + domain + " (" + name + ")" + hint,
                    error);
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException || t instanceof SocketTimeoutException) {
                return new ConnectFailure(Kind.UNREACHABLE,
                        "cannot reach the XMPP server's component port " + host + ":" + port + " (" + t.getMessage() + ")",
                        error);
            }
        }
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        Kind kind = root instanceof IOException ? Kind.UNREACHABLE : Kind.REFUSED;
        return new ConnectFailure(kind, "connecting component " + domain + " to " + host + ":" + port + " failed ("
                + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")",
                error);
    }

    private static StreamError streamError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ComponentException ce && ce.getStreamError() != null) {
                return ce.getStreamError();
            }
        }
        return null;
    }
}
