package org.chorus.media.ice;

/** RFC 7983 first-byte classification and a bounded, allocation-light USERNAME lookup. */
public final class StunDemux {

    public enum Kind { STUN, DTLS, RTP_OR_RTCP, OTHER }

    private StunDemux() {
    }

    public static Kind kind(byte[] buffer, int offset, int length) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The local (first) part of a binding request's USERNAME ("local:remote"), or null when the datagram
        is not a well-formed STUN binding request with a USERNAME. Never throws, whatever the bytes. */
    public static String localUfrag(byte[] buffer, int offset, int length) {
        throw new UnsupportedOperationException("not yet");
    }
}
