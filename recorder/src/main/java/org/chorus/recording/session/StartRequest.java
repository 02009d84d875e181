package org.chorus.recording.session;

import java.util.Objects;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;

/**
 * A gateway's {@code start}: which room's call to record, how, and into which session.
 *
 * @param sessionId  the gateway's session id: the folder name, the same for every attempt
 * @param room       the MUC room's bare JID
 * @param conference the conference JID that calls the recorder and hears its status
 * @param callId     the call's id, for metadata.json
 * @param mode       file or stream
 * @param layout     tracks or grid (a stream is always grid)
 * @param streamUrl  the RTMP URL, a secret; null for files
 * @param attempt    1 for the first recorder of the session, 2 for the next, …
 */
public record StartRequest(String sessionId, String room, String conference, String callId, Mode mode, Layout layout,
        String streamUrl, int attempt) {
    /** A session id names a folder: it starts with a letter or digit, so it is never "." or "..". */
    public static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public StartRequest {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(conference, "conference");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(layout, "layout");
        if (!SESSION_ID.matcher(sessionId).matches()) {
            throw new IllegalArgumentException("session_id must match [A-Za-z0-9][A-Za-z0-9._-]* (at most 100 characters)");
        }
        if (mode == Mode.STREAM) {
            layout = Layout.GRID;
            if (streamUrl == null || !(streamUrl.startsWith("rtmp://") || streamUrl.startsWith("rtmps://"))) {
                throw new IllegalArgumentException("a stream needs an rtmp:// or rtmps:// streamid");
            }
        }
    }

    @Override
    public String toString() {
        return "StartRequest[session=" + sessionId + ", room=" + room + ", mode=" + mode.wireName() + ", layout="
                + layout.wireName() + ", attempt=" + attempt + ", streamUrl=" + (streamUrl == null ? "none" : "(hidden)")
                + "]";
    }
}
