package org.chorus.media.rtp;

/**
 * The VP8 RTP payload (RFC 7741) over {@code (byte[] buf, int off, int len)}, where {@code off}
 * is the RTP payload offset and {@code len} the payload length (see {@link Rtp#payloadOffset} and
 * {@link Rtp#payloadLength}). Nothing here throws on short or garbage input: absent or unreadable
 * fields read as -1 (or false).
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL, second byte if M)
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * After the descriptor, at the start of a partition 0 (S=1, PID=0), comes the VP8 payload header,
 * whose first byte is {@code Size0(3) H(1) VER(3) P(1)}; P=0 marks a keyframe, which then
 * carries the start code 9D 01 2A and the frame size.
 */
public final class Vp8Payload {

    private Vp8Payload() {
    }

    /** The descriptor length (1 to 6 bytes), or -1 if the payload is too short for it. */
    public static int descriptorLength(byte[] buf, int off, int len) {
        if (!Bytes.inBounds(buf, off, len) || len < 1) {
            return -1;
        }
        int size = 1;
        if ((buf[off] & 0x80) != 0) {
            if (len < 2) {
                return -1;
            }
            int x = buf[off + 1];
            size = 2;
            if ((x & 0x80) != 0) {
                if (len < 3) {
                    return -1;
                }
                size += (buf[off + 2] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                size++;
            }
            if ((x & 0x30) != 0) {
                size++;
            }
        }
        return size <= len ? size : -1;
    }

    /** Whether the descriptor is readable; the other accessors return -1 or false when it is not. */
    public static boolean isValid(byte[] buf, int off, int len) {
        return descriptorLength(buf, off, len) >= 0;
    }

    public static boolean hasExtension(byte[] buf, int off, int len) {
        return isValid(buf, off, len) && (buf[off] & 0x80) != 0;
    }

    /** N: the frame is not used as a reference and can be discarded. */
    public static boolean isNonReference(byte[] buf, int off, int len) {
        return isValid(buf, off, len) && (buf[off] & 0x20) != 0;
    }

    /** S: this packet starts a VP8 partition. */
    public static boolean isStartOfPartition(byte[] buf, int off, int len) {
        return isValid(buf, off, len) && (buf[off] & 0x10) != 0;
    }

    /** PID: the partition index, or -1 if invalid. */
    public static int partitionId(byte[] buf, int off, int len) {
        return isValid(buf, off, len) ? buf[off] & 0x07 : -1;
    }

    /** Whether this packet starts a frame: S=1 and PID=0. */
    public static boolean isStartOfFrame(byte[] buf, int off, int len) {
        return isValid(buf, off, len) && (buf[off] & 0x17) == 0x10;
    }

    /** The picture id (7 or 15 bits), or -1 if absent. */
    public static int pictureId(byte[] buf, int off, int len) {
        int at = pictureIdOffset(buf, off, len);
        if (at < 0) {
            return -1;
        }
        return (buf[at] & 0x80) != 0 ? Bytes.u16(buf, at) & 0x7FFF : buf[at] & 0x7F;
    }

    /** The width of the picture id field in bits (7 or 15), or -1 if absent. */
    public static int pictureIdBits(byte[] buf, int off, int len) {
        int at = pictureIdOffset(buf, off, len);
        return at < 0 ? -1 : (buf[at] & 0x80) != 0 ? 15 : 7;
    }

    /**
     * Overwrites the picture id in place, modulo the field's width, keeping M. Returns false if the
     * descriptor has none.
     */
    public static boolean setPictureId(byte[] buf, int off, int len, int pictureId) {
        int at = pictureIdOffset(buf, off, len);
        if (at < 0) {
            return false;
        }
        if ((buf[at] & 0x80) != 0) {
            Bytes.put16(buf, at, 0x8000 | (pictureId & 0x7FFF));
        } else {
            buf[at] = (byte) (pictureId & 0x7F);
        }
        return true;
    }

    /** TL0PICIDX, or -1 if absent. */
    public static int tl0PicIdx(byte[] buf, int off, int len) {
        int at = tl0PicIdxOffset(buf, off, len);
        return at < 0 ? -1 : buf[at] & 0xFF;
    }

    /** Overwrites TL0PICIDX in place; false if absent. */
    public static boolean setTl0PicIdx(byte[] buf, int off, int len, int tl0PicIdx) {
        int at = tl0PicIdxOffset(buf, off, len);
        if (at < 0) {
            return false;
        }
        buf[at] = (byte) tl0PicIdx;
        return true;
    }

    /** The temporal layer index TID, or -1 if absent (T=0). */
    public static int temporalLayer(byte[] buf, int off, int len) {
        int at = tidKeyIdxOffset(buf, off, len);
        return at < 0 || (buf[off + 1] & 0x20) == 0 ? -1 : (buf[at] & 0xC0) >>> 6;
    }

    /** Y: layer sync; false when TID is absent. */
    public static boolean isLayerSync(byte[] buf, int off, int len) {
        int at = tidKeyIdxOffset(buf, off, len);
        return at >= 0 && (buf[off + 1] & 0x20) != 0 && (buf[at] & 0x20) != 0;
    }

    /** KEYIDX, or -1 if absent (K=0). */
    public static int keyIndex(byte[] buf, int off, int len) {
        int at = tidKeyIdxOffset(buf, off, len);
        return at < 0 || (buf[off + 1] & 0x10) == 0 ? -1 : buf[at] & 0x1F;
    }

    /** The absolute offset of the VP8 payload after the descriptor, or -1 if invalid. */
    public static int payloadHeaderOffset(byte[] buf, int off, int len) {
        int size = descriptorLength(buf, off, len);
        return size < 0 ? -1 : off + size;
    }

    /**
     * Whether this packet starts a keyframe: S=1, PID=0, and the P bit of the VP8 payload header
     * is 0 (the 3-byte frame tag must be present).
     */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        int size = descriptorLength(buf, off, len);
        return size >= 0 && (buf[off] & 0x17) == 0x10 && len - size >= 3 && (buf[off + size] & 0x01) == 0;
    }

    /** The width of a keyframe (14 bits), or -1 if this packet does not start one with its size. */
    public static int keyframeWidth(byte[] buf, int off, int len) {
        int at = keyframeSizeOffset(buf, off, len);
        return at < 0 ? -1 : ((buf[at] & 0xFF) | ((buf[at + 1] & 0xFF) << 8)) & 0x3FFF;
    }

    /** The height of a keyframe (14 bits), or -1 if this packet does not start one with its size. */
    public static int keyframeHeight(byte[] buf, int off, int len) {
        int at = keyframeSizeOffset(buf, off, len);
        return at < 0 ? -1 : ((buf[at + 2] & 0xFF) | ((buf[at + 3] & 0xFF) << 8)) & 0x3FFF;
    }

    private static int keyframeSizeOffset(byte[] buf, int off, int len) {
        if (!isKeyframe(buf, off, len)) {
            return -1;
        }
        int p = off + descriptorLength(buf, off, len);
        if (off + len - p < 10 || (buf[p + 3] & 0xFF) != 0x9D || buf[p + 4] != 0x01 || buf[p + 5] != 0x2A) {
            return -1;
        }
        return p + 6;
    }

    private static int pictureIdOffset(byte[] buf, int off, int len) {
        if (descriptorLength(buf, off, len) < 0 || (buf[off] & 0x80) == 0 || (buf[off + 1] & 0x80) == 0) {
            return -1;
        }
        return off + 2;
    }

    private static int tl0PicIdxOffset(byte[] buf, int off, int len) {
        if (descriptorLength(buf, off, len) < 0 || (buf[off] & 0x80) == 0 || (buf[off + 1] & 0x40) == 0) {
            return -1;
        }
        return off + 2 + pictureIdLength(buf, off);
    }

    private static int tidKeyIdxOffset(byte[] buf, int off, int len) {
        if (descriptorLength(buf, off, len) < 0 || (buf[off] & 0x80) == 0 || (buf[off + 1] & 0x30) == 0) {
            return -1;
        }
        return off + 2 + pictureIdLength(buf, off) + ((buf[off + 1] & 0x40) != 0 ? 1 : 0);
    }

    /** Bytes of picture id in a descriptor known to be valid and extended. */
    private static int pictureIdLength(byte[] buf, int off) {
        if ((buf[off + 1] & 0x80) == 0) {
            return 0;
        }
        return (buf[off + 2] & 0x80) != 0 ? 2 : 1;
    }
}
