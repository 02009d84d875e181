package org.chorus.recording;

import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * The {@code <jibri xmlns='http://jitsi.org/protocol/jibri'/>} element, with Jibri's attribute
 * spellings (PROTOCOL.md §10).
 */
public final class JibriIq {
    public static final String ACTION = "action";
    public static final String STATUS = "status";
    public static final String RECORDING_MODE = "recording_mode";
    public static final String STREAM_ID = "streamid";
    public static final String SESSION_ID = "session_id";
    public static final String ROOM = "room";
    public static final String APP_DATA = "app_data";
    public static final String FAILURE_REASON = "failure_reason";
    public static final String SHOULD_RETRY = "should_retry";

    private JibriIq() {}

    /** The start request to a recorder. */
    public static IQ start(JID from, JID recorder, String sessionId, JID room, JID conference, String callId,
            RecordingRequest request, int attempt) {
        IQ iq = new IQ(IQ.Type.set);
        iq.setFrom(from);
        iq.setTo(recorder);
        Element jibri = iq.setChildElement("jibri", Namespaces.JIBRI);
        jibri.addAttribute(ACTION, "start")
                .addAttribute(RECORDING_MODE, request.mode())
                .addAttribute(SESSION_ID, sessionId)
                .addAttribute(ROOM, room.toBareJID())
                .addAttribute(APP_DATA, appData(room, conference, callId, request.layout(), attempt));
        if (request.streamUrl() != null) {
            jibri.addAttribute(STREAM_ID, request.streamUrl());
        }
        return iq;
    }

    public static IQ stop(JID from, JID recorder, String sessionId) {
        IQ iq = new IQ(IQ.Type.set);
        iq.setFrom(from);
        iq.setTo(recorder);
        iq.setChildElement("jibri", Namespaces.JIBRI).addAttribute(ACTION, "stop").addAttribute(SESSION_ID, sessionId);
        return iq;
    }

    /** The {@code <jibri-recording-status/>} the gateway's room presence carries. */
    public static Element recordingStatus(String status, String mode, String sessionId, JID initiator) {
        Element el = org.dom4j.DocumentHelper.createElement(
                org.dom4j.QName.get("jibri-recording-status", Namespaces.JIBRI));
        el.addAttribute(STATUS, status).addAttribute(RECORDING_MODE, mode).addAttribute(SESSION_ID, sessionId);
        if (initiator != null) {
            el.addAttribute("initiator", initiator.toBareJID());
        }
        return el;
    }

    /**
     * Jibri's {@code app_data}: a JSON object with {@code file_recording_metadata} (Jibri's key, for
     * Jibri-compatible workers; Chorus's recorder writes its own metadata.json) and Chorus's own
     * {@code chorus} object (conference JID, call id, layout, attempt number).
     */
    static String appData(JID room, JID conference, String callId, String layout, int attempt) {
        return "{\"file_recording_metadata\":{\"room\":" + json(room.toBareJID()) + "},\"chorus\":{\"conference\":"
                + json(conference.toBareJID()) + ",\"call_id\":" + json(callId) + ",\"layout\":" + json(layout)
                + ",\"attempt\":" + attempt + "}}";
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
