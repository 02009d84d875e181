package org.chorus.recording.grid;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A growable native buffer for packets handed to a decoder. FFmpeg's parsers read a little past
 * the end of a packet, so the buffer always keeps {@code AV_INPUT_BUFFER_PADDING_SIZE} zeroed bytes
 * after the data.
 */
final class NativeBytes implements AutoCloseable {
    private BytePointer buffer;
    private int capacity;

    /** Copies {@code length} bytes into native memory and returns the pointer (valid until the next call). */
    BytePointer copy(byte[] data, int offset, int length) {
        if (buffer == null || capacity < length) {
            free();
            capacity = Math.max(length, Math.max(64 * 1024, capacity * 2));
            buffer = new BytePointer(avutil.av_mallocz(capacity + AV_INPUT_BUFFER_PADDING_SIZE)).capacity(
                    capacity + AV_INPUT_BUFFER_PADDING_SIZE);
            if (buffer.isNull()) {
                throw new OutOfMemoryError("av_mallocz of " + capacity + " bytes");
            }
        }
        buffer.position(0).put(data, offset, length);
        // zero the padding right after this packet (a longer earlier packet left bytes there)
        Pointer.memset(buffer.position(length), 0, AV_INPUT_BUFFER_PADDING_SIZE);
        return buffer.position(0);
    }

    private void free() {
        if (buffer != null) {
            avutil.av_free(buffer.position(0));
            buffer = null;
        }
    }

    @Override
    public void close() {
        free();
    }
}
