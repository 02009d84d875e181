package org.chorus.recording.grid;

/**
 * Where the tiles of a grid go on the 1280×720 canvas, and where a picture sits inside its tile.
 *
 * <p>1 participant fills the canvas, 2 sit side by side, 3–4 share a 2×2 grid and 5–9 a 3×3 grid
 * (more than 9 are not shown). Pictures keep their aspect ratio and are letterboxed inside their
 * cell. Every edge is even so that the half-resolution chroma planes of YUV420P line up.
 */
public final class GridGeometry {
    /** The most tiles a grid shows; later joiners are left out until someone leaves. */
    public static final int MAX_TILES = 9;

    private final int width;
    private final int height;

    public GridGeometry(int width, int height) {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("the canvas needs a positive even size");
        }
        this.width = width;
        this.height = height;
    }

    /** A rectangle in canvas pixels. */
    public record Rect(int x, int y, int width, int height) {
        public int centreX() {
            return x + width / 2;
        }

        public int centreY() {
            return y + height / 2;
        }
    }

    /** Columns of the grid for {@code tiles} participants (at least 1). */
    public static int columns(int tiles) {
        if (tiles <= 1) {
            return 1;
        }
        return tiles <= 4 ? 2 : 3;
    }

    /** Rows of the grid for {@code tiles} participants (at least 1). */
    public static int rows(int tiles) {
        if (tiles <= 2) {
            return 1;
        }
        return tiles <= 4 ? 2 : 3;
    }

    /** The cell of tile {@code index} (0-based, row by row) when {@code tiles} tiles are shown. */
    public Rect cell(int index, int tiles) {
        int cols = columns(tiles);
        int rows = rows(tiles);
        if (index < 0 || index >= cols * rows) {
            throw new IllegalArgumentException("no cell " + index + " for " + tiles + " tiles");
        }
        int col = index % cols;
        int row = index / cols;
        int x0 = even(width * col / cols);
        int x1 = even(width * (col + 1) / cols);
        int y0 = even(height * row / rows);
        int y1 = even(height * (row + 1) / rows);
        return new Rect(x0, y0, x1 - x0, y1 - y0);
    }

    /** The largest even-sized rectangle of the picture's aspect ratio, centred in {@code cell}. */
    public static Rect fit(Rect cell, int pictureWidth, int pictureHeight) {
        if (pictureWidth <= 0 || pictureHeight <= 0) {
            return cell;
        }
        int w;
        int h;
        if ((long) cell.width() * pictureHeight <= (long) cell.height() * pictureWidth) {
            w = cell.width();
            h = (int) ((long) cell.width() * pictureHeight / pictureWidth);
        } else {
            h = cell.height();
            w = (int) ((long) cell.height() * pictureWidth / pictureHeight);
        }
        w = Math.max(2, even(w));
        h = Math.max(2, even(h));
        int x = cell.x() + even((cell.width() - w) / 2);
        int y = cell.y() + even((cell.height() - h) / 2);
        return new Rect(x, y, w, h);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    private static int even(int v) {
        return v & ~1;
    }
}
