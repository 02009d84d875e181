package org.chorus.recording.rtp;

/** Receives the packets the {@link JitterBuffer} releases, in sequence number order. */
interface PacketSink {

    /**
     * The next packet in order. A padding-only packet has {@code length == 0}.
     *
     * @param payload the RTP payload without padding, valid only during the call
     */
    void packet(long extendedTimestamp, boolean marker, byte[] payload, int offset, int length);

    /** The next sequence number was given up: it did not arrive in time. */
    void lost();
}
