package org.chorus.recording.rtp;

/** What a {@link FrameAssembler} reports to its stream. */
interface FrameSink {

    /** A whole frame; the bytes are valid only during the call. */
    void frame(long extendedTimestamp, boolean keyframe, byte[] data, int offset, int length);

    /** A frame was partly received and thrown away. */
    void frameDropped();

    /** At least one frame is missing, so the frames that follow may reference a frame the decoder never saw. */
    void referenceChainBroken();
}
