package org.chorus.media.rtp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Builds RTP packets byte by byte for tests. */
final class RtpPacketBuilder {

    private int payloadType = 96;
    private boolean marker;
    private int sequenceNumber = 1;
    private long timestamp = 1000;
    private int ssrc = 0x11223344;
    private final List<Integer> csrcs = new ArrayList<>();
    private int profile = -1;
    private final ByteArrayOutputStream extension = new ByteArrayOutputStream();
    private byte[] payload = {1, 2, 3, 4};
    private int padding;

    static RtpPacketBuilder rtp() {
        return new RtpPacketBuilder();
    }

    RtpPacketBuilder payloadType(int pt) {
        this.payloadType = pt;
        return this;
    }

    RtpPacketBuilder marker(boolean m) {
        this.marker = m;
        return this;
    }

    RtpPacketBuilder seq(int seq) {
        this.sequenceNumber = seq;
        return this;
    }

    RtpPacketBuilder timestamp(long ts) {
        this.timestamp = ts;
        return this;
    }

    RtpPacketBuilder ssrc(int s) {
        this.ssrc = s;
        return this;
    }

    RtpPacketBuilder csrc(int c) {
        csrcs.add(c);
        return this;
    }

    RtpPacketBuilder oneByteExtensions() {
        profile = RtpHeaderExtensions.ONE_BYTE_PROFILE;
        return this;
    }

    RtpPacketBuilder twoByteExtensions() {
        profile = RtpHeaderExtensions.TWO_BYTE_PROFILE;
        return this;
    }

    RtpPacketBuilder extensionProfile(int p) {
        profile = p;
        return this;
    }

    /** Appends an element in the block's form. */
    RtpPacketBuilder ext(int id, int... data) {
        if (profile == RtpHeaderExtensions.ONE_BYTE_PROFILE) {
            extension.write((id << 4) | (data.length - 1));
        } else {
            extension.write(id);
            extension.write(data.length);
        }
        for (int d : data) {
            extension.write(d);
        }
        return this;
    }

    /** Appends raw bytes to the extension block (padding, garbage). */
    RtpPacketBuilder rawExt(int... bytes) {
        for (int b : bytes) {
            extension.write(b);
        }
        return this;
    }

    RtpPacketBuilder payload(int... bytes) {
        payload = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            payload[i] = (byte) bytes[i];
        }
        return this;
    }

    RtpPacketBuilder payload(byte[] bytes) {
        payload = bytes.clone();
        return this;
    }

    RtpPacketBuilder padding(int count) {
        this.padding = count;
        return this;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | (padding > 0 ? 0x20 : 0) | (profile >= 0 ? 0x10 : 0) | csrcs.size());
        out.write((marker ? 0x80 : 0) | payloadType);
        out.write(sequenceNumber >>> 8);
        out.write(sequenceNumber);
        write32(out, timestamp);
        write32(out, ssrc);
        for (int c : csrcs) {
            write32(out, c);
        }
        if (profile >= 0) {
            byte[] ext = extension.toByteArray();
            int words = (ext.length + 3) / 4;
            out.write(profile >>> 8);
            out.write(profile);
            out.write(words >>> 8);
            out.write(words);
            out.writeBytes(ext);
            for (int i = ext.length; i < words * 4; i++) {
                out.write(0);
            }
        }
        out.writeBytes(payload);
        for (int i = 1; i < padding; i++) {
            out.write(0);
        }
        if (padding > 0) {
            out.write(padding);
        }
        return out.toByteArray();
    }

    /** The packet at {@code offset} in an array with {@code tail} spare bytes after it. */
    byte[] buildAt(int offset, int tail) {
        byte[] packet = build();
        byte[] array = new byte[offset + packet.length + tail];
        System.arraycopy(packet, 0, array, offset, packet.length);
        return array;
    }

    private static void write32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
