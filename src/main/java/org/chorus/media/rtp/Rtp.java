package org.chorus.media.rtp;

/**
 * Static accessors over an RTP packet in {@code (byte[] buf, int off, int len)} (RFC 3550 §5.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers             |  CC times
 * |      defined by profile       |            length             |  if X
 * |                        header extension                       |  length words
 * </pre>
 *
 * The fixed-header accessors taking only {@code (buf, off)} assume the caller has checked
 * {@link #isValidRtp} (or at least 12 bytes); those taking a length never read outside
 * {@code [off, off + len)} and report malformed input with -1 instead of throwing.
 */
public final class Rtp {

    /** The fixed header. */
    public static final int FIXED_HEADER_LENGTH = 12;

    private Rtp() {
    }

    public static int version(byte[] buf, int off) {
        return (buf[off] & 0xC0) >>> 6;
    }

    public static boolean hasPadding(byte[] buf, int off) {
        return (buf[off] & 0x20) != 0;
    }

    public static boolean hasExtension(byte[] buf, int off) {
        return (buf[off] & 0x10) != 0;
    }

    static void setExtensionBit(byte[] buf, int off, boolean on) {
        buf[off] = (byte) (on ? buf[off] | 0x10 : buf[off] & ~0x10);
    }

    public static int csrcCount(byte[] buf, int off) {
        return buf[off] & 0x0F;
    }

    /** The i-th CSRC; the caller checks {@code i < csrcCount} and the header length. */
    public static int csrc(byte[] buf, int off, int i) {
        return Bytes.i32(buf, off + FIXED_HEADER_LENGTH + 4 * i);
    }

    public static boolean marker(byte[] buf, int off) {
        return (buf[off + 1] & 0x80) != 0;
    }

    public static void setMarker(byte[] buf, int off, boolean marker) {
        buf[off + 1] = (byte) (marker ? buf[off + 1] | 0x80 : buf[off + 1] & 0x7F);
    }

    public static int payloadType(byte[] buf, int off) {
        return buf[off + 1] & 0x7F;
    }

    /** Sets the payload type, keeping the marker bit. */
    public static void setPayloadType(byte[] buf, int off, int payloadType) {
        buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (payloadType & 0x7F));
    }

    public static int sequenceNumber(byte[] buf, int off) {
        return Bytes.u16(buf, off + 2);
    }

    public static void setSequenceNumber(byte[] buf, int off, int seq) {
        Bytes.put16(buf, off + 2, seq);
    }

    /** The timestamp as an unsigned value, 0 to 2^32-1. */
    public static long timestamp(byte[] buf, int off) {
        return Bytes.u32(buf, off + 4);
    }

    public static void setTimestamp(byte[] buf, int off, long timestamp) {
        Bytes.put32(buf, off + 4, timestamp);
    }

    public static int ssrc(byte[] buf, int off) {
        return Bytes.i32(buf, off + 8);
    }

    public static void setSsrc(byte[] buf, int off, int ssrc) {
        Bytes.put32(buf, off + 8, ssrc);
    }

    /**
     * The header length including CSRCs and the extension block, or -1 if the packet is too short
     * for what the header announces.
     */
    public static int headerLength(byte[] buf, int off, int len) {
        if (!Bytes.inBounds(buf, off, len) || len < FIXED_HEADER_LENGTH) {
            return -1;
        }
        int headerLength = FIXED_HEADER_LENGTH + 4 * csrcCount(buf, off);
        if (hasExtension(buf, off)) {
            if (len < headerLength + 4) {
                return -1;
            }
            headerLength += 4 + 4 * Bytes.u16(buf, off + headerLength + 2);
        }
        return headerLength <= len ? headerLength : -1;
    }

    /**
     * The offset of the extension block's 4-byte header (profile, length), or -1 if there is none
     * or the packet is malformed.
     */
    public static int extensionBlockOffset(byte[] buf, int off, int len) {
        if (headerLength(buf, off, len) < 0 || !hasExtension(buf, off)) {
            return -1;
        }
        return off + FIXED_HEADER_LENGTH + 4 * csrcCount(buf, off);
    }

    /**
     * The number of padding bytes at the end (the last byte, when P is set), or -1 if the packet is
     * malformed or the padding count does not fit between header and end.
     */
    public static int paddingLength(byte[] buf, int off, int len) {
        int headerLength = headerLength(buf, off, len);
        if (headerLength < 0) {
            return -1;
        }
        if (!hasPadding(buf, off)) {
            return 0;
        }
        if (len == headerLength) {
            return -1;
        }
        int padding = buf[off + len - 1] & 0xFF;
        return padding >= 1 && padding <= len - headerLength ? padding : -1;
    }

    /** The absolute offset of the payload, or -1 if the packet is malformed. */
    public static int payloadOffset(byte[] buf, int off, int len) {
        int headerLength = headerLength(buf, off, len);
        return headerLength < 0 ? -1 : off + headerLength;
    }

    /** The payload length without padding, or -1 if the packet is malformed. */
    public static int payloadLength(byte[] buf, int off, int len) {
        int padding = paddingLength(buf, off, len);
        return padding < 0 ? -1 : len - headerLength(buf, off, len) - padding;
    }

    /**
     * Whether the datagram is RTCP rather than RTP when both share a port (RFC 5761 §4): version 2,
     * and the second byte (RTCP packet type; for RTP marker and payload type) is 192 to 223, i.e. RTP
     * payload types 64 to 95 with the marker set. Never throws.
     */
    public static boolean isRtcp(byte[] buf, int off, int len) {
        if (!Bytes.inBounds(buf, off, len) || len < 4) {
            return false;
        }
        int second = buf[off + 1] & 0xFF;
        return version(buf, off) == 2 && second >= 192 && second <= 223;
    }

    /**
     * Whether the datagram is a well-formed RTP packet: at least 12 bytes, version 2, not RTCP by
     * {@link #isRtcp}, CSRCs and extension block inside the packet, and a padding count that fits.
     * Never throws, whatever the input.
     */
    public static boolean isValidRtp(byte[] buf, int off, int len) {
        return Bytes.inBounds(buf, off, len)
                && len >= FIXED_HEADER_LENGTH
                && version(buf, off) == 2
                && !isRtcp(buf, off, len)
                && paddingLength(buf, off, len) >= 0;
    }
}
