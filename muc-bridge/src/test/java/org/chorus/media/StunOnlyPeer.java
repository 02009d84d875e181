package org.chorus.media;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.StunStack;
import org.ice4j.stack.TransactionID;

/**
 * The ICE half of a peer and nothing more, on one UDP socket, with ice4j's STUN codec: as the
 * controlling agent it sends a nominating Binding request (USE-CANDIDATE) to the gateway every
 * 200 ms, and it answers the gateway's Binding requests, so ICE completes and consent holds; DTLS
 * records and everything else are read and dropped, so the DTLS handshake never completes.
 */
final class StunOnlyPeer implements AutoCloseable {
    private final DatagramSocket socket;
    private final String localUfrag;
    private final String localPwd;
    private final String remoteUfrag;
    private final String remotePwd;
    private final InetSocketAddress remote;
    private final StunStack stun = new StunStack();
    private final long tieBreaker = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    private final Thread reader;
    private final Thread checker;
    private volatile boolean closed;
    volatile long requestsAnswered;
    volatile long responsesReceived;
    volatile long otherDatagrams;

    StunOnlyPeer(DatagramSocket socket, String localUfrag, String localPwd, String remoteUfrag, String remotePwd,
            InetSocketAddress remote) {
        this.socket = socket;
        this.localUfrag = localUfrag;
        this.localPwd = localPwd;
        this.remoteUfrag = remoteUfrag;
        this.remotePwd = remotePwd;
        this.remote = remote;
        stun.getCredentialsManager().registerAuthority(new CredentialsAuthority() {
            @Override
            public byte[] getLocalKey(String username) {
                return first(username).equals(localUfrag) ? localPwd.getBytes(StandardCharsets.UTF_8) : null;
            }

            @Override
            public byte[] getRemoteKey(String username, String media) {
                return first(username).equals(remoteUfrag) ? remotePwd.getBytes(StandardCharsets.UTF_8) : null;
            }

            @Override
            public boolean checkLocalUserName(String username) {
                return first(username).equals(localUfrag);
            }
        });
        reader = new Thread(this::read, "stun-only-peer-reader");
        checker = new Thread(this::check, "stun-only-peer-checks");
        reader.setDaemon(true);
        checker.setDaemon(true);
        reader.start();
        checker.start();
    }

    /** A USERNAME's first fragment ("a" of "a:b"): ice4j asks for keys by either. */
    private static String first(String username) {
        int colon = username.indexOf(':');
        return colon < 0 ? username : username.substring(0, colon);
    }

    private void check() {
        while (!closed) {
            try {
                Request request = MessageFactory.createBindingRequest();
                request.setTransactionID(TransactionID.createNewTransactionID().getBytes());
                String username = remoteUfrag + ":" + localUfrag;
                request.putAttribute(AttributeFactory.createUsernameAttribute(username));
                request.putAttribute(AttributeFactory.createPriorityAttribute(1_853_824_767L));
                request.putAttribute(AttributeFactory.createIceControllingAttribute(tieBreaker));
                request.putAttribute(AttributeFactory.createUseCandidateAttribute());
                request.putAttribute(AttributeFactory.createMessageIntegrityAttribute(username));
                request.putAttribute(AttributeFactory.createFingerprintAttribute());
                byte[] bytes = request.encode(stun);
                socket.send(new DatagramPacket(bytes, bytes.length, remote));
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!closed) {
                    System.out.println("stun-only peer: check not sent: " + e);
                }
            }
        }
    }

    private void read() {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            int first = buf[0] & 0xff;
            if (first > 1 || packet.getLength() < 20) {
                otherDatagrams++; // DTLS (20-63), RTP/RTCP (128-191): never answered
                continue;
            }
            try {
                Message m = Message.decode(buf, 0, packet.getLength());
                if (m instanceof Request request && m.getMessageType() == Message.BINDING_REQUEST) {
                    UsernameAttribute user = (UsernameAttribute) request.getAttribute(Attribute.USERNAME);
                    if (user == null) {
                        continue;
                    }
                    String username = new String(user.getUsername(), StandardCharsets.UTF_8);
                    Response response = MessageFactory.createBindingResponse(request,
                            new TransportAddress((InetSocketAddress) packet.getSocketAddress(), Transport.UDP));
                    response.setTransactionID(request.getTransactionID());
                    response.putAttribute(AttributeFactory.createMessageIntegrityAttribute(username));
                    response.putAttribute(AttributeFactory.createFingerprintAttribute());
                    byte[] bytes = response.encode(stun);
                    socket.send(new DatagramPacket(bytes, bytes.length, packet.getSocketAddress()));
                    requestsAnswered++;
                } else if (m instanceof Response) {
                    responsesReceived++;
                }
            } catch (Exception e) {
                if (!closed) {
                    System.out.println("stun-only peer: " + e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        checker.interrupt();
        stun.shutDown();
    }
}
