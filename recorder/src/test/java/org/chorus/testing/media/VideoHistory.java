package org.chorus.testing.media;

import org.chorus.media.rtp.Rtp;

/**
 * The last {@link #CAPACITY} video packets sent, by sequence number, so that NACKs can be answered
 * with the original packets (no RTX). Written by the sending thread, read by the thread that
 * delivers feedback; the slots are preallocated, so that sending allocates nothing.
 */
final class VideoHistory {
    static final int CAPACITY = 1024;

    /** Gets a packet found for a NACK; the buffer is only valid during the call. */
    interface Resend {
        void packet(byte[] buf, int length);
    }

    private final byte[][] slots = new byte[CAPACITY][1500];
    private final int[] lengths = new int[CAPACITY];
    private final int[] sequences = new int[CAPACITY];

    synchronized void store(byte[] packet, int length) {
        int seq = Rtp.sequenceNumber(packet, 0);
        int i = seq & (CAPACITY - 1);
        System.arraycopy(packet, 0, slots[i], 0, length);
        lengths[i] = length;
        sequences[i] = seq;
    }

    /** Calls {@code resend} for every requested packet still held; returns how many were found. */
    synchronized int resend(int[] seqs, Resend resend) {
        int found = 0;
        for (int seq : seqs) {
            int i = (seq & 0xFFFF) & (CAPACITY - 1);
            if (lengths[i] > 0 && sequences[i] == (seq & 0xFFFF)) {
                resend.packet(slots[i], lengths[i]);
                found++;
            }
        }
        return found;
    }
}
