package org.chorus.recording.rtp;

/**
 * The RTCP feedback a receiving stream asks for: a recorder that never asks for retransmissions
 * or keyframes keeps only a small part of a lossy video stream, because every lost frame breaks
 * the reference chain until the next keyframe. The caller turns these into RTCP NACK and PLI
 * packets towards the sender.
 */
public interface Feedback {

    /**
     * Asks for the retransmission of packets (RFC 4585 generic NACK).
     *
     * @param mediaSsrc the stream's SSRC, unsigned
     * @param seqs      16-bit sequence numbers in increasing order; valid only during the call
     * @param count     how many of {@code seqs} are used
     */
    void nack(long mediaSsrc, int[] seqs, int count);

    /** Asks for a keyframe (a PLI); already rate-limited by the caller of this method. */
    void keyframeRequest(long mediaSsrc);
}
