package org.chorus.media.rtp;

import java.util.function.IntUnaryOperator;

/**
 * RTCP packets (RFC 3550, 4585, 5104, draft-alvestrand-rmcat-remb) over byte arrays: walking a
 * compound packet, reading and writing the packet types an SFU handles, and rewriting the media
 * SSRCs in feedback.
 *
 * <h2>Walking a compound packet</h2>
 * <pre>{@code
 * for (int p = off, n; (n = Rtcp.packetLength(buf, p, off + len - p)) > 0; p += n) {
 *     switch (Rtcp.packetType(buf, p)) { ... }   // the packet is [p, p + n)
 * }
 * }</pre>
 * {@link #packetLength} returns -1 for anything that is not a whole version-2 packet inside the
 * remaining bytes, which ends the loop; nothing here throws on garbage. Readers of a single
 * packet take its {@code (buf, off, len)} as {@link #packetLength} gave it and check their own
 * minimum sizes; the plain {@code (buf, off)} accessors assume the caller checked the type and
 * length first.
 *
 * <h2>Writing</h2>
 * The {@code write*} methods put one packet at {@code off} and return its length; the caller
 * provides the room (see the {@code *Length} methods) and appends packets to build a compound one.
 */
public final class Rtcp {

    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    /** Transport-layer feedback (RFC 4585). */
    public static final int RTPFB = 205;
    /** Payload-specific feedback (RFC 4585). */
    public static final int PSFB = 206;
    public static final int XR = 207;

    /** RTPFB FMT: generic NACK. */
    public static final int FMT_NACK = 1;
    /** RTPFB FMT: transport-wide congestion control feedback. */
    public static final int FMT_TRANSPORT_CC = 15;
    /** PSFB FMT: picture loss indication. */
    public static final int FMT_PLI = 1;
    /** PSFB FMT: full intra request (RFC 5104). */
    public static final int FMT_FIR = 4;
    /** PSFB FMT: application layer feedback, which REMB uses. */
    public static final int FMT_AFB = 15;

    public static final int HEADER_LENGTH = 4;
    public static final int REPORT_BLOCK_LENGTH = 24;
    public static final int SR_HEADER_LENGTH = 28;
    public static final int RR_HEADER_LENGTH = 8;
    /** Common feedback header: header, sender SSRC, media SSRC. */
    public static final int FEEDBACK_HEADER_LENGTH = 12;
    public static final int PLI_LENGTH = 12;
    public static final int FIR_LENGTH = 20;
    /** The most report blocks (or BYE SSRCs) a 5-bit count can announce. */
    public static final int MAX_COUNT = 31;
    /** The most SSRCs a REMB can list: its count is one byte. */
    public static final int MAX_REMB_SSRCS = 255;

    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    private static final int REMB_ID = ('R' << 24) | ('E' << 16) | ('M' << 8) | 'B';

    /** Receives one packet of a compound packet; returns false to stop. */
    @FunctionalInterface
    public interface PacketVisitor {
        boolean visit(byte[] buf, int off, int len, int packetType, int count);
    }

    private Rtcp() {
    }

    // ---- header and walking -----------------------------------------------------------------

    public static int version(byte[] buf, int off) {
        return (buf[off] & 0xC0) >>> 6;
    }

    public static boolean hasPadding(byte[] buf, int off) {
        return (buf[off] & 0x20) != 0;
    }

    /** The 5-bit count field: RC for SR/RR, SC for SDES/BYE, FMT for feedback. */
    public static int count(byte[] buf, int off) {
        return buf[off] & 0x1F;
    }

    public static int packetType(byte[] buf, int off) {
        return buf[off + 1] & 0xFF;
    }

    /** The length field: the packet length in 32-bit words minus one. */
    public static int lengthWords(byte[] buf, int off) {
        return Bytes.u16(buf, off + 2);
    }

    /** The SSRC after the header (the sender for SR, RR, feedback, APP and XR). */
    public static int senderSsrc(byte[] buf, int off) {
        return Bytes.i32(buf, off + 4);
    }

    public static void setSenderSsrc(byte[] buf, int off, int ssrc) {
        Bytes.put32(buf, off + 4, ssrc);
    }

    /**
     * The length in bytes of the packet at {@code off}, or -1 if fewer than 4 bytes remain, the
     * version is not 2, or the length field points past {@code available}.
     */
    public static int packetLength(byte[] buf, int off, int available) {
        if (!Bytes.inBounds(buf, off, available) || available < HEADER_LENGTH || version(buf, off) != 2) {
            return -1;
        }
        int length = (lengthWords(buf, off) + 1) * 4;
        return length <= available ? length : -1;
    }

    /**
     * The length of the packet at {@code off} without its padding (when P is set, the last byte
     * counts the padding bytes), or -1 if the packet or its padding count is malformed. The
     * readers below count entries within this length, so padding is never read as an entry.
     */
    public static int contentLength(byte[] buf, int off, int available) {
        int length = packetLength(buf, off, available);
        if (length < 0 || !hasPadding(buf, off)) {
            return length;
        }
        int padding = buf[off + length - 1] & 0xFF;
        return padding >= 1 && padding <= length - HEADER_LENGTH ? length - padding : -1;
    }

    /** Whether {@code [off, off + len)} is one or more whole version-2 RTCP packets and nothing else. */
    public static boolean isValidCompound(byte[] buf, int off, int len) {
        if (!Bytes.inBounds(buf, off, len) || len < HEADER_LENGTH) {
            return false;
        }
        int end = off + len;
        int p = off;
        while (p < end) {
            int n = packetLength(buf, p, end - p);
            if (n < 0) {
                return false;
            }
            p += n;
        }
        return true;
    }

    /**
     * Calls the visitor for each whole packet of the compound packet, stopping at the first
     * malformed one. Returns the number of packets visited.
     */
    public static int forEach(byte[] buf, int off, int len, PacketVisitor visitor) {
        if (!Bytes.inBounds(buf, off, len)) {
            return 0;
        }
        int end = off + len;
        int visited = 0;
        for (int p = off, n; (n = packetLength(buf, p, end - p)) > 0; p += n) {
            visited++;
            if (!visitor.visit(buf, p, n, packetType(buf, p), count(buf, p))) {
                break;
            }
        }
        return visited;
    }

    // ---- SR and RR ------------------------------------------------------------------------------

    /** A report block (RFC 3550 §6.4.1). {@code cumulativeLost} is signed 24-bit. */
    public record ReportBlock(int ssrc, int fractionLost, int cumulativeLost, long extendedHighestSeq,
                              long jitter, long lastSr, long delaySinceLastSr) {

        /** Reads the block at {@code blockOffset}. */
        public static ReportBlock read(byte[] buf, int blockOffset) {
            return new ReportBlock(Rtcp.blockSsrc(buf, blockOffset), Rtcp.fractionLost(buf, blockOffset),
                    Rtcp.cumulativeLost(buf, blockOffset), Rtcp.extendedHighestSeq(buf, blockOffset),
                    Rtcp.jitter(buf, blockOffset), Rtcp.lastSr(buf, blockOffset),
                    Rtcp.delaySinceLastSr(buf, blockOffset));
        }

        /** Writes the block at {@code blockOffset} (24 bytes). */
        public void write(byte[] buf, int blockOffset) {
            Bytes.put32(buf, blockOffset, ssrc);
            buf[blockOffset + 4] = (byte) fractionLost;
            int lost = Math.max(-0x800000, Math.min(0x7FFFFF, cumulativeLost));
            Bytes.put24(buf, blockOffset + 5, lost);
            Bytes.put32(buf, blockOffset + 8, extendedHighestSeq);
            Bytes.put32(buf, blockOffset + 12, jitter);
            Bytes.put32(buf, blockOffset + 16, lastSr);
            Bytes.put32(buf, blockOffset + 20, delaySinceLastSr);
        }
    }

    public static boolean isSr(byte[] buf, int off, int len) {
        return contentLength(buf, off, len) >= SR_HEADER_LENGTH && packetType(buf, off) == SR;
    }

    public static boolean isRr(byte[] buf, int off, int len) {
        return contentLength(buf, off, len) >= RR_HEADER_LENGTH && packetType(buf, off) == RR;
    }

    /** SR: the 64-bit NTP timestamp (seconds since 1900 in the high half, fraction in the low). */
    public static long srNtpTimestamp(byte[] buf, int off) {
        return Bytes.i64(buf, off + 8);
    }

    public static long srRtpTimestamp(byte[] buf, int off) {
        return Bytes.u32(buf, off + 16);
    }

    public static long srPacketCount(byte[] buf, int off) {
        return Bytes.u32(buf, off + 20);
    }

    public static long srOctetCount(byte[] buf, int off) {
        return Bytes.u32(buf, off + 24);
    }

    /**
     * The number of report blocks of an SR or RR that actually fit in the packet (the smaller of
     * RC and the room), 0 for other types or malformed input.
     */
    public static int reportBlockCount(byte[] buf, int off, int len) {
        int first = firstReportBlock(buf, off, len);
        if (first < 0) {
            return 0;
        }
        int length = contentLength(buf, off, len);
        return Math.min(count(buf, off), (off + length - first) / REPORT_BLOCK_LENGTH);
    }

    /** The absolute offset of report block {@code i} of an SR or RR; check {@link #reportBlockCount} first. */
    public static int reportBlockOffset(byte[] buf, int off, int i) {
        return off + (packetType(buf, off) == SR ? SR_HEADER_LENGTH : RR_HEADER_LENGTH) + i * REPORT_BLOCK_LENGTH;
    }

    public static int blockSsrc(byte[] buf, int blockOffset) {
        return Bytes.i32(buf, blockOffset);
    }

    public static void setBlockSsrc(byte[] buf, int blockOffset, int ssrc) {
        Bytes.put32(buf, blockOffset, ssrc);
    }

    /** Fraction lost, 0 to 255 (fixed point, /256). */
    public static int fractionLost(byte[] buf, int blockOffset) {
        return buf[blockOffset + 4] & 0xFF;
    }

    /** Cumulative number of packets lost, signed 24-bit. */
    public static int cumulativeLost(byte[] buf, int blockOffset) {
        return (Bytes.u24(buf, blockOffset + 5) << 8) >> 8;
    }

    public static long extendedHighestSeq(byte[] buf, int blockOffset) {
        return Bytes.u32(buf, blockOffset + 8);
    }

    public static long jitter(byte[] buf, int blockOffset) {
        return Bytes.u32(buf, blockOffset + 12);
    }

    public static long lastSr(byte[] buf, int blockOffset) {
        return Bytes.u32(buf, blockOffset + 16);
    }

    public static long delaySinceLastSr(byte[] buf, int blockOffset) {
        return Bytes.u32(buf, blockOffset + 20);
    }

    public static int srLength(int blocks) {
        return SR_HEADER_LENGTH + REPORT_BLOCK_LENGTH * blocks;
    }

    public static int rrLength(int blocks) {
        return RR_HEADER_LENGTH + REPORT_BLOCK_LENGTH * blocks;
    }

    /** Writes an SR with up to 31 report blocks; returns its length. */
    public static int writeSr(byte[] buf, int off, int senderSsrc, long ntpTimestamp, long rtpTimestamp,
                              long packetCount, long octetCount, ReportBlock... blocks) {
        checkCount(blocks.length);
        int length = srLength(blocks.length);
        writeHeader(buf, off, blocks.length, SR, length);
        Bytes.put32(buf, off + 4, senderSsrc);
        Bytes.put64(buf, off + 8, ntpTimestamp);
        Bytes.put32(buf, off + 16, rtpTimestamp);
        Bytes.put32(buf, off + 20, packetCount);
        Bytes.put32(buf, off + 24, octetCount);
        for (int i = 0; i < blocks.length; i++) {
            blocks[i].write(buf, off + SR_HEADER_LENGTH + i * REPORT_BLOCK_LENGTH);
        }
        return length;
    }

    /** Writes an RR with up to 31 report blocks; returns its length. */
    public static int writeRr(byte[] buf, int off, int senderSsrc, ReportBlock... blocks) {
        checkCount(blocks.length);
        int length = rrLength(blocks.length);
        writeHeader(buf, off, blocks.length, RR, length);
        Bytes.put32(buf, off + 4, senderSsrc);
        for (int i = 0; i < blocks.length; i++) {
            blocks[i].write(buf, off + RR_HEADER_LENGTH + i * REPORT_BLOCK_LENGTH);
        }
        return length;
    }

    // ---- NTP ------------------------------------------------------------------------------------

    /** The 64-bit NTP timestamp of a Unix time in milliseconds. */
    public static long ntpTimestamp(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000L) + NTP_UNIX_OFFSET_SECONDS;
        long fraction = (Math.floorMod(epochMillis, 1000L) << 32) / 1000L;
        return (seconds << 32) | fraction;
    }

    /** The Unix time in milliseconds (rounded to the nearest) of a 64-bit NTP timestamp (era 0). */
    public static long ntpToEpochMillis(long ntpTimestamp) {
        long seconds = ntpTimestamp >>> 32;
        long fraction = ntpTimestamp & 0xFFFF_FFFFL;
        return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000L + ((fraction * 1000L + (1L << 31)) >>> 32);
    }

    /** The middle 32 bits of an NTP timestamp, as report blocks carry it in LSR. */
    public static long ntpMiddle32(long ntpTimestamp) {
        return (ntpTimestamp >>> 16) & 0xFFFF_FFFFL;
    }

    // ---- BYE --------------------------------------------------------------------------------------

    /** The number of SSRCs of a BYE that fit in the packet, 0 for other types. */
    public static int byeSsrcCount(byte[] buf, int off, int len) {
        int length = contentLength(buf, off, len);
        if (length < 0 || packetType(buf, off) != BYE) {
            return 0;
        }
        return Math.min(count(buf, off), (length - HEADER_LENGTH) / 4);
    }

    public static int byeSsrc(byte[] buf, int off, int i) {
        return Bytes.i32(buf, off + 4 + 4 * i);
    }

    /** Writes a BYE without a reason; returns its length. */
    public static int writeBye(byte[] buf, int off, int... ssrcs) {
        checkCount(ssrcs.length);
        int length = HEADER_LENGTH + 4 * ssrcs.length;
        writeHeader(buf, off, ssrcs.length, BYE, length);
        for (int i = 0; i < ssrcs.length; i++) {
            Bytes.put32(buf, off + 4 + 4 * i, ssrcs[i]);
        }
        return length;
    }

    // ---- feedback common ----------------------------------------------------------------------

    /** Whether the packet is RTPFB or PSFB with the whole 12-byte common header. */
    public static boolean isFeedback(byte[] buf, int off, int len) {
        if (contentLength(buf, off, len) < FEEDBACK_HEADER_LENGTH) {
            return false;
        }
        int type = packetType(buf, off);
        return type == RTPFB || type == PSFB;
    }

    /** The SSRC of media source of a feedback packet. */
    public static int mediaSsrc(byte[] buf, int off) {
        return Bytes.i32(buf, off + 8);
    }

    public static void setMediaSsrc(byte[] buf, int off, int ssrc) {
        Bytes.put32(buf, off + 8, ssrc);
    }

    // ---- PLI ----------------------------------------------------------------------------------------

    public static boolean isPli(byte[] buf, int off, int len) {
        return isFeedback(buf, off, len) && packetType(buf, off) == PSFB && count(buf, off) == FMT_PLI;
    }

    /** Writes a 12-byte PLI (RFC 4585 §6.3.1) asking {@code mediaSsrc} for a keyframe; returns 12. */
    public static int writePli(byte[] buf, int off, int senderSsrc, int mediaSsrc) {
        writeHeader(buf, off, FMT_PLI, PSFB, PLI_LENGTH);
        Bytes.put32(buf, off + 4, senderSsrc);
        Bytes.put32(buf, off + 8, mediaSsrc);
        return PLI_LENGTH;
    }

    // ---- FIR --------------------------------------------------------------------------------------

    public static boolean isFir(byte[] buf, int off, int len) {
        return isFeedback(buf, off, len) && packetType(buf, off) == PSFB && count(buf, off) == FMT_FIR;
    }

    /** The number of FCI entries (8 bytes each) of a FIR. */
    public static int firEntryCount(byte[] buf, int off, int len) {
        return isFir(buf, off, len) ? (contentLength(buf, off, len) - FEEDBACK_HEADER_LENGTH) / 8 : 0;
    }

    /** The SSRC asked for a keyframe by FCI entry {@code i}. */
    public static int firSsrc(byte[] buf, int off, int i) {
        return Bytes.i32(buf, off + FEEDBACK_HEADER_LENGTH + 8 * i);
    }

    public static void setFirSsrc(byte[] buf, int off, int i, int ssrc) {
        Bytes.put32(buf, off + FEEDBACK_HEADER_LENGTH + 8 * i, ssrc);
    }

    /** The command sequence number of FCI entry {@code i}. */
    public static int firSequenceNumber(byte[] buf, int off, int i) {
        return buf[off + FEEDBACK_HEADER_LENGTH + 8 * i + 4] & 0xFF;
    }

    /**
     * Writes a 20-byte FIR (RFC 5104 §4.3.1) with one FCI entry; the media SSRC field is 0 as the
     * RFC requires. Returns 20.
     */
    public static int writeFir(byte[] buf, int off, int senderSsrc, int targetSsrc, int sequenceNumber) {
        writeHeader(buf, off, FMT_FIR, PSFB, FIR_LENGTH);
        Bytes.put32(buf, off + 4, senderSsrc);
        Bytes.put32(buf, off + 8, 0);
        Bytes.put32(buf, off + 12, targetSsrc);
        buf[off + 16] = (byte) sequenceNumber;
        buf[off + 17] = 0;
        buf[off + 18] = 0;
        buf[off + 19] = 0;
        return FIR_LENGTH;
    }

    // ---- generic NACK ---------------------------------------------------------------------------

    public static boolean isNack(byte[] buf, int off, int len) {
        return isFeedback(buf, off, len) && packetType(buf, off) == RTPFB && count(buf, off) == FMT_NACK;
    }

    /** The number of lost sequence numbers a NACK reports (PIDs plus BLP bits). */
    public static int nackLostCount(byte[] buf, int off, int len) {
        if (!isNack(buf, off, len)) {
            return 0;
        }
        int end = off + contentLength(buf, off, len);
        int lost = 0;
        for (int p = off + FEEDBACK_HEADER_LENGTH; p + 4 <= end; p += 4) {
            lost += 1 + Integer.bitCount(Bytes.u16(buf, p + 2));
        }
        return lost;
    }

    /**
     * Writes the lost sequence numbers a NACK reports into {@code out}, in packet order (each PID,
     * then its BLP bits from the lowest), at most {@code out.length} of them. Returns how many were
     * written, 0 if this is not a NACK.
     */
    public static int readNack(byte[] buf, int off, int len, int[] out) {
        if (!isNack(buf, off, len)) {
            return 0;
        }
        int end = off + contentLength(buf, off, len);
        int n = 0;
        for (int p = off + FEEDBACK_HEADER_LENGTH; p + 4 <= end && n < out.length; p += 4) {
            int pid = Bytes.u16(buf, p);
            int blp = Bytes.u16(buf, p + 2);
            out[n++] = pid;
            for (int bit = 0; bit < 16 && n < out.length; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    out[n++] = (pid + bit + 1) & 0xFFFF;
                }
            }
        }
        return n;
    }

    /** The lost sequence numbers a NACK reports, as a new array. */
    public static int[] nackLost(byte[] buf, int off, int len) {
        int[] out = new int[nackLostCount(buf, off, len)];
        readNack(buf, off, len, out);
        return out;
    }

    /** The length of the NACK {@link #writeNack} would write for these sequence numbers. */
    public static int nackLength(int[] seqs, int count) {
        return FEEDBACK_HEADER_LENGTH + 4 * nackEntries(seqs, count, null, 0);
    }

    /**
     * Writes a generic NACK (RFC 4585 §6.2.1) for the first {@code count} sequence numbers. Each
     * FCI entry covers a PID and the 16 numbers after it; numbers given in increasing
     * (wrap-around) order produce the fewest entries, any order produces a correct packet, and
     * repeats of the previous number are ignored. Returns the length.
     *
     * @throws IllegalArgumentException if {@code count} is below 1: a NACK needs an FCI entry
     */
    public static int writeNack(byte[] buf, int off, int senderSsrc, int mediaSsrc, int[] seqs, int count) {
        if (count < 1 || count > seqs.length) {
            throw new IllegalArgumentException("count must be 1.." + seqs.length + ": " + count);
        }
        int entries = nackEntries(seqs, count, buf, off + FEEDBACK_HEADER_LENGTH);
        int length = FEEDBACK_HEADER_LENGTH + 4 * entries;
        writeHeader(buf, off, FMT_NACK, RTPFB, length);
        Bytes.put32(buf, off + 4, senderSsrc);
        Bytes.put32(buf, off + 8, mediaSsrc);
        return length;
    }

    /** Counts the FCI entries for the sequence numbers, writing them at {@code fci} when buf is not null. */
    private static int nackEntries(int[] seqs, int count, byte[] buf, int fci) {
        int entries = 0;
        int pid = -1;
        int blp = 0;
        for (int i = 0; i < count; i++) {
            int seq = seqs[i] & 0xFFFF;
            if (pid >= 0) {
                int distance = (seq - pid) & 0xFFFF;
                if (distance == 0) {
                    continue;
                }
                if (distance <= 16) {
                    blp |= 1 << (distance - 1);
                    continue;
                }
                if (buf != null) {
                    Bytes.put16(buf, fci + 4 * entries, pid);
                    Bytes.put16(buf, fci + 4 * entries + 2, blp);
                }
                entries++;
            }
            pid = seq;
            blp = 0;
        }
        if (pid >= 0) {
            if (buf != null) {
                Bytes.put16(buf, fci + 4 * entries, pid);
                Bytes.put16(buf, fci + 4 * entries + 2, blp);
            }
            entries++;
        }
        return entries;
    }

    // ---- REMB -------------------------------------------------------------------------------------

    /** Whether this is a REMB: PSFB, FMT 15, unique identifier 'REMB', with its count and bitrate. */
    public static boolean isRemb(byte[] buf, int off, int len) {
        return isFeedback(buf, off, len) && packetType(buf, off) == PSFB && count(buf, off) == FMT_AFB
                && contentLength(buf, off, len) >= 20 && Bytes.i32(buf, off + 12) == REMB_ID;
    }

    /** The REMB bitrate in bits per second (mantissa × 2^exp), saturating at Long.MAX_VALUE. */
    public static long rembBitrate(byte[] buf, int off) {
        int exponent = (buf[off + 17] & 0xFC) >>> 2;
        long mantissa = Bytes.u24(buf, off + 17) & 0x3FFFF;
        if (mantissa != 0 && exponent > Long.numberOfLeadingZeros(mantissa) - 1) {
            return Long.MAX_VALUE;
        }
        return mantissa << exponent;
    }

    /** The number of SSRCs a REMB lists that fit in the packet. */
    public static int rembSsrcCount(byte[] buf, int off, int len) {
        if (!isRemb(buf, off, len)) {
            return 0;
        }
        return Math.min(buf[off + 16] & 0xFF, (contentLength(buf, off, len) - 20) / 4);
    }

    public static int rembSsrc(byte[] buf, int off, int i) {
        return Bytes.i32(buf, off + 20 + 4 * i);
    }

    public static void setRembSsrc(byte[] buf, int off, int i, int ssrc) {
        Bytes.put32(buf, off + 20 + 4 * i, ssrc);
    }

    public static int rembLength(int ssrcCount) {
        return 20 + 4 * ssrcCount;
    }

    /**
     * Writes a REMB for {@code bitrate} bits per second (rounded down to an 18-bit mantissa and a
     * 6-bit exponent) applying to the first {@value #MAX_REMB_SSRCS} of {@code ssrcs} (a longer list
     * is cut: the count field has no room for more); the media SSRC field is 0. Returns the length,
     * at most {@code rembLength(MAX_REMB_SSRCS)} (1040 bytes).
     */
    public static int writeRemb(byte[] buf, int off, int senderSsrc, long bitrate, int... ssrcs) {
        int count = Math.min(ssrcs.length, MAX_REMB_SSRCS);
        long value = Math.max(0, bitrate);
        int exponent = 0;
        while ((value >>> exponent) > 0x3FFFF) {
            exponent++;
        }
        long mantissa = value >>> exponent;
        int length = rembLength(count);
        writeHeader(buf, off, FMT_AFB, PSFB, length);
        Bytes.put32(buf, off + 4, senderSsrc);
        Bytes.put32(buf, off + 8, 0);
        Bytes.put32(buf, off + 12, REMB_ID);
        buf[off + 16] = (byte) count;
        buf[off + 17] = (byte) ((exponent << 2) | (int) (mantissa >>> 16));
        Bytes.put16(buf, off + 18, (int) mantissa);
        for (int i = 0; i < count; i++) {
            Bytes.put32(buf, off + 20 + 4 * i, ssrcs[i]);
        }
        return length;
    }

    // ---- transport-cc -------------------------------------------------------------------------------

    /** Whether this is transport-wide congestion control feedback (RTPFB FMT 15); not parsed further yet. */
    public static boolean isTransportCc(byte[] buf, int off, int len) {
        return isFeedback(buf, off, len) && packetType(buf, off) == RTPFB && count(buf, off) == FMT_TRANSPORT_CC;
    }

    // ---- rewriting ------------------------------------------------------------------------------------

    /**
     * Rewrites, in place, every SSRC of a compound packet that names the media a report or
     * request is about, with {@code map} (which returns its argument for SSRCs to leave alone):
     * <ul>
     *   <li>feedback (PLI, NACK, transport-cc, any other RTPFB/PSFB): the media source SSRC;</li>
     *   <li>FIR: the SSRC of each FCI entry (its media source field is 0 by RFC 5104);</li>
     *   <li>REMB: each listed SSRC;</li>
     *   <li>SR and RR: the SSRC of each report block.</li>
     * </ul>
     * Sender SSRCs, SDES, BYE and anything else are untouched. Used to turn a receiver's feedback
     * about a forwarded stream into feedback about the publisher's SSRC. Stops at the first
     * malformed packet.
     *
     * @return the number of SSRC fields changed
     */
    public static int rewriteMediaSsrcs(byte[] buf, int off, int len, IntUnaryOperator map) {
        if (!Bytes.inBounds(buf, off, len)) {
            return 0;
        }
        int end = off + len;
        int changed = 0;
        for (int p = off, n; (n = packetLength(buf, p, end - p)) > 0; p += n) {
            int type = packetType(buf, p);
            if (type == SR || type == RR) {
                int blocks = reportBlockCount(buf, p, n);
                for (int i = 0; i < blocks; i++) {
                    int b = reportBlockOffset(buf, p, i);
                    changed += replace(buf, b, map);
                }
            } else if (isFir(buf, p, n)) {
                int entries = firEntryCount(buf, p, n);
                for (int i = 0; i < entries; i++) {
                    changed += replace(buf, p + FEEDBACK_HEADER_LENGTH + 8 * i, map);
                }
            } else if (isRemb(buf, p, n)) {
                int ssrcs = rembSsrcCount(buf, p, n);
                for (int i = 0; i < ssrcs; i++) {
                    changed += replace(buf, p + 20 + 4 * i, map);
                }
            } else if (isFeedback(buf, p, n)) {
                changed += replace(buf, p + 8, map);
            }
        }
        return changed;
    }

    private static int replace(byte[] buf, int at, IntUnaryOperator map) {
        int old = Bytes.i32(buf, at);
        int updated = map.applyAsInt(old);
        if (updated == old) {
            return 0;
        }
        Bytes.put32(buf, at, updated);
        return 1;
    }

    // ---- internals ------------------------------------------------------------------------------------

    private static int firstReportBlock(byte[] buf, int off, int len) {
        if (isSr(buf, off, len)) {
            return off + SR_HEADER_LENGTH;
        }
        if (isRr(buf, off, len)) {
            return off + RR_HEADER_LENGTH;
        }
        return -1;
    }

    private static void writeHeader(byte[] buf, int off, int count, int packetType, int length) {
        buf[off] = (byte) (0x80 | count);
        buf[off + 1] = (byte) packetType;
        Bytes.put16(buf, off + 2, length / 4 - 1);
    }

    private static void checkCount(int count) {
        if (count > MAX_COUNT) {
            throw new IllegalArgumentException("at most " + MAX_COUNT + " entries fit a 5-bit count: " + count);
        }
    }
}
