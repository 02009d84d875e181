package org.chorus.recording.rtp;

/**
 * What the video assemblers share: a frame is collected over the packets of one timestamp into one
 * reused buffer; a packet lost inside a frame breaks it, and it is dropped at its end; a loss
 * between frames is remembered for the next frame's start to judge; a dropped frame, or one still
 * incomplete when the stream ends, breaks the reference chain.
 */
abstract class VideoFrameAssembler extends FrameAssembler {

    enum State {
        /** Between frames. */
        IDLE,
        /** Collecting a frame that has every packet so far. */
        ASSEMBLING,
        /** Collecting a frame that lost a packet or got one it cannot use: it will be dropped at its end. */
        BROKEN
    }

    protected final GrowableBytes frame = new GrowableBytes(64 * 1024);
    protected State state = State.IDLE;
    protected long frameTimestamp;
    protected boolean keyframe;
    /** Packets were lost since the last frame ended. */
    protected boolean gapSinceLastFrame;

    protected VideoFrameAssembler(FrameSink sink) {
        super(sink);
    }

    @Override
    public final void lost() {
        if (state == State.ASSEMBLING) {
            state = State.BROKEN;
        } else if (state == State.IDLE) {
            gapSinceLastFrame = true;
        }
    }

    @Override
    final void finish() {
        if (state != State.IDLE) {
            drop();
        }
    }

    /** Drops the frame being assembled: it is reported and breaks the reference chain. */
    final void drop() {
        sink.frameDropped();
        sink.referenceChainBroken();
        frameEnded();
    }

    /** The frame is done with: back to {@link State#IDLE} with an empty buffer. */
    void frameEnded() {
        state = State.IDLE;
        frame.clear();
    }
}
