package org.chorus.recording.rtp;

/**
 * Receives the whole encoded frames of one stream, in order, with timestamps on the recording
 * clock. The receive side does the ordering, loss handling and lip sync, so a listener can hand
 * the frames straight to a muxer or decoder.
 */
@FunctionalInterface
public interface FrameListener {

    /**
     * One whole frame: a VP8 frame, an H.264 access unit in Annex B, or one Opus packet.
     *
     * @param ptsMicros microseconds since the recording started; never decreases within a stream
     * @param keyframe  whether the frame can be decoded on its own (always true for Opus)
     * @param data      the frame bytes, valid only during the call
     */
    void frame(long ptsMicros, boolean keyframe, byte[] data, int offset, int length);
}
