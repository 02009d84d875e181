package org.chorus.media;

import java.time.Duration;

/**
 * How much retransmission one receiver may cause (issue 8: a receiver's NACKs must not stall the
 * calls of others, nor be relayed to the sender as a flood).
 *
 * @param resendInterval a sequence number is resent to the same receiver (or asked of the sender
 *     for it) at most once within this interval, about a round trip
 * @param budgetPercent a receiver's retransmitted bytes stay within this share of the bytes
 *     forwarded to it ...
 * @param floorBytesPerSecond ... plus this much, so that a receiver of a quiet stream can recover too
 * @param burstBytes the most budget a receiver can save up while it asks for nothing
 * @param assumedPacketBytes what asking the sender for a packet the gateway does not have costs the
 *     receiver's budget (the retransmission, when it comes, is about a full packet)
 * @param upstreamInterval the sender gets at most one NACK packet per interval, whatever the
 *     number of receivers that asked
 * @param upstreamMaxPerNack the most sequence numbers one NACK to the sender asks for; more wait
 *     for a later NACK of the receiver
 */
public record RetransmissionLimits(
        Duration resendInterval,
        int budgetPercent,
        int floorBytesPerSecond,
        int burstBytes,
        int assumedPacketBytes,
        Duration upstreamInterval,
        int upstreamMaxPerNack) {

    /** Bytes on the wire per packet beyond the RTP packet (IP, UDP, SRTP tag), for the budget. */
    public static final int PACKET_OVERHEAD_BYTES = 48;

    public static final RetransmissionLimits DEFAULTS = new RetransmissionLimits(
            Duration.ofMillis(100), 50, 8_000, 64_000, 1_200, Duration.ofMillis(20), 64);

    public RetransmissionLimits {
        if (resendInterval.isNegative() || upstreamInterval.isNegative() || budgetPercent < 0 || floorBytesPerSecond < 0
                || burstBytes < 0 || assumedPacketBytes < 1 || upstreamMaxPerNack < 1) {
            throw new IllegalArgumentException("retransmission limits must not be negative, and the packet sizes positive");
        }
    }
}
