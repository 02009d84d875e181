/**
 * Allocation-light RTP and RTCP primitives for the forwarding hot path and the recorder.
 *
 * <ul>
 *   <li>{@link org.chorus.media.rtp.PacketBuffer} and {@link org.chorus.media.rtp.BufferPool}: pooled
 *       packet arrays with headroom and SRTP tailroom, and the ownership rules every user follows.</li>
 *   <li>{@link org.chorus.media.rtp.Rtp}, {@link org.chorus.media.rtp.RtpHeaderExtensions},
 *       {@link org.chorus.media.rtp.Rtcp}, {@link org.chorus.media.rtp.Vp8Payload} and
 *       {@link org.chorus.media.rtp.H264Payload}: static accessors over {@code (byte[], offset,
 *       length)} that never allocate on the per-packet path and never throw on garbage where they
 *       take a length.</li>
 *   <li>{@link org.chorus.media.rtp.SequenceNumbers} and {@link org.chorus.media.rtp.RtpTimestamps}:
 *       wrap-around arithmetic.</li>
 *   <li>{@link org.chorus.media.rtp.RetransmissionCache} and
 *       {@link org.chorus.media.rtp.KeyframeRequestLimiter}: the per-stream state behind NACK and
 *       PLI/FIR handling.</li>
 * </ul>
 *
 * All packets are plaintext: SRTP is removed before these classes see a packet and applied after.
 */
package org.chorus.media.rtp;
