package org.chorus.jingle;

import java.util.Objects;
import java.util.Optional;
import org.jitsi.xmpp.extensions.jingle.Reason;

/**
 * Why a negotiation failed, and how the gateway says so (PROTOCOL.md §5): either an IQ error
 * ({@link Kind#BAD_REQUEST}) to the request itself, or, after the IQ result, a session-terminate
 * with {@link #terminateReason()} and {@link #text()} as its {@code <text>}.
 */
public record NegotiationFailure(Kind kind, String text) {

    public enum Kind {
        /** The request does not make sense as Jingle: IQ error {@code bad-request}. */
        BAD_REQUEST(null),
        /** No common codec, or a content the conference cannot take: {@code <failed-application/>}. */
        FAILED_APPLICATION(Reason.FAILED_APPLICATION),
        /** No usable ICE-UDP/DTLS transport, no rtcp-mux or no BUNDLE: {@code <failed-transport/>}. */
        FAILED_TRANSPORT(Reason.FAILED_TRANSPORT);

        private final Reason reason;

        Kind(Reason reason) {
            this.reason = reason;
        }
    }

    public NegotiationFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    /** Whether the answer is an IQ error rather than a session-terminate. */
    public boolean isIqError() {
        return kind.reason == null;
    }

    /** The Jingle reason of the session-terminate; empty for an IQ error. */
    public Optional<Reason> terminateReason() {
        return Optional.ofNullable(kind.reason);
    }

    static NegotiationFailure badRequest(String text) {
        return new NegotiationFailure(Kind.BAD_REQUEST, text);
    }

    static NegotiationFailure failedApplication(String text) {
        return new NegotiationFailure(Kind.FAILED_APPLICATION, text);
    }

    static NegotiationFailure failedTransport(String text) {
        return new NegotiationFailure(Kind.FAILED_TRANSPORT, text);
    }
}
