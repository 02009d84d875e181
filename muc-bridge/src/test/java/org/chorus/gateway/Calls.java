package org.chorus.gateway;

import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/** Test helpers to call conference JIDs and read the answer. */
final class Calls {
    private Calls() {}

    static Jid jid(String text) {
        try {
            return JidCreate.from(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Sends a session-initiate from the client to the conference and returns the error condition, or null for a result. */
    static StanzaError.Condition call(XmppTestClient client, String conference) {
        return errorOf(client.sendIqAndWait(RawIq.sessionInitiate(jid(conference), client.jid().toString())));
    }

    static StanzaError.Condition errorOf(IQ answer) {
        return answer.getType() == IQ.Type.error ? answer.getError().getCondition() : null;
    }
}
