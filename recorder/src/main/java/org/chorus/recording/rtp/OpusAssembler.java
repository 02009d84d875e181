package org.chorus.recording.rtp;

/**
 * Opus (RFC 7587): every packet is one frame and decodes on its own, so a loss costs only that
 * packet and never needs a keyframe.
 */
final class OpusAssembler extends FrameAssembler {

    OpusAssembler(FrameSink sink) {
        super(sink);
    }

    @Override
    public void packet(long extendedTimestamp, boolean marker, byte[] payload, int offset, int length) {
        if (length > 0) {
            sink.frame(extendedTimestamp, true, payload, offset, length);
        }
    }

    @Override
    public void lost() {
        // the packet is simply missing; the writer conceals it
    }

    @Override
    void finish() {
        // nothing is ever held
    }
}
