package org.chorus.recording.rtp;

import java.time.Duration;
import java.util.Objects;
import org.chorus.media.rtp.Bytes;
import org.chorus.media.rtp.Rtp;
import org.chorus.media.rtp.RtpTimestamps;
import org.chorus.recording.media.Codec;
import org.chorus.recording.media.MediaKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive side of one recorded stream: plaintext RTP in, whole frames on the recording clock
 * out, and the NACKs and keyframe requests that keep a lossy video stream recordable.
 *
 * <p>Packets go through a {@link JitterBuffer} (order, duplicates, a bounded wait for missing
 * packets), then a {@link FrameAssembler} for the codec. For video, a lost frame breaks the
 * reference chain: the following frames are dropped until a keyframe, which is requested through
 * {@link Feedback}; missing packets of small gaps are NACKed while a retransmission can still make
 * the jitter deadline. Frames are then timed by the participant's {@link ParticipantClock} (held
 * until it can time them) and handed to the {@link FrameListener} with timestamps that never
 * decrease.
 *
 * <p>Time is passed in explicitly ({@link System#nanoTime()} scale), which keeps the class
 * deterministic under test. Calls for one receiver come from one thread; the listener and the
 * feedback are called on it, from {@link #rtp}, {@link #rtx}, {@link #poll} and {@link #close}.
 */
public final class StreamReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(StreamReceiver.class);

    /**
     * Tuning; {@link #defaults()} follows what worked for WebRTC senders.
     *
     * @param jitterDelay          how long a gap holds later packets back
     * @param capacity             jitter buffer slots (a power of two), the most packets one gap can hold back
     * @param maxNackGap           gaps of this many packets or more get a keyframe request instead of NACKs
     * @param nackRetries          NACKs per missing video packet
     * @param nackInterval         time between NACKs of one packet
     * @param nackMinRemaining     no NACK when less than this is left before the packet's deadline
     * @param keyframeInterval     at most one keyframe request per this interval
     * @param keyframeTimeout      repeat a request when neither a keyframe nor a request happened for this long
     * @param syncHold             how long frames wait for sender reports before falling back to arrival times
     * @param maxHeldBytes         frames held beyond this many bytes are timed at once, whatever is missing
     */
    public record Settings(Duration jitterDelay, int capacity, int maxNackGap, int nackRetries, Duration nackInterval,
                           Duration nackMinRemaining, Duration keyframeInterval, Duration keyframeTimeout,
                           Duration syncHold, int maxHeldBytes) {

        public Settings {
            Objects.requireNonNull(jitterDelay, "jitterDelay");
            Objects.requireNonNull(nackInterval, "nackInterval");
            Objects.requireNonNull(nackMinRemaining, "nackMinRemaining");
            Objects.requireNonNull(keyframeInterval, "keyframeInterval");
            Objects.requireNonNull(keyframeTimeout, "keyframeTimeout");
            Objects.requireNonNull(syncHold, "syncHold");
            if (Integer.bitCount(capacity) != 1 || capacity < 16) {
                throw new IllegalArgumentException("capacity must be a power of two, at least 16: " + capacity);
            }
            if (maxNackGap < 1 || maxNackGap > capacity) {
                throw new IllegalArgumentException("maxNackGap must be 1.." + capacity + ": " + maxNackGap);
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofMillis(100), 1024, 256, 3, Duration.ofMillis(50), Duration.ofMillis(20),
                    Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(3), 16 << 20);
        }

        public Settings withJitterDelay(Duration delay) {
            return new Settings(delay, capacity, maxNackGap, nackRetries, nackInterval, nackMinRemaining,
                    keyframeInterval, keyframeTimeout, syncHold, maxHeldBytes);
        }
    }

    /**
     * Counters since the receiver was made.
     *
     * @param packets          valid RTP and RTX packets for this stream, padding and duplicates included
     * @param paddingPackets   padding-only packets (RTX padding included)
     * @param duplicatePackets packets already received
     * @param latePackets      packets that came after their place was given up
     * @param lostPackets      sequence numbers given up at the jitter deadline
     * @param recoveredPackets NACKed packets that arrived in time
     * @param invalidPackets   packets that were not valid RTP for this stream
     * @param framesOut        frames handed to the listener
     * @param framesDropped    frames thrown away: incomplete, or waiting for a keyframe
     * @param nacksSent        sequence numbers NACKed, retries included
     * @param plisSent         keyframe requests
     * @param ptsClamped       frames whose timestamp was raised to keep timestamps from decreasing
     */
    public record Stats(long packets, long paddingPackets, long duplicatePackets, long latePackets, long lostPackets,
                        long recoveredPackets, long invalidPackets, long framesOut, long framesDropped,
                        long nacksSent, long plisSent, long ptsClamped) {
    }

    private enum State {
        /** Video only: frames are dropped until a keyframe (at the start and after a loss). */
        AWAITING_KEYFRAME,
        FLOWING,
        CLOSED
    }

    private final Codec codec;
    private final long ssrc;
    private final ParticipantClock participant;
    private final StreamClock clock;
    private final FrameListener out;
    private final Feedback feedback;
    private final Settings settings;
    private final boolean video;
    private final JitterBuffer buffer;
    private final FrameAssembler assembler;
    private final KeyframeRequests keyframes;
    private final HeldFrames held = new HeldFrames();
    private final RtpTimestamps.Unwrapper timestamps = new RtpTimestamps.Unwrapper();
    private final int[] nackSeqs = new int[64];
    private final long holdNanos;
    private final FrameSink frameSink = new AssembledFrames();
    private final HeldFrames.Consumer timedOutput = this::output;
    /** Frames further than this from the local clock mean the sender's timestamps jumped. */
    static final long MAX_JUMP_MICROS = 10_000_000L;
    private long reanchors;

    private State state;
    /** The time of the call being handled. */
    private long nowNanos;
    private long lastPtsMicros;

    private long packets;
    private long paddingPackets;
    private long duplicatePackets;
    private long latePackets;
    private long recoveredPackets;
    private long invalidPackets;
    private long framesOut;
    private long framesDropped;
    private long nacksSent;
    private long plisSent;
    private long ptsClamped;

    /**
     * @param ssrc  the stream's media SSRC (unsigned); RTP packets with another SSRC are ignored
     * @param clock the participant's clock, shared with its other streams
     */
    public StreamReceiver(Codec codec, long ssrc, ParticipantClock clock, FrameListener out, Feedback feedback,
                          Settings settings) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.ssrc = ssrc & 0xFFFF_FFFFL;
        this.participant = Objects.requireNonNull(clock, "clock");
        this.out = Objects.requireNonNull(out, "out");
        this.feedback = Objects.requireNonNull(feedback, "feedback");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.video = codec.kind() == MediaKind.VIDEO;
        this.clock = clock.register(codec.clockRate());
        this.buffer = new JitterBuffer(settings.capacity(), settings.jitterDelay().toNanos(), settings.maxNackGap(),
                video ? settings.nackRetries() : 0, settings.nackInterval().toNanos(),
                settings.nackMinRemaining().toNanos());
        this.assembler = FrameAssembler.forCodec(codec, frameSink);
        this.keyframes = new KeyframeRequests(settings.keyframeInterval().toNanos(),
                settings.keyframeTimeout().toNanos());
        this.holdNanos = settings.syncHold().toNanos();
        this.state = video ? State.AWAITING_KEYFRAME : State.FLOWING;
    }

    public Codec codec() {
        return codec;
    }

    public long ssrc() {
        return ssrc;
    }

    /** One plaintext RTP packet of this stream; the bytes are only read during the call. */
    public void rtp(byte[] buf, int off, int len, long arrivalNanos) {
        if (state == State.CLOSED) {
            return;
        }
        if (!Rtp.isValidRtp(buf, off, len) || (Rtp.ssrc(buf, off) & 0xFFFF_FFFFL) != ssrc) {
            invalidPackets++;
            return;
        }
        nowNanos = arrivalNanos;
        int payloadOffset = Rtp.payloadOffset(buf, off, len);
        int payloadLength = Rtp.payloadLength(buf, off, len);
        long timestamp = timestamps.unwrap(Rtp.timestamp(buf, off));
        if (clock.state() == StreamClock.State.UNPINNED) {
            clock.packet(timestamp, arrivalNanos);
        }
        insert(Rtp.sequenceNumber(buf, off), timestamp, Rtp.marker(buf, off), buf, payloadOffset, payloadLength,
                arrivalNanos);
    }

    /**
     * One RTX packet (RFC 4588) carrying a retransmission of this stream: the original sequence
     * number in the first two payload bytes, then the original payload. RTX padding (no payload)
     * is counted and ignored: it has its own sequence numbers.
     */
    public void rtx(byte[] buf, int off, int len, long arrivalNanos) {
        if (state == State.CLOSED) {
            return;
        }
        if (!Rtp.isValidRtp(buf, off, len)) {
            invalidPackets++;
            return;
        }
        nowNanos = arrivalNanos;
        int payloadOffset = Rtp.payloadOffset(buf, off, len);
        int payloadLength = Rtp.payloadLength(buf, off, len);
        if (payloadLength < 2) {
            packets++;
            paddingPackets++;
            return;
        }
        int originalSeq = Bytes.u16(buf, payloadOffset);
        long timestamp = timestamps.unwrap(Rtp.timestamp(buf, off));
        insert(originalSeq, timestamp, Rtp.marker(buf, off), buf, payloadOffset + 2, payloadLength - 2, arrivalNanos);
    }

    /** An RTCP sender report for this stream, with its 64-bit NTP and 32-bit RTP timestamps. */
    public void senderReport(long ntpTimestamp, long rtpTimestamp, long arrivalNanos) {
        if (state == State.CLOSED) {
            return;
        }
        clock.senderReport(ntpTimestamp, rtpTimestamp, arrivalNanos);
    }

    /**
     * Releases the packets and frames whose time has come and sends the NACKs and keyframe
     * requests that are due. Call every 10–20 ms.
     */
    public void poll(long nowNanos) {
        if (state == State.CLOSED) {
            return;
        }
        this.nowNanos = nowNanos;
        buffer.release(nowNanos, assembler);
        if (video) {
            int count;
            while ((count = buffer.nacksDue(nowNanos, nackSeqs)) > 0) {
                nacksSent += count;
                feedback.nack(ssrc, nackSeqs, count);
                if (count < nackSeqs.length) {
                    break;
                }
            }
            if (keyframes.due(nowNanos)) {
                plisSent++;
                feedback.keyframeRequest(ssrc);
            }
        }
        if (!held.isEmpty() && pin(false)) {
            held.drainTo(timedOutput);
        }
    }

    /** Releases whatever can still become a frame, then stops; later calls are ignored. */
    public void close(long nowNanos) {
        if (state == State.CLOSED) {
            return;
        }
        this.nowNanos = nowNanos;
        buffer.releaseAll(assembler);
        assembler.finish();
        if (!held.isEmpty() && pin(true)) {
            held.drainTo(timedOutput);
        }
        state = State.CLOSED;
        participant.unregister(clock);
    }

    public Stats stats() {
        return new Stats(packets, paddingPackets, duplicatePackets, latePackets, buffer.lostPackets(),
                recoveredPackets, invalidPackets, framesOut, framesDropped, nacksSent, plisSent, ptsClamped);
    }

    private void insert(int seq, long timestamp, boolean marker, byte[] buf, int payloadOffset, int payloadLength,
                        long arrivalNanos) {
        packets++;
        if (payloadLength == 0) {
            paddingPackets++;
        }
        if (video) {
            keyframes.packetArrived();
        }
        switch (buffer.insert(seq, timestamp, marker, buf, payloadOffset, payloadLength, arrivalNanos, assembler)) {
            case DUPLICATE -> duplicatePackets++;
            case LATE -> latePackets++;
            case RECOVERED -> recoveredPackets++;
            case STORED_AFTER_LARGE_GAP -> {
                if (video) {
                    LOG.debug("ssrc {}: a gap too large to NACK; asking for a keyframe", ssrc);
                    keyframes.need();
                }
            }
            case STORED -> {
                // nothing to note
            }
        }
        buffer.release(arrivalNanos, assembler);
    }

    /** A whole frame from the assembler: gate on the reference chain, then time it. */
    private void assembled(long timestamp, boolean keyframe, byte[] data, int offset, int length) {
        if (state == State.AWAITING_KEYFRAME) {
            if (!keyframe) {
                framesDropped++;
                return;
            }
            state = State.FLOWING;
        }
        if (video && keyframe) {
            keyframes.keyframeArrived(nowNanos);
        }
        if (held.isEmpty()) {
            if (clock.state() != StreamClock.State.UNPINNED || participant.tryPin(clock, timestamp, nowNanos,
                    holdNanos, false)) {
                output(timestamp, keyframe, data, offset, length);
                return;
            }
        }
        held.add(timestamp, keyframe, data, offset, length);
        if (pin(held.byteCount() > settings.maxHeldBytes())) {
            held.drainTo(timedOutput);
        }
    }

    private boolean pin(boolean force) {
        return clock.state() != StreamClock.State.UNPINNED
                || participant.tryPin(clock, held.firstTimestamp(), nowNanos, holdNanos, force);
    }

    private void output(long timestamp, boolean keyframe, byte[] data, int offset, int length) {
        long pts = clock.ptsMicros(timestamp, participant.recordingStartNanos());
        long localPts = Math.floorDiv(nowNanos - participant.recordingStartNanos(), 1000L);
        if (Math.abs(pts - localPts) > MAX_JUMP_MICROS) {
            // the sender's timestamps jumped (or never matched its clock): take the frame as of now,
            // minus the jitter delay it waited, and go on from there
            long anchored = nowNanos - settings.jitterDelay().toNanos();
            if (reanchors++ == 0 || LOG.isDebugEnabled()) {
                LOG.warn("ssrc {}: a frame {} s away from the recording clock; re-anchoring the stream",
                        ssrc, (pts - localPts) / 1_000_000);
            }
            clock.reanchor(timestamp, anchored);
            pts = clock.ptsMicros(timestamp, participant.recordingStartNanos());
        }
        if (pts < lastPtsMicros) {
            ptsClamped++;
            pts = lastPtsMicros;
        }
        lastPtsMicros = pts;
        framesOut++;
        out.frame(pts, keyframe, data, offset, length);
    }

    private void chainBroken() {
        if (video && state == State.FLOWING) {
            state = State.AWAITING_KEYFRAME;
            keyframes.need();
        }
    }

    /** The assembler's view of this receiver. */
    private final class AssembledFrames implements FrameSink {
        @Override
        public void frame(long extendedTimestamp, boolean keyframe, byte[] data, int offset, int length) {
            assembled(extendedTimestamp, keyframe, data, offset, length);
        }

        @Override
        public void frameDropped() {
            framesDropped++;
        }

        @Override
        public void referenceChainBroken() {
            chainBroken();
        }
    }
}
