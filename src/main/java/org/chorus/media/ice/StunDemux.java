package org.chorus.media.ice;

import java.nio.charset.StandardCharsets;

/**
 * RFC 7983 first-byte classification and a bounded, allocation-light USERNAME lookup, for the
 * shared media port that must tell a datagram's kind and, for a first STUN request, which leg it
 * belongs to, before any codec runs. Both methods read only inside {@code [offset, offset + length)}
 * and never throw, whatever the bytes or the bounds.
 */
public final class StunDemux {

    /** What a datagram is, by its first byte (RFC 7983 §7). */
    public enum Kind { STUN, DTLS, RTP_OR_RTCP, OTHER }

    private static final int HEADER_LENGTH = 20;
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int USERNAME = 0x0006;
    /** RFC 5389 §15.3: a USERNAME is under 513 bytes. */
    private static final int MAX_USERNAME = 513;
    /** Attributes looked at before giving up; a binding request has about eight. */
    private static final int MAX_ATTRIBUTES = 32;

    private StunDemux() {
    }

    /** The kind of the datagram in {@code buffer[offset, offset + length)}; OTHER when empty or out of bounds. */
    public static Kind kind(byte[] buffer, int offset, int length) {
        if (!inBounds(buffer, offset, length) || length < 1) {
            return Kind.OTHER;
        }
        int first = buffer[offset] & 0xFF;
        if (first <= 3) {
            return Kind.STUN;
        }
        if (first >= 20 && first <= 63) {
            return Kind.DTLS;
        }
        if (first >= 128 && first <= 191) {
            return Kind.RTP_OR_RTCP;
        }
        return Kind.OTHER; // ZRTP 16-19, TURN channels 64-79, and the unassigned rest
    }

    /** The local (first) part of a binding request's USERNAME ("local:remote"), or null when the datagram
        is not a well-formed STUN binding request with a USERNAME. Never throws, whatever the bytes. */
    public static String localUfrag(byte[] buffer, int offset, int length) {
        if (!inBounds(buffer, offset, length) || length < HEADER_LENGTH) {
            return null;
        }
        if (u16(buffer, offset) != BINDING_REQUEST || u32(buffer, offset + 4) != MAGIC_COOKIE) {
            return null;
        }
        int bodyLength = u16(buffer, offset + 2);
        if ((bodyLength & 3) != 0 || HEADER_LENGTH + bodyLength > length) {
            return null;
        }
        int at = offset + HEADER_LENGTH;
        int end = at + bodyLength;
        for (int n = 0; n < MAX_ATTRIBUTES && end - at >= 4; n++) {
            int type = u16(buffer, at);
            int valueLength = u16(buffer, at + 2);
            int value = at + 4;
            if (valueLength > end - value) {
                return null;
            }
            if (type == USERNAME) {
                return valueLength > MAX_USERNAME ? null : beforeColon(buffer, value, valueLength);
            }
            at = value + ((valueLength + 3) & ~3);
        }
        return null;
    }

    private static String beforeColon(byte[] buffer, int value, int valueLength) {
        for (int i = 0; i < valueLength; i++) {
            if (buffer[value + i] == ':') {
                return i == 0 ? null : new String(buffer, value, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static boolean inBounds(byte[] buffer, int offset, int length) {
        return buffer != null && offset >= 0 && length >= 0 && length <= buffer.length - offset;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int u32(byte[] b, int at) {
        return (u16(b, at) << 16) | u16(b, at + 2);
    }
}
