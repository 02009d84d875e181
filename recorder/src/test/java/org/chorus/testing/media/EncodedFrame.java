package org.chorus.testing.media;

/**
 * One encoded media unit from {@link MarkedAv}: a whole VP8 frame or one 20 ms Opus packet.
 *
 * @param ptsMicros the presentation time on the generator's clock (0 = first frame or packet)
 * @param keyframe  true for a VP8 keyframe; always true for Opus
 * @param data      the encoded bytes, owned by the caller
 */
public record EncodedFrame(long ptsMicros, boolean keyframe, byte[] data) {}
