package org.chorus.recording.rtp;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lip sync for one participant: puts the frames of its audio and video streams on the recording
 * clock so that what the sender captured at the same moment gets the same timestamp.
 *
 * <p>Each stream's sender reports give its sender time ({@code srNtp + (ts - srTs) / clockRate}).
 * Sender clocks of different participants cannot be compared, but within one participant all
 * streams share the sender's NTP clock, so one offset from sender time to local time serves them
 * all: the smallest {@code arrival - srNtp} over the reports received so far (the report that was
 * least delayed). The offset is frozen when the participant's first stream starts output, so that
 * every stream of the participant uses the same one, whatever the network delay of each.
 *
 * <p>A stream outputs nothing until it can be pinned: it has a sender report and so does every
 * other stream of the participant that is receiving packets, or it has waited the hold time
 * (senders send the first audio report only after seconds). Past the hold time without any
 * report, it falls back to its packets' arrival times (see {@link StreamClock}).
 *
 * <p>Shared by one participant's {@link StreamReceiver}s, which may run on different threads;
 * the shared state is guarded by this object's lock, taken only on reports and before pinning.
 */
public final class ParticipantClock {

    private static final Logger LOG = LoggerFactory.getLogger(ParticipantClock.class);

    private enum OffsetState {
        NONE,
        /** The minimum over the reports so far; may still shrink. */
        MEASURING,
        /** Used by a pinned stream; never changes again. */
        FROZEN
    }

    private final long recordingStartNanos;
    private final List<StreamClock> streams = new ArrayList<>(2);
    private OffsetState offsetState = OffsetState.NONE;
    private long offsetNanos;
    private long minOffsetNanos;

    /** @param recordingStartNanos the recording's time 0, on the {@link System#nanoTime()} scale */
    public ParticipantClock(long recordingStartNanos) {
        this.recordingStartNanos = recordingStartNanos;
    }

    public long recordingStartNanos() {
        return recordingStartNanos;
    }

    synchronized StreamClock register(int clockRate) {
        StreamClock clock = new StreamClock(this, clockRate);
        streams.add(clock);
        return clock;
    }

    synchronized void unregister(StreamClock clock) {
        streams.remove(clock);
    }

    /** An {@code arrival - srNtp} of a sender report. */
    synchronized void offsetCandidate(long candidateNanos) {
        if (offsetState == OffsetState.NONE || candidateNanos < minOffsetNanos) {
            minOffsetNanos = candidateNanos;
        }
        if (offsetState == OffsetState.NONE) {
            offsetState = OffsetState.MEASURING;
        }
        if (offsetState == OffsetState.MEASURING) {
            offsetNanos = minOffsetNanos;
        } else if (offsetNanos - minOffsetNanos > 20_000_000L) {
            LOG.debug("a later sender report arrived {} ms quicker than the frozen offset assumes",
                    (offsetNanos - minOffsetNanos) / 1_000_000);
        }
    }

    synchronized boolean hasOffset() {
        return offsetState != OffsetState.NONE;
    }

    /** The sender-to-local offset in use (frozen once a stream is pinned by a sender report). */
    synchronized long offsetNanos() {
        return offsetNanos;
    }

    /**
     * Pins the stream with the frame it is about to output first, if it may be pinned now.
     *
     * @param force pin now whatever is missing (the stream ends, or holds too much)
     * @return whether the stream is pinned
     */
    synchronized boolean tryPin(StreamClock stream, long baseExtendedTimestamp, long nowNanos, long holdNanos,
                                boolean force) {
        if (stream.state() != StreamClock.State.UNPINNED) {
            return true;
        }
        if (!stream.hasPackets()) {
            return false;
        }
        boolean holdOver = force || nowNanos - stream.firstArrivalNanos() >= holdNanos;
        if (stream.hasSenderReport() && (holdOver || everyActiveStreamHasSenderReport())) {
            offsetState = OffsetState.FROZEN;
            stream.pinBySenderReport(baseExtendedTimestamp, offsetNanos);
            return true;
        }
        if (holdOver) {
            LOG.info("no sender report within the hold time; timing a stream by packet arrival");
            stream.pinByArrival(baseExtendedTimestamp);
            return true;
        }
        return false;
    }

    private boolean everyActiveStreamHasSenderReport() {
        for (StreamClock s : streams) {
            if (s.hasPackets() && !s.hasSenderReport()) {
                return false;
            }
        }
        return true;
    }
}
