package org.chorus.media.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * A reusable, mutable view of one packet, {@code (buffer, offset, length)}, as jitsi-srtp wants it.
 * It never reallocates: the caller owns the array, and growing past its end throws instead (the
 * callers of this class check the spare capacity before handing a packet to jitsi-srtp, because its
 * native AES-GCM writes the tag without asking).
 *
 * <p>Not thread-safe: each instance is used under its owner's lock.
 */
final class SrtpBufferView implements ByteArrayBuffer {

    private byte[] buffer;
    private int offset;
    private int length;

    SrtpBufferView wrap(byte[] buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Drops the reference to the caller's array. */
    void clear() {
        buffer = null;
        offset = 0;
        length = 0;
    }

    @Override
    public byte[] getBuffer() {
        return buffer;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int newLength) {
        if (newLength < 0 || offset + newLength > buffer.length) {
            throw new IllegalStateException("length " + newLength + " does not fit the buffer");
        }
        length = newLength;
    }

    @Override
    public void setOffset(int newOffset) {
        if (newOffset < 0 || newOffset + length > buffer.length) {
            throw new IllegalStateException("offset " + newOffset + " does not fit the buffer");
        }
        offset = newOffset;
    }

    @Override
    public boolean isInvalid() {
        return buffer == null;
    }

    @Override
    public void readRegionToBuff(int regionOffset, int regionLength, byte[] destination) {
        if (regionOffset < 0 || regionLength < 0 || regionOffset + regionLength > length) {
            throw new IllegalStateException("region outside the packet");
        }
        System.arraycopy(buffer, offset + regionOffset, destination, 0, regionLength);
    }

    @Override
    public void grow(int howMuch) {
        if (howMuch < 0 || offset + length + howMuch > buffer.length) {
            throw new IllegalStateException("no room to grow the packet by " + howMuch + " bytes");
        }
    }

    @Override
    public void append(byte[] data, int dataLength) {
        grow(dataLength);
        System.arraycopy(data, 0, buffer, offset + length, dataLength);
        length += dataLength;
    }

    @Override
    public void shrink(int howMuch) {
        if (howMuch <= 0) {
            return;
        }
        length = Math.max(0, length - howMuch);
    }
}
