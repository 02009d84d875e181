package org.chorus.jingle;

import java.util.Objects;

/** The outcome of a negotiation: a value, or a {@link NegotiationFailure} saying how to refuse. */
public sealed interface NegotiationResult<T> permits NegotiationResult.Success, NegotiationResult.Failure {

    record Success<T>(T result) implements NegotiationResult<T> {
        public Success {
            Objects.requireNonNull(result, "result");
        }
    }

    record Failure<T>(NegotiationFailure reason) implements NegotiationResult<T> {
        public Failure {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <T> NegotiationResult<T> success(T value) {
        return new Success<>(value);
    }

    static <T> NegotiationResult<T> failure(NegotiationFailure failure) {
        return new Failure<>(failure);
    }

    default boolean isSuccess() {
        return this instanceof Success;
    }

    /** The value; throws {@link IllegalStateException} with the failure's text when it failed. */
    default T value() {
        if (this instanceof Success<T> success) {
            return success.result();
        }
        throw new IllegalStateException("negotiation failed: " + failure());
    }

    /** The failure; throws {@link IllegalStateException} when it succeeded. */
    default NegotiationFailure failure() {
        if (this instanceof Failure<T> failed) {
            return failed.reason();
        }
        throw new IllegalStateException("negotiation succeeded");
    }
}
