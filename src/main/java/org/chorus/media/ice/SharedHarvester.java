package org.chorus.media.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.util.Buffer;

/**
 * ice4j's single-port harvester, plus the ability to send connectivity checks first.
 *
 * <p>The stock harvester creates the per-peer socket of a session (the route from a remote
 * address to the session's agent) only when a STUN request from that address arrives with the
 * session's ufrag. Until then the agent's own checks to that address fail ("socket not found"):
 * the gateway could only answer, which works with browsers (they check first) but not between two
 * such agents, nor with a peer that waits to be checked. {@link #openRoute} creates the route for
 * a remote candidate up front, through the same protected hook ice4j uses for incoming requests
 * ({@code maybeAcceptNewSession}, whose buffer argument is unused in this ice4j version).
 *
 * <p>Routes are keyed by remote address only, as in ice4j: one remote transport address belongs to
 * one session of a port at a time, the first to get it, by an incoming request or by
 * {@link #openRoute}. Two sessions whose peers use the same address and port cannot share a port
 * (their datagrams could not be told apart anyway). A route is opened for a candidate only while
 * no other session holds that address, so a peer cannot divert a connected session's traffic by
 * signalling its address. What remains: a peer that guesses the address and port another peer
 * will use could hold it first, until its own session fails or closes (at most the connect
 * timeout, as a session that cannot check that address never connects). Sessions open routes only
 * once their checks start, and free them when they fail or close.
 */
final class SharedHarvester extends SinglePortUdpHarvester {

    /** What {@link #openRoute} did. */
    enum RouteResult { OPENED, EXISTING, TAKEN, FAILED }

    private record Route(String ufrag, MySocket socket) {
    }

    /** Remote address to route; guarded by this. */
    private final Map<InetSocketAddress, Route> routes = new HashMap<>();

    SharedHarvester(TransportAddress localAddress) throws IOException {
        super(localAddress);
    }

    /**
     * Called by ice4j's receive thread for a STUN request from an unknown address. Reuses a route
     * that {@link #openRoute} created for the same session meanwhile: creating a second socket for
     * the same remote address would make ice4j close the first, and that close removes the new
     * route from ice4j's table.
     */
    @Override
    protected synchronized MySocket maybeAcceptNewSession(Buffer buf, InetSocketAddress remote, String ufrag) {
        Route existing = routes.get(remote);
        if (existing != null && existing.ufrag.equals(ufrag) && !existing.socket.isClosed()) {
            return existing.socket;
        }
        MySocket socket = super.maybeAcceptNewSession(buf, remote, ufrag);
        if (socket != null) {
            routes.put(remote, new Route(ufrag, socket));
        }
        return socket;
    }

    /** Creates the route from {@code remote} to the session whose local ufrag is {@code ufrag}. */
    synchronized RouteResult openRoute(String ufrag, InetSocketAddress remote) {
        InetSocketAddress key = new InetSocketAddress(remote.getAddress(), remote.getPort());
        Route existing = routes.get(key);
        if (existing != null && !existing.socket.isClosed()) {
            return existing.ufrag.equals(ufrag) ? RouteResult.EXISTING : RouteResult.TAKEN;
        }
        MySocket socket = super.maybeAcceptNewSession(null, key, ufrag);
        if (socket == null) {
            return RouteResult.FAILED;
        }
        routes.put(key, new Route(ufrag, socket));
        return RouteResult.OPENED;
    }

    /** Forgets the routes of a session whose agent was freed (freeing closed their sockets). */
    synchronized void forget(String ufrag) {
        routes.values().removeIf(r -> r.ufrag.equals(ufrag) || r.socket.isClosed());
    }

    synchronized int routeCount() {
        return routes.size();
    }
}
