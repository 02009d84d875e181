package org.chorus.recording.tracks;

import java.io.ByteArrayOutputStream;

/**
 * An H.264 access unit in Annex B (start codes {@code 00 00 01} or {@code 00 00 00 01}), read for
 * what a Matroska track needs before its header: the SPS and PPS, which become the track's
 * extradata (the muxer turns them into an avcC), and the picture size from the SPS.
 */
final class H264AccessUnit {

    static final int NAL_IDR = 5;
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;

    private H264AccessUnit() {
    }

    /** Whether the access unit holds an IDR slice. */
    static boolean hasIdr(byte[] data, int offset, int length) {
        return findNal(data, offset, length, NAL_IDR) >= 0;
    }

    /**
     * The SPS and PPS NAL units of the access unit, each behind a 4-byte start code, or null when
     * either is missing.
     */
    static byte[] parameterSets(byte[] data, int offset, int length) {
        int sps = findNal(data, offset, length, NAL_SPS);
        int pps = findNal(data, offset, length, NAL_PPS);
        if (sps < 0 || pps < 0) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int start : new int[] {sps, pps}) {
            int end = nalEnd(data, start, offset + length);
            out.write(0);
            out.write(0);
            out.write(0);
            out.write(1);
            out.write(data, start, end - start);
        }
        return out.toByteArray();
    }

    /**
     * The picture width and height from the access unit's SPS, after cropping, as {@code {w, h}},
     * or null when there is no SPS or it cannot be read.
     */
    static int[] pictureSize(byte[] data, int offset, int length) {
        int sps = findNal(data, offset, length, NAL_SPS);
        if (sps < 0) {
            return null;
        }
        int end = nalEnd(data, sps, offset + length);
        try {
            return SpsReader.pictureSize(unescape(data, sps + 1, end));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The offset of the first byte (the NAL header) of the first NAL unit of this type, or -1. */
    static int findNal(byte[] data, int offset, int length, int type) {
        int end = offset + length;
        int p = offset;
        while (p + 3 <= end) {
            if (data[p] == 0 && data[p + 1] == 0 && data[p + 2] == 1) {
                int header = p + 3;
                if (header < end && (data[header] & 0x1F) == type) {
                    return header;
                }
                p = header;
            } else {
                p++;
            }
        }
        return -1;
    }

    /** Where the NAL unit starting at {@code start} ends: at the next start code or at {@code end}. */
    private static int nalEnd(byte[] data, int start, int end) {
        int p = start;
        while (p + 3 <= end) {
            if (data[p] == 0 && data[p + 1] == 0 && (data[p + 2] == 1
                    || (data[p + 2] == 0 && p + 3 < end && data[p + 3] == 1))) {
                return p;
            }
            p++;
        }
        return end;
    }

    /** The RBSP: the bytes with emulation prevention ({@code 00 00 03}) removed. */
    private static byte[] unescape(byte[] data, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        int zeros = 0;
        for (int i = from; i < to; i++) {
            int b = data[i] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = (byte) b;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Reads the fields of a sequence parameter set (H.264 §7.3.2.1.1) up to the cropping window. */
    private static final class SpsReader {
        private final byte[] rbsp;
        private int bit;

        private SpsReader(byte[] rbsp) {
            this.rbsp = rbsp;
        }

        static int[] pictureSize(byte[] rbsp) {
            SpsReader r = new SpsReader(rbsp);
            int profile = r.bits(8);
            r.bits(16); // constraint flags, level
            r.ue(); // seq_parameter_set_id
            int chromaFormat = 1;
            if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44
                    || profile == 83 || profile == 86 || profile == 118 || profile == 128 || profile == 138
                    || profile == 139 || profile == 134 || profile == 135) {
                chromaFormat = r.ue();
                if (chromaFormat == 3) {
                    r.bits(1);
                }
                r.ue(); // bit depth luma
                r.ue(); // bit depth chroma
                r.bits(1); // qpprime_y_zero_transform_bypass
                if (r.bits(1) == 1) {
                    for (int i = 0; i < (chromaFormat != 3 ? 8 : 12); i++) {
                        if (r.bits(1) == 1) {
                            r.skipScalingList(i < 6 ? 16 : 64);
                        }
                    }
                }
            }
            r.ue(); // log2_max_frame_num_minus4
            int pocType = r.ue();
            if (pocType == 0) {
                r.ue();
            } else if (pocType == 1) {
                r.bits(1);
                r.se();
                r.se();
                int cycle = r.ue();
                for (int i = 0; i < cycle; i++) {
                    r.se();
                }
            }
            r.ue(); // max_num_ref_frames
            r.bits(1); // gaps_in_frame_num_allowed
            int widthMbs = r.ue() + 1;
            int heightMapUnits = r.ue() + 1;
            int frameMbsOnly = r.bits(1);
            if (frameMbsOnly == 0) {
                r.bits(1); // mb_adaptive_frame_field
            }
            r.bits(1); // direct_8x8_inference
            int width = widthMbs * 16;
            int height = (2 - frameMbsOnly) * heightMapUnits * 16;
            if (r.bits(1) == 1) {
                int left = r.ue();
                int right = r.ue();
                int top = r.ue();
                int bottom = r.ue();
                int cropX = chromaFormat == 0 || chromaFormat == 3 ? 1 : 2;
                int cropY = (chromaFormat == 1 ? 2 : 1) * (2 - frameMbsOnly);
                width -= (left + right) * cropX;
                height -= (top + bottom) * cropY;
            }
            return width > 0 && height > 0 ? new int[] {width, height} : null;
        }

        private int bits(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                int b = bit++;
                if ((b >>> 3) >= rbsp.length) {
                    throw new IllegalArgumentException("SPS too short");
                }
                v = (v << 1) | ((rbsp[b >>> 3] >>> (7 - (b & 7))) & 1);
            }
            return v;
        }

        private int ue() {
            int zeros = 0;
            while (bits(1) == 0) {
                if (++zeros > 31) {
                    throw new IllegalArgumentException("bad exp-Golomb code");
                }
            }
            return (int) ((1L << zeros) - 1 + (zeros == 0 ? 0 : bits(zeros)));
        }

        private int se() {
            int k = ue();
            return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
        }

        private void skipScalingList(int size) {
            int last = 8;
            int next = 8;
            for (int j = 0; j < size; j++) {
                if (next != 0) {
                    next = (last + se() + 256) % 256;
                }
                last = next == 0 ? last : next;
            }
        }
    }
}
