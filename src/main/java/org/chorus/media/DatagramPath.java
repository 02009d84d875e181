package org.chorus.media;

/**
 * A connected datagram path to one peer: ICE's selected candidate pair in production, a plain
 * socket pair in tests. The security layer (DTLS-SRTP) runs on top of it.
 */
public interface DatagramPath {

    /** Receives datagrams; the buffer is only valid during the call, so a receiver that keeps data copies it. */
    @FunctionalInterface
    interface Receiver {
        void receive(byte[] buffer, int offset, int length);
    }

    /**
     * Sends one datagram. Returns false, dropping it, when the path cannot send yet (no selected
     * pair) or any more (closed); callers treat that as loss, as UDP would.
     */
    boolean send(byte[] buffer, int offset, int length);

    /** Sets who receives incoming datagrams. Called on the path's receive thread, which must never block. */
    void setReceiver(Receiver receiver);

    void close();
}
