package org.chorus.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.session.StartRequest;
import org.jitsi.xmpp.extensions.jibri.JibriIq;

/**
 * Reads a gateway's {@code <jibri action='start'/>} into a {@link StartRequest}: Jibri's
 * attributes, plus Chorus's {@code chorus} object in {@code app_data} (conference JID, call id,
 * layout, attempt).
 */
final class JibriStart {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JibriStart() {}

    static StartRequest read(JibriIq iq) {
        if (iq.getSessionId() == null || iq.getRoom() == null) {
            throw new IllegalArgumentException("start needs session_id and room");
        }
        JsonNode chorus = null;
        if (iq.getAppData() != null && !iq.getAppData().isBlank()) {
            try {
                chorus = JSON.readTree(iq.getAppData()).get("chorus");
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("app_data is not JSON");
            }
        }
        String conference = text(chorus, "conference", iq.getFrom().asBareJid().toString());
        String callId = text(chorus, "call_id", "");
        Mode mode = iq.getRecordingMode() == JibriIq.RecordingMode.STREAM ? Mode.STREAM : Mode.FILE;
        Layout layout;
        try {
            layout = Layout.parse(text(chorus, "layout", "tracks"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown layout");
        }
        int attempt = chorus != null && chorus.has("attempt") ? Math.max(1, chorus.get("attempt").asInt(1)) : 1;
        return new StartRequest(iq.getSessionId(), iq.getRoom().toString(), conference, callId, mode, layout,
                iq.getStreamId(), attempt);
    }

    private static String text(JsonNode node, String field, String fallback) {
        return node != null && node.hasNonNull(field) ? node.get(field).asText() : fallback;
    }
}
