package org.chorus.recording.rtp;

import org.chorus.media.rtp.RtpTimestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps one stream's extended RTP timestamps to the recording clock, as part of a
 * {@link ParticipantClock}.
 *
 * <p>The mapping is pinned once, at the stream's first output frame, and then advances with the
 * RTP clock alone, so that output timestamps are as smooth as the sender's clock. Pinned by a
 * sender report, the frame's local time is its sender time plus the participant's offset; pinned
 * without one (none came within the hold time), it is the frame's media time plus the smallest
 * {@code arrival - mediaTime} seen over the stream's packets. Later sender reports only measure
 * how far the pinned mapping has drifted.
 */
final class StreamClock {

    private static final Logger LOG = LoggerFactory.getLogger(StreamClock.class);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Drift beyond this is logged as a warning (once per crossing). */
    private static final long DRIFT_WARNING_NANOS = 40_000_000L;

    enum State {
        UNPINNED,
        PINNED_BY_SENDER_REPORT,
        PINNED_BY_ARRIVAL
    }

    private final ParticipantClock participant;
    private final int clockRate;

    private boolean hasPackets;
    private long firstArrivalNanos;
    private long firstTimestamp;
    private long minArrivalMinusMediaNanos;

    private boolean hasSenderReport;
    private long srNtpNanos;
    private long srRtpTimestamp;

    private State state = State.UNPINNED;
    private long baseTimestamp;
    private long baseLocalNanos;
    private long driftNanos;
    private boolean driftWarned;

    StreamClock(ParticipantClock participant, int clockRate) {
        this.participant = participant;
        this.clockRate = clockRate;
    }

    State state() {
        return state;
    }

    /** Sender-report drift of the pinned mapping: pinned local time minus the reported one, at the last SR. */
    long driftNanos() {
        return driftNanos;
    }

    /** Every received media packet, for the fallback mapping and the hold time. */
    void packet(long extendedTimestamp, long arrivalNanos) {
        synchronized (participant) {
            if (!hasPackets) {
                hasPackets = true;
                firstArrivalNanos = arrivalNanos;
                firstTimestamp = extendedTimestamp;
                minArrivalMinusMediaNanos = arrivalNanos;
                return;
            }
            long candidate = arrivalNanos - ticksToNanos(extendedTimestamp - firstTimestamp);
            if (candidate < minArrivalMinusMediaNanos) {
                minArrivalMinusMediaNanos = candidate;
            }
        }
    }

    /** A sender report for this stream: 64-bit NTP time, 32-bit RTP timestamp. */
    void senderReport(long ntpTimestamp, long rtpTimestamp, long arrivalNanos) {
        long ntpNanos = ntpToNanos(ntpTimestamp);
        synchronized (participant) {
            hasSenderReport = true;
            srNtpNanos = ntpNanos;
            srRtpTimestamp = rtpTimestamp & RtpTimestamps.MASK;
            participant.offsetCandidate(arrivalNanos - ntpNanos);
            if (state != State.UNPINNED && participant.hasOffset()) {
                measureDrift();
            }
        }
    }

    boolean hasPackets() {
        return hasPackets;
    }

    boolean hasSenderReport() {
        return hasSenderReport;
    }

    long firstArrivalNanos() {
        return firstArrivalNanos;
    }

    /** Pins with the latest sender report and the participant's offset. Called under the participant's lock. */
    void pinBySenderReport(long baseExtendedTimestamp, long offsetNanos) {
        baseTimestamp = baseExtendedTimestamp;
        baseLocalNanos = senderTimeNanos(baseExtendedTimestamp) + offsetNanos;
        state = State.PINNED_BY_SENDER_REPORT;
    }

    /** Pins with the arrival times of the packets so far. Called under the participant's lock. */
    void pinByArrival(long baseExtendedTimestamp) {
        baseTimestamp = baseExtendedTimestamp;
        baseLocalNanos = ticksToNanos(baseExtendedTimestamp - firstTimestamp) + minArrivalMinusMediaNanos;
        state = State.PINNED_BY_ARRIVAL;
    }

    /**
     * Moves the pinned mapping so that {@code extendedTimestamp} falls at {@code localNanos}: for a
     * sender whose timestamps jumped. The stream stays pinned as it was.
     */
    void reanchor(long extendedTimestamp, long localNanos) {
        synchronized (participant) {
            baseTimestamp = extendedTimestamp;
            baseLocalNanos = localNanos;
        }
    }

    /** The frame's time on the recording clock in µs; only once pinned. May be negative. */
    long ptsMicros(long extendedTimestamp, long recordingStartNanos) {
        long local = baseLocalNanos + ticksToNanos(extendedTimestamp - baseTimestamp);
        return Math.floorDiv(local - recordingStartNanos, 1000L);
    }

    private long senderTimeNanos(long extendedTimestamp) {
        return srNtpNanos + ticksToNanos(RtpTimestamps.delta(extendedTimestamp, srRtpTimestamp));
    }

    private void measureDrift() {
        long pinned = baseLocalNanos + ticksToNanos(RtpTimestamps.delta(srRtpTimestamp, baseTimestamp));
        long reported = srNtpNanos + participant.offsetNanos();
        driftNanos = pinned - reported;
        boolean large = Math.abs(driftNanos) > DRIFT_WARNING_NANOS;
        if (large && !driftWarned) {
            LOG.warn("stream clock drifted {} ms from its sender reports (pinned {})", driftNanos / 1_000_000, state);
        } else {
            LOG.debug("stream clock drift {} µs", driftNanos / 1000);
        }
        driftWarned = large;
    }

    /** RTP ticks to nanoseconds, exact for any tick count (no overflow of ticks × 10^9). */
    long ticksToNanos(long ticks) {
        return ticks / clockRate * NANOS_PER_SECOND + ticks % clockRate * NANOS_PER_SECOND / clockRate;
    }

    /** A 64-bit NTP timestamp (seconds since 1900, 32-bit fraction) in nanoseconds. */
    static long ntpToNanos(long ntpTimestamp) {
        long seconds = ntpTimestamp >>> 32;
        long fraction = ntpTimestamp & 0xFFFF_FFFFL;
        return seconds * NANOS_PER_SECOND + ((fraction * NANOS_PER_SECOND) >>> 32);
    }
}
