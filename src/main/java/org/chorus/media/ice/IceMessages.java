package org.chorus.media.ice;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.PriorityAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;

/**
 * The ICE binding messages an {@link IceAgent} sends and the parts of a request it reads, built
 * and read with ice4j's message classes; {@link StunCodec} turns them into bytes.
 */
final class IceMessages {

    private IceMessages() {
    }

    /**
     * A connectivity or consent check (RFC 8445 §7.2.2): USERNAME "remote:local", PRIORITY, our
     * role with the tie-breaker, and USE-CANDIDATE when it nominates.
     */
    static Request check(long transactionHigh, int transactionLow, String username, long priority,
                         boolean controlling, long tieBreaker, boolean useCandidate) {
        Request request = MessageFactory.createBindingRequest();
        StunCodec.setTransactionId(request, transactionHigh, transactionLow);
        request.putAttribute(AttributeFactory.createUsernameAttribute(username));
        request.putAttribute(AttributeFactory.createPriorityAttribute(priority));
        request.putAttribute(controlling
                ? AttributeFactory.createIceControllingAttribute(tieBreaker)
                : AttributeFactory.createIceControlledAttribute(tieBreaker));
        if (useCandidate) {
            request.putAttribute(AttributeFactory.createUseCandidateAttribute());
        }
        return request;
    }

    /** The success response to {@code request}, with XOR-MAPPED-ADDRESS {@code from}. */
    static Response success(Message request, InetSocketAddress from) {
        Response response = MessageFactory.createBindingResponse((Request) request,
                new TransportAddress(from.getAddress(), from.getPort(), Transport.UDP));
        StunCodec.setTransactionId(response, request.getTransactionID());
        return response;
    }

    /** The error response {@code code} to {@code request}. */
    static Response error(Message request, char code) {
        Response response = MessageFactory.createBindingErrorResponse(code);
        StunCodec.setTransactionId(response, request.getTransactionID());
        return response;
    }

    /** Whether the request's USERNAME is "{@code localUfrag}:something". */
    static boolean isFor(Message request, String localUfrag) {
        Attribute attribute = request.getAttribute(Attribute.USERNAME);
        if (!(attribute instanceof UsernameAttribute username)) {
            return false;
        }
        String text = new String(username.getUsername(), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return colon == localUfrag.length() && text.startsWith(localUfrag);
    }

    /** The request's PRIORITY, the priority of the peer-reflexive candidate it may reveal. */
    static long priority(Message request, long otherwise) {
        Attribute priority = request.getAttribute(Attribute.PRIORITY);
        return priority instanceof PriorityAttribute p ? p.getPriority() : otherwise;
    }
}
