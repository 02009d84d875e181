package org.chorus.media.ice;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The remote addresses one {@link IceSession} owns on its {@link SharedUdpPort}: the addresses whose
 * STUN responses, DTLS, RTP and RTCP the port routes to it. Guarded by the session's lock.
 */
final class OwnedRemotes {

    private final SharedUdpPort port;
    private final IceSession session;
    private final List<InetSocketAddress> owned = new ArrayList<>(4);
    private boolean released;

    OwnedRemotes(SharedUdpPort port, IceSession session) {
        this.port = port;
        this.session = session;
    }

    /**
     * Notes a STUN message the agent sends: a check to an address, or a success response to a
     * check from it, makes the session own that address (unless another session of the port does).
     */
    void onStunSent(byte[] b, int offset, int length, InetSocketAddress to) {
        if (length >= 2) {
            int type = ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
            if (type == 0x0001 || type == 0x0101) { // Binding request, Binding success response
                own(to);
            }
        }
    }

    /** Owns {@code remote} unless another session does, or this one gave everything back. */
    void own(InetSocketAddress remote) {
        if (!released && !owned.contains(remote) && port.claim(remote, session)) {
            owned.add(remote);
        }
    }

    /** Gives every address back, for good. */
    void releaseAll() {
        released = true;
        port.release(owned, session);
        owned.clear();
    }
}
