package org.chorus.testing.media;

import java.util.random.RandomGenerator;
import org.chorus.media.rtp.Rtcp;
import org.chorus.media.rtp.Rtp;

/**
 * One outgoing RTP stream (one SSRC) of a test sender: it numbers packets from a random sequence
 * number, maps media time onto the stream's RTP clock from a random initial timestamp, and counts
 * what it sent for the sender reports. Used from one thread.
 */
final class RtpStream {
    private final int ssrc;
    private final int payloadType;
    private final int clockRate;
    private long initialTimestamp;
    private int nextSequence;
    private long packets;
    private long octets;

    RtpStream(long ssrc, int payloadType, int clockRate, RandomGenerator random) {
        this.ssrc = (int) ssrc;
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.initialTimestamp = random.nextLong(1L << 32);
        this.nextSequence = random.nextInt(1 << 16);
    }

    long ssrc() {
        return Integer.toUnsignedLong(ssrc);
    }

    int payloadType() {
        return payloadType;
    }

    int clockRate() {
        return clockRate;
    }

    /**
     * Moves every later timestamp (RTP and sender reports alike) by {@code ticks}, as a sender
     * whose clock jumps would: for tests of a receiver's defences.
     */
    void jump(long ticks) {
        initialTimestamp = (initialTimestamp + ticks) & 0xFFFF_FFFFL;
    }

    /**
     * The 32-bit RTP timestamp of a media time in µs (0 = the sender's start), rounded to the
     * nearest tick: frame times in whole µs (33 333 at 30 fps) then still step by exactly 3000.
     */
    long timestamp(long mediaMicros) {
        return (initialTimestamp + Math.floorDiv(mediaMicros * clockRate + 500_000L, 1_000_000L)) & 0xFFFF_FFFFL;
    }

    /** The 32-bit RTP timestamp of a media time in ns, for sender reports. */
    long timestampAtNanos(long mediaNanos) {
        long whole = Math.floorDiv(mediaNanos, 1_000_000_000L) * clockRate;
        long part = Math.floorMod(mediaNanos, 1_000_000_000L) * clockRate / 1_000_000_000L;
        return (initialTimestamp + whole + part) & 0xFFFF_FFFFL;
    }

    /**
     * Writes the 12-byte header of the next packet at {@code buf[0]} and counts a packet of
     * {@code payloadLength} bytes; returns the header length.
     */
    int writeHeader(byte[] buf, long mediaMicros, boolean marker, int payloadLength) {
        buf[0] = (byte) 0x80;
        buf[1] = 0;
        Rtp.setPayloadType(buf, 0, payloadType);
        Rtp.setMarker(buf, 0, marker);
        Rtp.setSequenceNumber(buf, 0, nextSequence);
        Rtp.setTimestamp(buf, 0, timestamp(mediaMicros));
        Rtp.setSsrc(buf, 0, ssrc);
        nextSequence = (nextSequence + 1) & 0xFFFF;
        packets++;
        octets += payloadLength;
        return Rtp.FIXED_HEADER_LENGTH;
    }

    /** Writes a sender report for the instant {@code mediaNanos} whose wall clock is {@code ntp}. */
    int writeSenderReport(byte[] buf, long ntp, long mediaNanos) {
        return Rtcp.writeSr(buf, 0, ssrc, ntp, timestampAtNanos(mediaNanos), packets & 0xFFFF_FFFFL,
                octets & 0xFFFF_FFFFL);
    }
}
