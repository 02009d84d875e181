package org.chorus.recording.rtp;

import org.chorus.recording.media.Codec;

/**
 * Turns the packets of one stream, in sequence order and with gaps reported, into whole frames
 * for a {@link FrameSink}. One subclass per payload format; each reuses one assembly buffer.
 */
abstract class FrameAssembler implements PacketSink {

    protected final FrameSink sink;

    protected FrameAssembler(FrameSink sink) {
        this.sink = sink;
    }

    static FrameAssembler forCodec(Codec codec, FrameSink sink) {
        return switch (codec) {
            case OPUS -> new OpusAssembler(sink);
            case VP8 -> new Vp8Assembler(sink);
            case H264 -> new H264Assembler(sink);
        };
    }

    /** The stream ends: a frame still being assembled is incomplete and is dropped. */
    abstract void finish();
}
