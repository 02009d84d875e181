package org.chorus.media.rtp;

import java.nio.charset.StandardCharsets;

/**
 * RTP header extension elements (RFC 8285) in the one-byte ({@code 0xBEDE}) and two-byte
 * ({@code 0x100X}) forms, read and rewritten in place over {@code (byte[] buf, int off, int len)}
 * holding a whole RTP packet.
 *
 * <h2>Parsing</h2>
 * Zero bytes between elements are padding in both forms. In the one-byte form, ID 15 (reserved)
 * or ID 0 with a non-zero length ends processing, as do an element running past the block; the
 * elements before it still count. Blocks with any other profile are left alone. Nothing here
 * throws on malformed input.
 *
 * <h2>Dropping: padding in place</h2>
 * {@link #rewriteIds} and {@link #drop} remove an element by overwriting its header and data with
 * zero bytes, which every receiver skips as padding. The packet keeps its length and its payload
 * stays where it is, so dropping costs a few byte stores and never moves data. {@link #compact}
 * reclaims the space when it is worth it (for instance when everything was dropped): it packs
 * the remaining elements and moves the short RTP header towards the payload, never the payload,
 * so the packet then starts later in the array. {@link #add} works the other way, moving the
 * header into the buffer's headroom.
 *
 * <h2>Found elements</h2>
 * {@link #find} returns a packed long, -1 when absent; {@link #dataOffset(long)} and
 * {@link #dataLength(long)} unpack it. Offsets are absolute indexes into {@code buf}.
 */
public final class RtpHeaderExtensions {

    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** Two-byte profiles are 0x1000 to 0x100F; the low 4 bits are "appbits". */
    public static final int TWO_BYTE_PROFILE = 0x1000;

    /** {@link #format} results. */
    public static final int FORMAT_MALFORMED = -1;
    public static final int FORMAT_NONE = 0;
    public static final int FORMAT_ONE_BYTE = 1;
    public static final int FORMAT_TWO_BYTE = 2;
    public static final int FORMAT_OTHER = 3;

    /** Largest id in the one-byte form. */
    public static final int MAX_ONE_BYTE_ID = 14;
    /** Largest data length in the one-byte form. */
    public static final int MAX_ONE_BYTE_LENGTH = 16;

    /** Visits extension elements; returns false to stop. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(int id, byte[] buf, int dataOffset, int dataLength);
    }

    private RtpHeaderExtensions() {
    }

    /** Which form the packet's extension block has, {@link #FORMAT_NONE} without one. */
    public static int format(byte[] buf, int off, int len) {
        if (Rtp.headerLength(buf, off, len) < 0) {
            return FORMAT_MALFORMED;
        }
        if (!Rtp.hasExtension(buf, off)) {
            return FORMAT_NONE;
        }
        int profile = Bytes.u16(buf, Rtp.extensionBlockOffset(buf, off, len));
        if (profile == ONE_BYTE_PROFILE) {
            return FORMAT_ONE_BYTE;
        }
        return (profile & 0xFFF0) == TWO_BYTE_PROFILE ? FORMAT_TWO_BYTE : FORMAT_OTHER;
    }

    /**
     * Calls the visitor for each element in order. Returns the number visited, or -1 if the
     * packet is malformed.
     */
    public static int forEach(byte[] buf, int off, int len, Visitor visitor) {
        int format = format(buf, off, len);
        if (format < 0) {
            return -1;
        }
        if (format != FORMAT_ONE_BYTE && format != FORMAT_TWO_BYTE) {
            return 0;
        }
        boolean twoByte = format == FORMAT_TWO_BYTE;
        int block = Rtp.extensionBlockOffset(buf, off, len);
        int end = blockEnd(buf, block);
        int count = 0;
        for (long e = scan(buf, block + 4, end, twoByte); e >= 0; e = scan(buf, next(e, twoByte), end, twoByte)) {
            count++;
            if (!visitor.visit(id(e), buf, dataStart(e, twoByte), length(e))) {
                break;
            }
        }
        return count;
    }

    /** The first element with this id, packed, or -1 if absent or the packet is malformed. */
    public static long find(byte[] buf, int off, int len, int id) {
        int format = format(buf, off, len);
        if (format != FORMAT_ONE_BYTE && format != FORMAT_TWO_BYTE) {
            return -1;
        }
        boolean twoByte = format == FORMAT_TWO_BYTE;
        int block = Rtp.extensionBlockOffset(buf, off, len);
        int end = blockEnd(buf, block);
        for (long e = scan(buf, block + 4, end, twoByte); e >= 0; e = scan(buf, next(e, twoByte), end, twoByte)) {
            if (id(e) == id) {
                return ((long) dataStart(e, twoByte) << 32) | length(e);
            }
        }
        return -1;
    }

    /** The absolute data offset of a {@link #find} result. */
    public static int dataOffset(long found) {
        return (int) (found >>> 32);
    }

    /** The data length of a {@link #find} result. */
    public static int dataLength(long found) {
        return (int) found & 0xFFFF;
    }

    /**
     * Rewrites element ids in place: element {@code id} becomes {@code mapping[id]}. A mapping of
     * -1, an id past the end of the mapping, or a new id the block's form cannot carry (outside
     * 1..14 for one-byte, 1..255 for two-byte) drops the element as padding. The mapping is
     * typically an {@code int[16]} or {@code int[256]} per receiving session, from the publisher's
     * negotiated ids to the receiver's.
     *
     * @return the number of elements dropped, 0 without an extension block (or with an unknown
     *     profile, left alone), -1 if the packet is malformed
     */
    public static int rewriteIds(byte[] buf, int off, int len, int[] mapping) {
        int format = format(buf, off, len);
        if (format < 0) {
            return -1;
        }
        if (format != FORMAT_ONE_BYTE && format != FORMAT_TWO_BYTE) {
            return 0;
        }
        boolean twoByte = format == FORMAT_TWO_BYTE;
        int maxId = twoByte ? 255 : MAX_ONE_BYTE_ID;
        int block = Rtp.extensionBlockOffset(buf, off, len);
        int end = blockEnd(buf, block);
        int dropped = 0;
        for (long e = scan(buf, block + 4, end, twoByte); e >= 0; e = scan(buf, next(e, twoByte), end, twoByte)) {
            int id = id(e);
            int newId = id < mapping.length ? mapping[id] : -1;
            int start = start(e);
            if (newId < 1 || newId > maxId) {
                fillZero(buf, start, next(e, twoByte));
                dropped++;
            } else if (twoByte) {
                buf[start] = (byte) newId;
            } else {
                buf[start] = (byte) ((newId << 4) | (buf[start] & 0x0F));
            }
        }
        return dropped;
    }

    /**
     * Drops every element with this id, as padding in place.
     *
     * @return the number dropped, -1 if the packet is malformed
     */
    public static int drop(byte[] buf, int off, int len, int id) {
        int format = format(buf, off, len);
        if (format < 0) {
            return -1;
        }
        if (format != FORMAT_ONE_BYTE && format != FORMAT_TWO_BYTE) {
            return 0;
        }
        boolean twoByte = format == FORMAT_TWO_BYTE;
        int block = Rtp.extensionBlockOffset(buf, off, len);
        int end = blockEnd(buf, block);
        int dropped = 0;
        for (long e = scan(buf, block + 4, end, twoByte); e >= 0; e = scan(buf, next(e, twoByte), end, twoByte)) {
            if (id(e) == id) {
                fillZero(buf, start(e), next(e, twoByte));
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * Packs the elements to the front of the block, trims padding to the next 32-bit boundary, and
     * removes the block (clearing X) when no element is left. Moves the RTP header (12 bytes, the
     * CSRCs and the block) towards the payload rather than the payload towards the header, so the
     * packet afterwards starts at {@code off + removed} with length {@code len - removed}.
     *
     * @return the number of bytes removed from the front (0 when nothing changed), -1 if the
     *     packet is malformed
     */
    public static int compact(byte[] buf, int off, int len) {
        int format = format(buf, off, len);
        if (format < 0) {
            return -1;
        }
        if (format != FORMAT_ONE_BYTE && format != FORMAT_TWO_BYTE) {
            return 0;
        }
        boolean twoByte = format == FORMAT_TWO_BYTE;
        int block = Rtp.extensionBlockOffset(buf, off, len);
        int start = block + 4;
        int end = blockEnd(buf, block);
        int write = start;
        for (long e = scan(buf, start, end, twoByte); e >= 0; e = scan(buf, next(e, twoByte), end, twoByte)) {
            int size = next(e, twoByte) - start(e);
            System.arraycopy(buf, start(e), buf, write, size);
            write += size;
        }
        int padded = (write - start + 3) & ~3;
        fillZero(buf, write, start + padded);
        int newBlockLength;
        if (padded == 0) {
            newBlockLength = 0;
            Rtp.setExtensionBit(buf, off, false);
        } else {
            newBlockLength = 4 + padded;
            Bytes.put16(buf, block + 2, padded / 4);
        }
        int removed = (end - block) - newBlockLength;
        if (removed > 0) {
            System.arraycopy(buf, off, buf, off + removed, block + newBlockLength - off);
        }
        return removed;
    }

    /**
     * Adds an element of {@code dataLength} zero bytes with this id, for the caller to fill (find
     * it with {@link #find} afterwards). Reuses trailing padding of the block when it has room;
     * otherwise grows the block, or creates one (one-byte form when the id and length allow it),
     * by moving the RTP header left into the space before {@code off}. The packet afterwards
     * starts at {@code off - added} with length {@code len + added}. Does not check whether an
     * element with this id already exists.
     *
     * @return the number of bytes added at the front (0 when the padding sufficed), or -1 when
     *     the element does not fit: malformed packet, unknown profile, an id or length the
     *     block's form cannot carry, or less than the needed headroom before {@code off}
     */
    public static int add(byte[] buf, int off, int len, int id, int dataLength) {
        int format = format(buf, off, len);
        if (format < 0 || format == FORMAT_OTHER) {
            return -1;
        }
        boolean fitsOneByte = id >= 1 && id <= MAX_ONE_BYTE_ID && dataLength >= 1
                && dataLength <= MAX_ONE_BYTE_LENGTH;
        boolean fitsTwoByte = id >= 1 && id <= 255 && dataLength >= 0 && dataLength <= 255;
        if (format == FORMAT_NONE) {
            if (!fitsTwoByte) {
                return -1;
            }
            boolean twoByte = !fitsOneByte;
            int elementSize = (twoByte ? 2 : 1) + dataLength;
            int padded = (elementSize + 3) & ~3;
            int added = 4 + padded;
            if (off < added) {
                return -1;
            }
            int headerLength = Rtp.FIXED_HEADER_LENGTH + 4 * Rtp.csrcCount(buf, off);
            int newOff = off - added;
            System.arraycopy(buf, off, buf, newOff, headerLength);
            int block = newOff + headerLength;
            Bytes.put16(buf, block, twoByte ? TWO_BYTE_PROFILE : ONE_BYTE_PROFILE);
            Bytes.put16(buf, block + 2, padded / 4);
            fillZero(buf, block + 4, block + 4 + padded);
            writeElementHeader(buf, block + 4, id, dataLength, twoByte);
            Rtp.setExtensionBit(buf, newOff, true);
            return added;
        }
        boolean twoByte = format == FORMAT_TWO_BYTE;
        if (twoByte ? !fitsTwoByte : !fitsOneByte) {
            return -1;
        }
        int block = Rtp.extensionBlockOffset(buf, off, len);
        int end = blockEnd(buf, block);
        int used = block + 4;
        for (long e = scan(buf, block + 4, end, twoByte); e >= 0; e = scan(buf, next(e, twoByte), end, twoByte)) {
            used = next(e, twoByte);
        }
        if (!onlyZeros(buf, used, end)) {
            return -1; // a reserved id or a truncated element ends the block: leave it as it is
        }
        int elementSize = (twoByte ? 2 : 1) + dataLength;
        int free = end - used;
        if (elementSize <= free) {
            writeElementHeader(buf, used, id, dataLength, twoByte);
            return 0;
        }
        int added = (elementSize - free + 3) & ~3;
        int words = Bytes.u16(buf, block + 2) + added / 4;
        if (off < added || words > 0xFFFF) {
            return -1;
        }
        System.arraycopy(buf, off, buf, off - added, end - off);
        int shiftedUsed = used - added;
        fillZero(buf, shiftedUsed, end);
        writeElementHeader(buf, shiftedUsed, id, dataLength, twoByte);
        Bytes.put16(buf, block - added + 2, words);
        return added;
    }

    // ---- element values --------------------------------------------------------------------

    /** abs-send-time (3 bytes): 6.18 fixed-point seconds, modulo 64 s. */
    public static int absSendTime(byte[] buf, int dataOffset) {
        return Bytes.u24(buf, dataOffset);
    }

    public static void setAbsSendTime(byte[] buf, int dataOffset, int value) {
        Bytes.put24(buf, dataOffset, value);
    }

    /** abs-send-time for a time in nanoseconds on any monotonic clock. */
    public static int toAbsSendTime(long nanos) {
        long seconds = Math.floorDiv(nanos, 1_000_000_000L);
        long fraction = Math.floorMod(nanos, 1_000_000_000L);
        return (int) (((seconds << 18) + (fraction << 18) / 1_000_000_000L) & 0xFFFFFF);
    }

    /** ssrc-audio-level (RFC 6464, 1 byte): the V (voice activity) flag. */
    public static boolean voiceActivity(byte[] buf, int dataOffset) {
        return (buf[dataOffset] & 0x80) != 0;
    }

    /** ssrc-audio-level: the level in -dBov, 0 (loudest) to 127 (silence). */
    public static int audioLevel(byte[] buf, int dataOffset) {
        return buf[dataOffset] & 0x7F;
    }

    public static void setAudioLevel(byte[] buf, int dataOffset, boolean voiceActivity, int level) {
        buf[dataOffset] = (byte) ((voiceActivity ? 0x80 : 0) | Math.min(127, Math.max(0, level)));
    }

    /** transport-wide-cc (2 bytes): the transport-wide sequence number. */
    public static int transportSequenceNumber(byte[] buf, int dataOffset) {
        return Bytes.u16(buf, dataOffset);
    }

    public static void setTransportSequenceNumber(byte[] buf, int dataOffset, int seq) {
        Bytes.put16(buf, dataOffset, seq);
    }

    /** sdes:mid (RFC 8843) as a string; allocates, so not for the per-packet path. */
    public static String mid(byte[] buf, int dataOffset, int dataLength) {
        return new String(buf, dataOffset, dataLength, StandardCharsets.US_ASCII);
    }

    /** Whether the mid element's value is exactly these bytes; no allocation. */
    public static boolean midEquals(byte[] buf, int dataOffset, int dataLength, byte[] mid) {
        if (dataLength != mid.length) {
            return false;
        }
        for (int i = 0; i < dataLength; i++) {
            if (buf[dataOffset + i] != mid[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- one-call conveniences for the common elements ----------------------------------------

    /** The transport-wide sequence number in element {@code id}, or -1 if absent or too short. */
    public static int findTransportSequenceNumber(byte[] buf, int off, int len, int id) {
        long found = find(buf, off, len, id);
        return found < 0 || dataLength(found) < 2 ? -1 : transportSequenceNumber(buf, dataOffset(found));
    }

    /** Overwrites the transport-wide sequence number in element {@code id}; false if absent or too short. */
    public static boolean replaceTransportSequenceNumber(byte[] buf, int off, int len, int id, int seq) {
        long found = find(buf, off, len, id);
        if (found < 0 || dataLength(found) < 2) {
            return false;
        }
        setTransportSequenceNumber(buf, dataOffset(found), seq);
        return true;
    }

    /** The abs-send-time in element {@code id}, or -1 if absent or too short. */
    public static int findAbsSendTime(byte[] buf, int off, int len, int id) {
        long found = find(buf, off, len, id);
        return found < 0 || dataLength(found) < 3 ? -1 : absSendTime(buf, dataOffset(found));
    }

    /**
     * The raw audio-level byte in element {@code id} (V in bit 7, level in bits 0-6), or -1 if
     * absent.
     */
    public static int findAudioLevel(byte[] buf, int off, int len, int id) {
        long found = find(buf, off, len, id);
        return found < 0 || dataLength(found) < 1 ? -1 : buf[dataOffset(found)] & 0xFF;
    }

    /**
     * Sets the mid element {@code id} to {@code mid} (ASCII bytes, 1 to 16 for a one-byte block):
     * in place when an element of that length exists; otherwise drops any old one as padding and
     * {@link #add adds} a new one.
     *
     * @return as {@link #add}: bytes added at the front of the packet, or -1 if it did not fit
     */
    public static int setMid(byte[] buf, int off, int len, int id, byte[] mid) {
        long found = find(buf, off, len, id);
        if (found >= 0 && dataLength(found) == mid.length) {
            System.arraycopy(mid, 0, buf, dataOffset(found), mid.length);
            return 0;
        }
        int format = format(buf, off, len);
        int maxLength = format == FORMAT_TWO_BYTE ? 255 : MAX_ONE_BYTE_LENGTH;
        if (mid.length < 1 || mid.length > maxLength || format == FORMAT_OTHER || format < 0) {
            return -1;
        }
        if (found >= 0) {
            drop(buf, off, len, id);
        }
        int added = add(buf, off, len, id, mid.length);
        if (added < 0) {
            return -1;
        }
        long created = find(buf, off - added, len + added, id);
        System.arraycopy(mid, 0, buf, dataOffset(created), mid.length);
        return added;
    }

    // ---- internals ----------------------------------------------------------------------------

    private static int blockEnd(byte[] buf, int block) {
        return block + 4 + 4 * Bytes.u16(buf, block + 2);
    }

    /**
     * The next element at or after {@code p}, skipping padding, packed as
     * {@code start << 32 | id << 16 | length}; -1 at the end of the block, at a reserved id, or at
     * an element running past the end.
     */
    private static long scan(byte[] buf, int p, int end, boolean twoByte) {
        while (p < end && buf[p] == 0) {
            p++;
        }
        if (p >= end) {
            return -1;
        }
        int id;
        int length;
        int headerSize;
        if (twoByte) {
            if (p + 2 > end) {
                return -1;
            }
            id = buf[p] & 0xFF;
            length = buf[p + 1] & 0xFF;
            headerSize = 2;
        } else {
            id = (buf[p] & 0xF0) >>> 4;
            length = (buf[p] & 0x0F) + 1;
            headerSize = 1;
            if (id == 15 || id == 0) {
                return -1; // reserved id, or padding with a length: stop processing (RFC 8285 §4.2)
            }
        }
        if (p + headerSize + length > end) {
            return -1;
        }
        return ((long) p << 32) | ((long) id << 16) | length;
    }

    private static int start(long e) {
        return (int) (e >>> 32);
    }

    private static int id(long e) {
        return (int) (e >>> 16) & 0xFFFF;
    }

    private static int length(long e) {
        return (int) e & 0xFFFF;
    }

    private static int dataStart(long e, boolean twoByte) {
        return start(e) + (twoByte ? 2 : 1);
    }

    private static int next(long e, boolean twoByte) {
        return dataStart(e, twoByte) + length(e);
    }

    private static void writeElementHeader(byte[] buf, int p, int id, int dataLength, boolean twoByte) {
        if (twoByte) {
            buf[p] = (byte) id;
            buf[p + 1] = (byte) dataLength;
            fillZero(buf, p + 2, p + 2 + dataLength);
        } else {
            buf[p] = (byte) ((id << 4) | (dataLength - 1));
            fillZero(buf, p + 1, p + 1 + dataLength);
        }
    }

    private static void fillZero(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            buf[i] = 0;
        }
    }

    private static boolean onlyZeros(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
