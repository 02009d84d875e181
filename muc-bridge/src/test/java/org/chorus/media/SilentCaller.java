package org.chorus.media;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chorus.jingle.JingleCandidate;
import org.chorus.jingle.DtlsSetup;
import org.chorus.jingle.Fingerprint;
import org.chorus.jingle.IceTransport;
import org.chorus.jingle.JingleMessages;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.client.ClientDescriptions;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.jingle.client.LocalStreams;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;

/**
 * A member that calls the conference with a well-formed offer and then never says or does anything
 * on the media path: its only candidate is a UDP socket that nobody reads, so the gateway's ICE
 * checks go unanswered and no check or DTLS record ever comes from it; or, with
 * {@link #answerChecksButNeverDtls}, ICE completes but no DTLS record ever comes from it. Every Jingle request it gets
 * is acknowledged (IQ result) and otherwise ignored; the reasons of the session-terminates are
 * recorded as they arrived on the wire.
 */
final class SilentCaller implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern TERMINATE = Pattern.compile("<jingle\\b[^>]*\\baction=['\"]session-terminate['\"][^>]*>");
    private static final Pattern SID = Pattern.compile("\\bsid=['\"]([^'\"]+)['\"]");
    private static final Pattern REASON = Pattern.compile("<reason[^>]*>\\s*<([a-z-]+)");

    private static final Pattern ACCEPT = Pattern.compile("<jingle\\b[^>]*\\baction=['\"]session-accept['\"][^>]*>");
    private static final Pattern TRANSPORT = Pattern.compile("<transport\\b[^>]*>");
    private static final Pattern CANDIDATE = Pattern.compile("<candidate\\b[^>]*>");

    final XmppTestClient xmpp;
    private final Map<String, String> terminated = new ConcurrentHashMap<>();
    private final Map<String, String> accepts = new ConcurrentHashMap<>();
    private final Map<String, String[]> credentials = new ConcurrentHashMap<>();
    private volatile StunOnlyPeer stunPeer;
    private final DatagramSocket deaf;
    private final IQRequestHandler acknowledge;

    SilentCaller(XmppTestClient xmpp) throws SocketException {
        this.xmpp = xmpp;
        this.deaf = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acknowledge = new AbstractIqRequestHandler("jingle", "urn:xmpp:jingle:1", IQ.Type.set, IQRequestHandler.Mode.async) {
            @Override
            public IQ handleIQRequest(IQ request) {
                String xml = request.toXML().toString();
                recordTerminate(xml);
                recordAccept(xml);
                return IQ.createResultIQ(request);
            }
        };
        xmpp.connection().registerIQRequestHandler(acknowledge);
    }

    /** Sends the session-initiate (as a browser's would be) and returns its sid once the gateway acknowledged it. */
    String call(Jid conference, ClientMedia media) {
        String sid = "silent" + HexFormat.of().formatHex(bytes(6));
        JingleCandidate host = JingleCandidate.udpHost("1", 1, 2_130_706_431L, deaf.getLocalAddress().getHostAddress(),
                deaf.getLocalPort(), 0, "silent1");
        String ufrag = HexFormat.of().formatHex(bytes(4));
        String pwd = HexFormat.of().formatHex(bytes(12));
        credentials.put(sid, new String[] {ufrag, pwd});
        IceTransport transport = new IceTransport(ufrag, pwd,
                new Fingerprint(media.certificate().hashFunction(), media.certificate().fingerprint(), DtlsSetup.ACTPASS),
                true, List.of(host), true);
        SessionDescription offer = ClientDescriptions.joinOffer(LocalStreams.audioAndVideo().withoutRtx(), transport);
        IQ reply = xmpp.sendIqAndWait(JingleMessages.sessionInitiate(xmpp.jid(), conference, sid, offer));
        if (reply.getType() != IQ.Type.result) {
            throw new AssertionError("the gateway refused the silent call: " + reply.toXML());
        }
        return sid;
    }

    /**
     * From the gateway's session-accept of {@code sid} on, the socket answers ICE like a peer
     * would ({@link StunOnlyPeer}: it nominates the pair and answers consent) but never does DTLS.
     */
    void answerChecksButNeverDtls(String sid, java.time.Duration acceptTimeout) throws InterruptedException {
        long deadline = System.nanoTime() + acceptTimeout.toNanos();
        String accept;
        while ((accept = accepts.get(sid)) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no session-accept for " + sid);
            }
            Thread.sleep(20);
        }
        Matcher transport = TRANSPORT.matcher(accept);
        Matcher candidate = CANDIDATE.matcher(accept);
        if (!transport.find() || !candidate.find()) {
            throw new AssertionError("no transport or candidate in the session-accept: " + accept);
        }
        String[] own = credentials.get(sid);
        stunPeer = new StunOnlyPeer(deaf, own[0], own[1], attribute(transport.group(), "ufrag"),
                attribute(transport.group(), "pwd"), new java.net.InetSocketAddress(attribute(candidate.group(), "ip"),
                        Integer.parseInt(attribute(candidate.group(), "port"))));
    }

    /** Whether the ICE-only socket answered the gateway's checks and got answers to its own. */
    boolean iceCompleted() {
        StunOnlyPeer p = stunPeer;
        return p != null && p.requestsAnswered > 0 && p.responsesReceived > 0;
    }

    /** What the ICE-only socket saw: Binding requests answered, responses, other datagrams (DTLS). */
    String stunSummary() {
        StunOnlyPeer p = stunPeer;
        return p == null ? "no ICE" : p.requestsAnswered + " checks answered, " + p.responsesReceived
                + " responses to ours, " + p.otherDatagrams + " other datagrams (DTLS) dropped";
    }

    private static String attribute(String element, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=['\"]([^'\"]*)['\"]").matcher(element);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + element);
        }
        return m.group(1);
    }

    private void recordAccept(String xml) {
        Matcher jingle = ACCEPT.matcher(xml);
        if (jingle.find()) {
            Matcher sid = SID.matcher(jingle.group());
            if (sid.find()) {
                accepts.putIfAbsent(sid.group(1), xml);
            }
        }
    }

    /** The reason of the gateway's session-terminate for {@code sid}, once it came. */
    Optional<String> terminateReason(String sid) {
        return Optional.ofNullable(terminated.get(sid));
    }

    private void recordTerminate(String xml) {
        Matcher jingle = TERMINATE.matcher(xml);
        if (jingle.find()) {
            Matcher sid = SID.matcher(jingle.group());
            Matcher reason = REASON.matcher(xml);
            if (sid.find()) {
                terminated.putIfAbsent(sid.group(1), reason.find() ? reason.group(1) : "(no reason)");
            }
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public void close() {
        xmpp.connection().unregisterIQRequestHandler(acknowledge);
        StunOnlyPeer p = stunPeer;
        if (p != null) {
            p.close();
        }
        deaf.close();
        xmpp.close();
    }
}
