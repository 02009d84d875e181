package org.chorus.component;

import static org.assertj.core.api.Assertions.assertThat;

import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError;

class StreamStanzasTest {
    private static Element parse(String xml) throws Exception {
        return DocumentHelper.parseText(xml).getRootElement();
    }

    @Test
    void addressesOutsideTheBmpAreTakenAsRouted() throws Exception {
        InboundStanza.Result in = InboundStanza.read(parse(
                "<iq type='set' id='1' from='s@localhost/r' to='av.localhost/\uD83C\uDFA5'><jibri xmlns='x'/></iq>"));

        assertThat(in.packet()).isInstanceOf(IQ.class);
        assertThat(in.packet().getTo().getResource()).isEqualTo("\uD83C\uDFA5");
    }

    @Test
    void aDeeplyNestedRequestIsRefusedWithBadRequest() throws Exception {
        String deep = "<a>".repeat(40) + "</a>".repeat(40);
        InboundStanza.Result in = InboundStanza.read(parse(
                "<iq type='get' id='7' from='s@localhost/r' to='av.localhost'><q xmlns='x'>" + deep + "</q></iq>"));

        assertThat(in.packet()).isNull();
        assertThat(in.answer().getType()).isEqualTo(IQ.Type.error);
        assertThat(in.answer().getID()).isEqualTo("7");
        assertThat(in.answer().getTo().toString()).isEqualTo("s@localhost/r");
        assertThat(in.answer().getError().getCondition()).isEqualTo(PacketError.Condition.bad_request);
        assertThat(in.answer().getChildElement()).isNull();
    }

    @Test
    void aDeeplyNestedMessageIsDroppedWithoutAnswer() throws Exception {
        String deep = "<a>".repeat(40) + "</a>".repeat(40);
        InboundStanza.Result in = InboundStanza.read(parse("<message from='s@localhost/r'>" + deep + "</message>"));

        assertThat(in.packet()).isNull();
        assertThat(in.answer()).isNull();
    }

    @Test
    void charactersXmlDoesNotAllowNeverReachTheWire() {
        assertThat(OutboundXml.onlyXmlCharacters("a\uD83Cb")).isEqualTo("a\uFFFDb");
        assertThat(OutboundXml.onlyXmlCharacters("a\uDFA5")).isEqualTo("a\uFFFD");
        assertThat(OutboundXml.onlyXmlCharacters("\u0001x\uFFFE")).isEqualTo("\uFFFDx\uFFFD");
        String fine = "tab\tnl\n\uD83C\uDFA5\u007F\u0085";
        assertThat(OutboundXml.onlyXmlCharacters(fine)).isSameAs(fine);
    }

    @Test
    void aStanzaIsWrittenWhole() {
        IQ iq = new IQ(IQ.Type.result, "9");
        iq.setTo("s@localhost/r");
        iq.setChildElement("q", "x").addText("cut \uD83C");

        assertThat(OutboundXml.serialize(iq.getElement()))
                .isEqualTo("<iq type=\"result\" id=\"9\" to=\"s@localhost/r\"><q xmlns=\"x\">cut \uFFFD</q></iq>");
    }

    @Test
    void aLongNamespaceOfCjkCharactersIsReadLikeAnyOther() throws Exception {
        String namespace = "\u4E2D\u6587\u547D\u540D\u7A7A\u95F4".repeat(3) + "\u4E2D"; // 19 characters
        org.dom4j.io.XPPPacketReader reader = new org.dom4j.io.XPPPacketReader();
        reader.setXPPFactory(ComponentStream.parserFactory());
        reader.getXPPParser().setInput(new java.io.StringReader("<stream:stream xmlns='jabber:component:accept'"
                + " xmlns:stream='http://etherx.jabber.org/streams'><iq type='get' id='1'><q xmlns='" + namespace + "'/></iq>"));
        for (int e = reader.getXPPParser().getEventType(); e != org.xmlpull.v1.XmlPullParser.START_TAG; ) {
            e = reader.getXPPParser().next();
        }

        Element iq = reader.parseDocument().getRootElement();

        assertThat(iq.getName()).isEqualTo("iq");
        assertThat(iq.elements().get(0).getNamespaceURI()).isEqualTo(namespace);
    }
}
