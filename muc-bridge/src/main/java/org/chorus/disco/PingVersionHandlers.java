package org.chorus.disco;

import java.util.concurrent.CompletableFuture;
import org.chorus.config.BuildInfo;
import org.chorus.xmpp.IqHandler;
import org.chorus.xmpp.Namespaces;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError.Condition;

/** XEP-0199 ping and XEP-0092 software version. */
public final class PingVersionHandlers {
    private PingVersionHandlers() {}

    public static IqHandler ping() {
        return iq -> CompletableFuture.completedFuture(iq.getType() == IQ.Type.get
                ? IQ.createResultIQ(iq)
                : Stanzas.error(iq, Condition.bad_request, "ping is sent with type get"));
    }

    public static IqHandler version() {
        String version = BuildInfo.version();
        return iq -> {
            if (iq.getType() != IQ.Type.get) {
                return CompletableFuture.completedFuture(
                        Stanzas.error(iq, Condition.bad_request, "version is queried with type get"));
            }
            IQ reply = IQ.createResultIQ(iq);
            Element query = reply.setChildElement("query", Namespaces.VERSION);
            query.addElement("name").setText(BuildInfo.NAME);
            query.addElement("version").setText(version);
            return CompletableFuture.completedFuture(reply);
        };
    }
}
