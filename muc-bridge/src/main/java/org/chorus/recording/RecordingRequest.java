package org.chorus.recording;

import java.util.Locale;
import java.util.Objects;
import org.xmpp.packet.JID;

/**
 * What an owner asked for: the mode, the layout and, for a stream, the RTMP URL (a secret, left out
 * of {@link #toString()}).
 */
public record RecordingRequest(String mode, String layout, String streamUrl, JID initiator) {
    public static final String FILE = "file";
    public static final String STREAM = "stream";
    public static final String TRACKS = "tracks";
    public static final String GRID = "grid";

    public RecordingRequest {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(layout, "layout");
        mode = mode.toLowerCase(Locale.ROOT);
        layout = layout.toLowerCase(Locale.ROOT);
        if (!mode.equals(FILE) && !mode.equals(STREAM)) {
            throw new IllegalArgumentException("recording_mode must be file or stream");
        }
        if (!layout.equals(TRACKS) && !layout.equals(GRID)) {
            throw new IllegalArgumentException("recording_layout must be tracks or grid");
        }
        if (mode.equals(STREAM)) {
            if (streamUrl == null || !(streamUrl.startsWith("rtmp://") || streamUrl.startsWith("rtmps://"))) {
                throw new IllegalArgumentException("stream_url must be an rtmp:// or rtmps:// URL");
            }
            layout = GRID; // a live stream is always the composite
        }
    }

    /**
     * A request from what a client sent, any part of which may be missing: the mode defaults to
     * {@code file}, the layout to {@code defaultLayout} (a stream is always the grid), and a blank
     * URL counts as none.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static RecordingRequest of(String mode, String layout, String streamUrl, JID initiator,
            String defaultLayout) {
        return new RecordingRequest(mode == null ? FILE : mode, layout == null ? defaultLayout : layout,
                streamUrl == null || streamUrl.isBlank() ? null : streamUrl, initiator);
    }

    @Override
    public String toString() {
        return "RecordingRequest[mode=" + mode + ", layout=" + layout + ", streamUrl="
                + (streamUrl == null ? "none" : "(hidden)") + ", initiator=" + initiator + "]";
    }
}
