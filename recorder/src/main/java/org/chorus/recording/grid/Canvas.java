package org.chorus.recording.grid;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One YUV420P picture in one contiguous native buffer (Y, then U, then V, no row padding), which is
 * exactly what the encoder takes, so a composited canvas goes to it without any conversion.
 */
final class Canvas implements AutoCloseable {
    /** Limited-range black. */
    private static final int BLACK_Y = 16;
    private static final int BLACK_UV = 128;

    private final int width;
    private final int height;
    private final int lumaSize;
    private final int chromaSize;
    private final BytePointer base;
    private final ByteBuffer buffer;
    // reusable views for the destination planes of one tile, and their strides
    private final BytePointer y;
    private final BytePointer u;
    private final BytePointer v;
    private final PointerPointer<BytePointer> planes = new PointerPointer<>(4);
    private final IntPointer strides;
    private boolean closed;

    Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.lumaSize = width * height;
        this.chromaSize = (width / 2) * (height / 2);
        int size = lumaSize + 2 * chromaSize;
        Pointer raw = avutil.av_malloc(size);
        if (raw == null || raw.isNull()) {
            throw new OutOfMemoryError("av_malloc of a canvas");
        }
        this.base = new BytePointer(raw).capacity(size);
        this.buffer = base.asBuffer();
        this.y = new BytePointer(base);
        this.u = new BytePointer(base);
        this.v = new BytePointer(base);
        this.strides = new IntPointer(width, width / 2, width / 2, 0);
        clear();
    }

    void clear() {
        Pointer.memset(base.position(0), BLACK_Y, lumaSize);
        Pointer.memset(base.position(lumaSize), BLACK_UV, 2L * chromaSize);
        base.position(0);
    }

    /** Destination plane pointers for a picture whose top-left corner is at (x, y), both even. */
    PointerPointer<BytePointer> planesAt(int x, int yPos) {
        y.position((long) yPos * width + x);
        long chroma = (long) (yPos / 2) * (width / 2) + x / 2;
        u.position(lumaSize + chroma);
        v.position(lumaSize + chromaSize + chroma);
        planes.put(0, y);
        planes.put(1, u);
        planes.put(2, v);
        planes.put(3, (Pointer) null);
        return planes;
    }

    IntPointer strides() {
        return strides;
    }

    /** The whole picture, for the encoder; position 0, limit at the end. */
    ByteBuffer buffer() {
        buffer.clear();
        return buffer;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avutil.av_free(base.position(0));
        planes.close();
        strides.close();
    }
}
