package org.chorus.xmpp;

import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError;

/** Small helpers to answer stanzas; every IQ request Chorus receives gets one of these. */
public final class Stanzas {
    private Stanzas() {}

    /**
     * An error reply to an IQ request, with an optional human text. The request's payload is not echoed
     * (RFC 6120 §8.3.1 makes that optional): it would send oversize or malformed input straight back,
     * and some clients fail to parse their own malformed Jingle when it returns.
     */
    public static IQ error(IQ request, PacketError.Condition condition, String text) {
        return error(request, condition, condition.getDefaultType(), text);
    }

    /** An error reply with an explicit error type, where the default type of the condition is not the right one. */
    public static IQ error(IQ request, PacketError.Condition condition, PacketError.Type type, String text) {
        IQ reply = IQ.createResultIQ(request);
        reply.setType(IQ.Type.error);
        PacketError error = new PacketError(condition, type, text, "en");
        reply.setError(error);
        return reply;
    }

    public static IQ error(IQ request, PacketError.Condition condition) {
        return error(request, condition, null);
    }

    /** An error reply with an application-specific condition element, e.g. Jingle's {@code unknown-session}. */
    public static IQ error(IQ request, PacketError.Condition condition, String appCondition, String appNamespace) {
        IQ reply = error(request, condition, null);
        reply.getError().setApplicationCondition(appCondition, appNamespace);
        return reply;
    }

    /** The text of an IQ error, or its condition when it has none; for log lines. */
    public static String describeError(IQ iq) {
        PacketError error = iq.getError();
        if (error == null) {
            return "error";
        }
        String condition = error.getCondition() == null ? "undefined-condition" : error.getCondition().toXMPP();
        return error.getText() == null ? condition : condition + " (" + error.getText() + ")";
    }
}
