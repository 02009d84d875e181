package org.chorus.gateway;

import java.util.Map;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.packet.AdHocCommandData;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;

/** Runs a conference JID's XEP-0050 commands in one step, as a client that already knows the form. */
public final class Commands {
    private Commands() {}

    /** Submits {@code values} to {@code node} with action {@code complete}; returns the answer (result or error). */
    public static IQ submit(XmppTestClient from, Jid conference, String node, Map<String, String> values) {
        DataForm.Builder form = DataForm.builder(DataForm.Type.submit);
        values.forEach((k, v) -> form.addField(FormField.textSingleBuilder(k).setValue(v).build()));
        AdHocCommandData data = new AdHocCommandData();
        data.setType(IQ.Type.set);
        data.setTo(conference);
        data.setNode(node);
        data.setAction(AdHocCommand.Action.complete);
        data.setForm(form.build());
        return from.sendIqAndWait(data);
    }
}
