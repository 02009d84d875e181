package org.chorus.recording.rtp;

/**
 * Decides when a video stream asks its sender for a keyframe.
 *
 * <ul>
 *   <li>From the stream's first packet until the first keyframe: every interval.</li>
 *   <li>When the reference chain breaks (a frame lost, or a gap too large to NACK): at once, or as
 *       soon as the interval since the last request has passed. A need that arises within the
 *       interval is deferred, never forgotten.</li>
 *   <li>While waiting for it: again whenever no keyframe and no request has happened for the
 *       keyframe timeout, in case the request or the keyframe was lost.</li>
 * </ul>
 * At most one request per interval in all cases. Not thread-safe.
 */
final class KeyframeRequests {

    private enum State {
        /** No packet yet: nothing to ask for. */
        NOT_STARTED,
        /** Frames flow; no keyframe needed. */
        IDLE,
        /** A keyframe is needed and no request went out for that need yet. */
        WANTED,
        /** Requested; waiting for the keyframe. */
        REQUESTED
    }

    private final long intervalNanos;
    private final long timeoutNanos;
    private State state = State.NOT_STARTED;
    private boolean anyRequest;
    private long lastRequestNanos;
    private boolean anyKeyframe;
    private long lastKeyframeNanos;

    KeyframeRequests(long intervalNanos, long timeoutNanos) {
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
    }

    /** A packet arrived: from the first one on, a keyframe is needed until one comes. */
    void packetArrived() {
        if (state == State.NOT_STARTED) {
            state = State.WANTED;
        }
    }

    /** The stream needs a keyframe. */
    void need() {
        state = State.WANTED;
    }

    void keyframeArrived(long nowNanos) {
        anyKeyframe = true;
        lastKeyframeNanos = nowNanos;
        state = State.IDLE;
    }

    /** Whether to send a request now; if so, it counts as sent. */
    boolean due(long nowNanos) {
        boolean send = switch (state) {
            case NOT_STARTED, IDLE -> false;
            case WANTED -> !anyRequest || nowNanos - lastRequestNanos >= intervalNanos;
            case REQUESTED -> !anyKeyframe
                    ? nowNanos - lastRequestNanos >= intervalNanos
                    : nowNanos - Math.max(lastRequestNanos, lastKeyframeNanos) >= timeoutNanos;
        };
        if (send) {
            state = State.REQUESTED;
            anyRequest = true;
            lastRequestNanos = nowNanos;
        }
        return send;
    }
}
