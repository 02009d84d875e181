package org.chorus.jingle;

import org.dom4j.DocumentException;
import org.dom4j.DocumentHelper;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.xmpp.packet.IQ;

/**
 * Jingle stanzas as clients send them. {@link #CHROMIUM_OFFER} is modeled on what a browser client
 * built on StanzaJS sends from Chromium: every codec and header extension the browser offers,
 * legacy simulcast with SIM and FID groups, BUNDLE, ICE credentials, no candidates (they trickle);
 * {@link #MINIMAL_OFFER} on a small native client.
 */
final class JingleFixtures {
    private JingleFixtures() {}

    static final String ALICE = "alice@example.org/web-7f3a";
    static final String CONFERENCE = "team@av.example.org";

    static final String CHROMIUM_OFFER = """
        <iq xmlns='jabber:component:accept' type='set' id='st-41' from='alice@example.org/web-7f3a' to='team@av.example.org'>
          <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='a73sjjvkla37jfea' initiator='alice@example.org/web-7f3a'>
            <content creator='initiator' name='0' senders='initiator'>
              <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
                <payload-type id='111' name='opus' clockrate='48000' channels='2'>
                  <parameter name='minptime' value='10'/>
                  <parameter name='useinbandfec' value='1'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
                </payload-type>
                <payload-type id='63' name='red' clockrate='48000' channels='2'>
                  <parameter value='111/111'/>
                </payload-type>
                <payload-type id='9' name='G722' clockrate='8000'/>
                <payload-type id='0' name='PCMU' clockrate='8000'/>
                <payload-type id='8' name='PCMA' clockrate='8000'/>
                <payload-type id='13' name='CN' clockrate='8000'/>
                <payload-type id='110' name='telephone-event' clockrate='48000'/>
                <payload-type id='126' name='telephone-event' clockrate='8000'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='2' uri='http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='3' uri='http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='4' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>
                <extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2849251871'>
                  <parameter name='cname' value='k3Jd8fRm1LuB0xq9'/>
                  <parameter name='msid' value='f4c1d5a0-6c2e-4b8e-9d5e-1a2b3c4d5e6f 3e0b7a9c-5d1f-4e2a-8b6c-7d8e9f0a1b2c'/>
                </source>
                <rtcp-mux/>
              </description>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='Xq2d' pwd='k9qVn3y1Lr8pT0bWc6sZm4Hf'>
                <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>6F:2B:1C:8E:47:A1:93:0D:5E:C4:22:7B:9A:10:F3:66:D8:35:4C:E2:0B:71:AF:58:93:1E:6D:C7:24:80:FB:39</fingerprint>
              </transport>
            </content>
            <content creator='initiator' name='1' senders='initiator'>
              <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
                <payload-type id='96' name='VP8' clockrate='90000'>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='goog-remb'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <payload-type id='97' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='96'/>
                </payload-type>
                <payload-type id='98' name='VP9' clockrate='90000'>
                  <parameter name='profile-id' value='0'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='goog-remb'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <payload-type id='99' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='98'/>
                </payload-type>
                <payload-type id='102' name='H264' clockrate='90000'>
                  <parameter name='level-asymmetry-allowed' value='1'/>
                  <parameter name='packetization-mode' value='1'/>
                  <parameter name='profile-level-id' value='42001f'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='goog-remb'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <payload-type id='103' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='102'/>
                </payload-type>
                <payload-type id='104' name='H264' clockrate='90000'>
                  <parameter name='level-asymmetry-allowed' value='1'/>
                  <parameter name='packetization-mode' value='0'/>
                  <parameter name='profile-level-id' value='42001f'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <payload-type id='105' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='104'/>
                </payload-type>
                <payload-type id='106' name='H264' clockrate='90000'>
                  <parameter name='level-asymmetry-allowed' value='1'/>
                  <parameter name='packetization-mode' value='1'/>
                  <parameter name='profile-level-id' value='42e01f'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='goog-remb'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <payload-type id='107' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='106'/>
                </payload-type>
                <payload-type id='108' name='H264' clockrate='90000'>
                  <parameter name='level-asymmetry-allowed' value='1'/>
                  <parameter name='packetization-mode' value='0'/>
                  <parameter name='profile-level-id' value='42e01f'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <payload-type id='109' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='108'/>
                </payload-type>
                <payload-type id='127' name='H264' clockrate='90000'>
                  <parameter name='level-asymmetry-allowed' value='1'/>
                  <parameter name='packetization-mode' value='1'/>
                  <parameter name='profile-level-id' value='4d001f'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <payload-type id='125' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='127'/>
                </payload-type>
                <payload-type id='45' name='AV1' clockrate='90000'>
                  <parameter name='level-idx' value='5'/>
                  <parameter name='profile' value='0'/>
                  <parameter name='tier' value='0'/>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <payload-type id='46' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='45'/>
                </payload-type>
                <payload-type id='116' name='red' clockrate='90000'/>
                <payload-type id='117' name='rtx' clockrate='90000'>
                  <parameter name='apt' value='116'/>
                </payload-type>
                <payload-type id='118' name='ulpfec' clockrate='90000'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='14' uri='urn:ietf:params:rtp-hdrext:toffset'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='2' uri='http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='13' uri='urn:3gpp:video-orientation'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='3' uri='http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='5' uri='http://www.webrtc.org/experiments/rtp-hdrext/playout-delay'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='6' uri='http://www.webrtc.org/experiments/rtp-hdrext/video-content-type'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='7' uri='http://www.webrtc.org/experiments/rtp-hdrext/video-timing'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='8' uri='http://www.webrtc.org/experiments/rtp-hdrext/color-space'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='4' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='10' uri='urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id'/>
                <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='11' uri='urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id'/>
                <extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1119871281'>
                  <parameter name='cname' value='k3Jd8fRm1LuB0xq9'/>
                  <parameter name='msid' value='f4c1d5a0-6c2e-4b8e-9d5e-1a2b3c4d5e6f 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'/>
                </source>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='3410520742'>
                  <parameter name='cname' value='k3Jd8fRm1LuB0xq9'/>
                  <parameter name='msid' value='f4c1d5a0-6c2e-4b8e-9d5e-1a2b3c4d5e6f 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'/>
                </source>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2175331412'>
                  <parameter name='cname' value='k3Jd8fRm1LuB0xq9'/>
                  <parameter name='msid' value='f4c1d5a0-6c2e-4b8e-9d5e-1a2b3c4d5e6f 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'/>
                </source>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='701293588'>
                  <parameter name='cname' value='k3Jd8fRm1LuB0xq9'/>
                  <parameter name='msid' value='f4c1d5a0-6c2e-4b8e-9d5e-1a2b3c4d5e6f 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'/>
                </source>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='4013359170'>
                  <parameter name='cname' value='k3Jd8fRm1LuB0xq9'/>
                  <parameter name='msid' value='f4c1d5a0-6c2e-4b8e-9d5e-1a2b3c4d5e6f 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'/>
                </source>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1663482940'>
                  <parameter name='cname' value='k3Jd8fRm1LuB0xq9'/>
                  <parameter name='msid' value='f4c1d5a0-6c2e-4b8e-9d5e-1a2b3c4d5e6f 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'/>
                </source>
                <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='SIM'>
                  <source ssrc='1119871281'/>
                  <source ssrc='2175331412'/>
                  <source ssrc='4013359170'/>
                </ssrc-group>
                <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>
                  <source ssrc='1119871281'/>
                  <source ssrc='3410520742'/>
                </ssrc-group>
                <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>
                  <source ssrc='2175331412'/>
                  <source ssrc='701293588'/>
                </ssrc-group>
                <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>
                  <source ssrc='4013359170'/>
                  <source ssrc='1663482940'/>
                </ssrc-group>
                <rtcp-mux/>
              </description>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='Xq2d' pwd='k9qVn3y1Lr8pT0bWc6sZm4Hf'>
                <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>6F:2B:1C:8E:47:A1:93:0D:5E:C4:22:7B:9A:10:F3:66:D8:35:4C:E2:0B:71:AF:58:93:1E:6D:C7:24:80:FB:39</fingerprint>
              </transport>
            </content>
            <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>
              <content name='0'/>
              <content name='1'/>
            </group>
          </jingle>
        </iq>
        """;

    /** The first trickled candidate of the Chromium client: a host UDP candidate with every attribute. */
    static final String CHROMIUM_HOST_CANDIDATE = """
        <iq xmlns='jabber:component:accept' type='set' id='st-42' from='alice@example.org/web-7f3a' to='team@av.example.org'>
          <jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='a73sjjvkla37jfea'>
            <content creator='initiator' name='0'>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='Xq2d' pwd='k9qVn3y1Lr8pT0bWc6sZm4Hf'>
                <candidate component='1' foundation='2231284325' generation='0' id='e3kdl0a1' ip='192.0.2.10' network='1' port='52711' priority='2122260223' protocol='udp' type='host'/>
              </transport>
            </content>
          </jingle>
        </iq>
        """;

    /** A later one: TCP, tcptype active on port 9, without id, generation or network. */
    static final String CHROMIUM_TCP_CANDIDATE = """
        <iq xmlns='jabber:component:accept' type='set' id='st-43' from='alice@example.org/web-7f3a' to='team@av.example.org'>
          <jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='a73sjjvkla37jfea'>
            <content creator='initiator' name='0'>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='Xq2d' pwd='k9qVn3y1Lr8pT0bWc6sZm4Hf'>
                <candidate component='1' foundation='3477654221' ip='192.0.2.10' port='9' priority='1518280447' protocol='tcp' tcptype='active' type='host'/>
              </transport>
            </content>
          </jingle>
        </iq>
        """;

    /** A server-reflexive candidate, with the related address. */
    static final String CHROMIUM_SRFLX_CANDIDATE = """
        <iq xmlns='jabber:component:accept' type='set' id='st-44' from='alice@example.org/web-7f3a' to='team@av.example.org'>
          <jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='a73sjjvkla37jfea'>
            <content creator='initiator' name='0'>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='Xq2d' pwd='k9qVn3y1Lr8pT0bWc6sZm4Hf'>
                <candidate component='1' foundation='842163049' generation='0' ip='203.0.113.7' port='61722' priority='1686052607' protocol='udp' rel-addr='192.0.2.10' rel-port='52711' type='srflx'/>
              </transport>
            </content>
          </jingle>
        </iq>
        """;

    /** The end of the trickle. */
    static final String CHROMIUM_GATHERING_COMPLETE = """
        <iq xmlns='jabber:component:accept' type='set' id='st-45' from='alice@example.org/web-7f3a' to='team@av.example.org'>
          <jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='a73sjjvkla37jfea'>
            <content creator='initiator' name='0'>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='Xq2d' pwd='k9qVn3y1Lr8pT0bWc6sZm4Hf'>
                <gathering-complete/>
              </transport>
            </content>
          </jingle>
        </iq>
        """;

    /**
     * A small native client: one Opus, one VP8 without rtx, no header extensions, one source per
     * content, rtcp-mux on the transport only, and its host candidate right in the offer.
     */
    static final String MINIMAL_OFFER = """
        <iq type='set' id='m1' from='bob@example.org/phone' to='team@av.example.org'>
          <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='min-1' initiator='bob@example.org/phone'>
            <content creator='initiator' name='audio' senders='initiator'>
              <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
                <payload-type id='111' name='opus' clockrate='48000' channels='2'/>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1001'>
                  <parameter name='cname' value='bob'/>
                </source>
              </description>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='bUf1' pwd='bobPasswordForIce0123456'>
                <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99</fingerprint>
                <rtcp-mux/>
                <candidate component='1' foundation='1' generation='0' id='c1' ip='198.51.100.4' network='0' port='40000' priority='2130706431' protocol='udp' type='host'/>
              </transport>
            </content>
            <content creator='initiator' name='video' senders='initiator'>
              <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
                <payload-type id='100' name='VP8' clockrate='90000'>
                  <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
                </payload-type>
                <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2002'>
                  <parameter name='cname' value='bob'/>
                </source>
              </description>
              <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='bUf1' pwd='bobPasswordForIce0123456'>
                <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99</fingerprint>
                <rtcp-mux/>
              </transport>
            </content>
            <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>
              <content name='audio'/>
              <content name='video'/>
            </group>
          </jingle>
        </iq>
        """;

    static IQ tinder(String xml) {
        try {
            return new IQ(DocumentHelper.parseText(xml).getRootElement());
        } catch (DocumentException e) {
            throw new IllegalArgumentException("bad fixture", e);
        }
    }

    static JingleIQ jingle(String xml) throws MalformedJingleException {
        return SmackJingleReading.toJingleIq(tinder(xml));
    }

    static SessionDescription session(String xml) throws MalformedJingleException {
        return JingleConverter.readSession(jingle(xml));
    }

    /** The gateway's transport in tests: one host candidate on its media port. */
    static LocalTransport gatewayTransport() {
        return new LocalTransport("gW1x", "gatewayIcePasswordAbcdef12", "sha-256",
                "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF",
                java.util.List.of(JingleCandidate.udpHost("1", 1, 2130706431L, "192.0.2.1", 10000, 0, "gw-c1")));
    }
}
