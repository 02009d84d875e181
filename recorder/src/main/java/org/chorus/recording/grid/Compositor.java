package org.chorus.recording.grid;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Draws the tiles of one tick: every picture is scaled by {@code sws_scale} straight into its
 * letterboxed place on the canvas, with no intermediate picture. A changed layout costs nothing
 * extra: the canvas is cleared every tick and the rectangles are recomputed.
 */
final class Compositor implements AutoCloseable {
    private final GridGeometry geometry;
    /** One scaler per cell; {@code sws_getCachedContext} rebuilds it only when sizes change. */
    private final SwsContext[] scalers = new SwsContext[GridGeometry.MAX_TILES];

    Compositor(GridGeometry geometry) {
        this.geometry = geometry;
    }

    /**
     * Clears the canvas and draws {@code count} tiles; a null picture leaves its tile black.
     */
    void compose(Canvas canvas, AVFrame[] pictures, int count) {
        canvas.clear();
        int tiles = Math.min(count, GridGeometry.MAX_TILES);
        for (int i = 0; i < tiles; i++) {
            AVFrame picture = pictures[i];
            if (picture == null || picture.width() <= 0 || picture.height() <= 0) {
                continue;
            }
            GridGeometry.Rect place = GridGeometry.fit(geometry.cell(i, tiles), picture.width(), picture.height());
            SwsContext scaler = sws_getCachedContext(scalers[i], picture.width(), picture.height(), picture.format(),
                    place.width(), place.height(), AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null,
                    (DoublePointer) null);
            // a changed size freed the old scaler, so the slot always takes the result
            scalers[i] = scaler == null || scaler.isNull() ? null : scaler;
            if (scalers[i] == null) {
                continue; // an unsupported picture format: the tile stays black
            }
            sws_scale(scaler, picture.data(), picture.linesize(), 0, picture.height(),
                    canvas.planesAt(place.x(), place.y()), canvas.strides());
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < scalers.length; i++) {
            if (scalers[i] != null) {
                sws_freeContext(scalers[i]);
                scalers[i] = null;
            }
        }
    }
}
