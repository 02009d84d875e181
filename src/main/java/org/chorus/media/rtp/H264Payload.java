package org.chorus.media.rtp;

/**
 * The H.264 RTP payload (RFC 6184) over {@code (byte[] buf, int off, int len)}, where {@code off}
 * is the RTP payload offset: enough to tell whether a packet starts a keyframe. Nothing here throws
 * on short or garbage input.
 *
 * <ul>
 *   <li>Single NAL unit packets (types 1–23): the NAL header is the first byte.</li>
 *   <li>STAP-A (24): after its header, NAL units each preceded by a 16-bit size.</li>
 *   <li>FU-A (28): an FU indicator, then an FU header {@code S E R Type}; only the fragment with S=1
 *       starts the NAL unit.</li>
 * </ul>
 * Other aggregation and fragmentation types (STAP-B, MTAP, FU-B) are not used with
 * packetization-mode 0 or 1 and are reported as containing nothing.
 */
public final class H264Payload {

    public static final int NAL_SLICE = 1;
    public static final int NAL_IDR = 5;
    public static final int NAL_SEI = 6;
    public static final int NAL_SPS = 7;
    public static final int NAL_PPS = 8;
    public static final int STAP_A = 24;
    public static final int FU_A = 28;

    private H264Payload() {
    }

    /** The NAL unit type of the first byte (for aggregation and fragmentation packets, 24 or 28), or -1. */
    public static int nalType(byte[] buf, int off, int len) {
        return Bytes.inBounds(buf, off, len) && len >= 1 ? buf[off] & 0x1F : -1;
    }

    /** Whether this is an FU-A with S=1. */
    public static boolean isFragmentStart(byte[] buf, int off, int len) {
        return nalType(buf, off, len) == FU_A && len >= 2 && (buf[off + 1] & 0x80) != 0;
    }

    /** Whether this is an FU-A with E=1. */
    public static boolean isFragmentEnd(byte[] buf, int off, int len) {
        return nalType(buf, off, len) == FU_A && len >= 2 && (buf[off + 1] & 0x40) != 0;
    }

    /**
     * Whether the packet starts a NAL unit of this type: a single NAL unit of the type, a STAP-A
     * containing one, or the first fragment of an FU-A of one.
     */
    public static boolean startsNalUnit(byte[] buf, int off, int len, int type) {
        int outer = nalType(buf, off, len);
        if (outer < 0) {
            return false;
        }
        if (outer >= 1 && outer <= 23) {
            return outer == type;
        }
        if (outer == STAP_A) {
            int end = off + len;
            int p = off + 1;
            while (p + 2 <= end) {
                int size = Bytes.u16(buf, p);
                p += 2;
                if (size == 0 || size > end - p) {
                    return false;
                }
                if ((buf[p] & 0x1F) == type) {
                    return true;
                }
                p += size;
            }
            return false;
        }
        return isFragmentStart(buf, off, len) && (buf[off + 1] & 0x1F) == type;
    }

    /** Whether the packet starts an IDR slice. */
    public static boolean containsIdr(byte[] buf, int off, int len) {
        return startsNalUnit(buf, off, len, NAL_IDR);
    }

    /** Whether the packet carries (the start of) a sequence parameter set. */
    public static boolean containsSps(byte[] buf, int off, int len) {
        return startsNalUnit(buf, off, len, NAL_SPS);
    }

    /**
     * Whether the packet starts a keyframe: it carries an SPS (which encoders send right before an
     * IDR) or starts an IDR slice.
     */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        return containsSps(buf, off, len) || containsIdr(buf, off, len);
    }
}
