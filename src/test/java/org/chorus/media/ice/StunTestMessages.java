package org.chorus.media.ice;

import java.net.InetSocketAddress;
import java.util.Arrays;
import org.ice4j.StunException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;

/** Hand-made STUN messages, as a peer would send them, for driving an {@link IceAgent} in tests. */
final class StunTestMessages {

    private static int counter;

    private StunTestMessages() {
    }

    /** A binding request; {@code controlling} null for no role attribute, {@code password} null for no integrity. */
    static byte[] request(String username, String password, Boolean controlling, long tieBreaker,
                          boolean useCandidate) {
        Request request = MessageFactory.createBindingRequest();
        setId(request, nextId());
        if (username != null) {
            request.putAttribute(AttributeFactory.createUsernameAttribute(username));
        }
        request.putAttribute(AttributeFactory.createPriorityAttribute(IceAgent.PRFLX_PRIORITY));
        if (controlling != null) {
            request.putAttribute(controlling
                    ? AttributeFactory.createIceControllingAttribute(tieBreaker)
                    : AttributeFactory.createIceControlledAttribute(tieBreaker));
        }
        if (useCandidate) {
            request.putAttribute(AttributeFactory.createUseCandidateAttribute());
        }
        return encode(request, password);
    }

    /** A success response to {@code request}, mapping {@code mapped}, with integrity by {@code password}. */
    static byte[] success(byte[] request, InetSocketAddress mapped, String password) {
        Message decoded = StunCodec.decode(request);
        Response response = MessageFactory.createBindingResponse((Request) decoded,
                new TransportAddress(mapped.getAddress(), mapped.getPort(), Transport.UDP));
        setId(response, decoded.getTransactionID());
        return encode(response, password);
    }

    /** An error response to {@code request}. */
    static byte[] error(byte[] request, char code, String password) {
        Message decoded = StunCodec.decode(request);
        Response response = MessageFactory.createBindingErrorResponse(code);
        setId(response, decoded.getTransactionID());
        return encode(response, password);
    }

    static byte[] encode(Message message, String password) {
        StunCodec codec = new StunCodec();
        int length = codec.encode(message, password);
        return Arrays.copyOf(codec.buffer(), length);
    }

    static int errorCode(Message response) {
        Attribute a = response.getAttribute(Attribute.ERROR_CODE);
        return a instanceof ErrorCodeAttribute e ? e.getErrorCode() : -1;
    }

    private static byte[] nextId() {
        byte[] id = new byte[12];
        Arrays.fill(id, (byte) 0x5A);
        int n = ++counter;
        id[8] = (byte) (n >> 24);
        id[9] = (byte) (n >> 16);
        id[10] = (byte) (n >> 8);
        id[11] = (byte) n;
        return id;
    }

    private static void setId(Message message, byte[] id) {
        try {
            message.setTransactionID(id);
        } catch (StunException e) {
            throw new IllegalStateException(e);
        }
    }
}
