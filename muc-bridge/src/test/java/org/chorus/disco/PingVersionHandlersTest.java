package org.chorus.disco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.testing.fakes.MucStanzas.iq;

import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError.Condition;

class PingVersionHandlersTest {

    private static IQ answer(org.chorus.xmpp.IqHandler handler, IQ request) {
        return handler.handle(request).toCompletableFuture().join();
    }

    @Test
    void pingIsAnsweredWithAnEmptyResult() {
        IQ ping = iq("<iq type='get' id='p1' from='alice@example.org/laptop' to='av.example.org'>"
                + "<ping xmlns='urn:xmpp:ping'/></iq>");

        IQ reply = answer(PingVersionHandlers.ping(), ping);

        assertThat(reply.getType()).isEqualTo(IQ.Type.result);
        assertThat(reply.getID()).isEqualTo("p1");
        assertThat(reply.getFrom()).isEqualTo(new JID("av.example.org"));
        assertThat(reply.getTo()).isEqualTo(new JID("alice@example.org/laptop"));
        assertThat(reply.getElement().elements()).isEmpty();
    }

    @Test
    void pingOfAConferenceJidIsAnsweredFromIt() {
        IQ ping = iq("<iq type='get' id='p2' from='alice@example.org/laptop' to='team@av.example.org'>"
                + "<ping xmlns='urn:xmpp:ping'/></iq>");

        assertThat(answer(PingVersionHandlers.ping(), ping).getFrom()).isEqualTo(new JID("team@av.example.org"));
    }

    @Test
    void pingWithTypeSetIsBadRequest() {
        IQ ping = iq("<iq type='set' id='p3' from='alice@example.org/laptop' to='av.example.org'>"
                + "<ping xmlns='urn:xmpp:ping'/></iq>");

        IQ reply = answer(PingVersionHandlers.ping(), ping);

        assertThat(reply.getType()).isEqualTo(IQ.Type.error);
        assertThat(reply.getError().getCondition()).isEqualTo(Condition.bad_request);
    }

    @Test
    void versionNamesChorus() {
        IQ version = iq("<iq type='get' id='v1' from='alice@example.org/laptop' to='av.example.org'>"
                + "<query xmlns='jabber:iq:version'/></iq>");

        IQ reply = answer(PingVersionHandlers.version(), version);

        assertThat(reply.getType()).isEqualTo(IQ.Type.result);
        assertThat(reply.getID()).isEqualTo("v1");
        Element query = reply.getChildElement();
        assertThat(query.getNamespaceURI()).isEqualTo(Namespaces.VERSION);
        assertThat(query.elementText("name")).isEqualTo("Chorus");
        assertThat(query.elementText("version")).isNotBlank().doesNotContain("${");
        assertThat(query.element("os")).isNull();
    }

    @Test
    void versionWithTypeSetIsBadRequest() {
        IQ version = iq("<iq type='set' id='v2' from='alice@example.org/laptop' to='av.example.org'>"
                + "<query xmlns='jabber:iq:version'/></iq>");

        IQ reply = answer(PingVersionHandlers.version(), version);

        assertThat(reply.getType()).isEqualTo(IQ.Type.error);
        assertThat(reply.getError().getCondition()).isEqualTo(Condition.bad_request);
    }
}
