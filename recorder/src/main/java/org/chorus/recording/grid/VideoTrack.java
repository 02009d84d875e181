package org.chorus.recording.grid;

import java.util.ArrayDeque;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.chorus.recording.media.StreamSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's video stream on its way into the grid: encoded frames wait here until the
 * output clock reaches them, then are decoded in order. At each tick the track shows the decoded
 * frame nearest to the tick, so a picture is never more than half a frame interval off.
 *
 * <p>Encoded frames are held (not decoded pictures) because a picture of 720p is 1.4 MB while the
 * frame is a few kB, and the output runs about a second behind. Their byte arrays are recycled.
 */
final class VideoTrack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoTrack.class);

    /** More waiting frames than this (about 10 s at 30 fps) means the output clock is stuck behind. */
    private static final int MAX_QUEUED = 300;

    /** What the track needs before it can decode: a keyframe, after a start or a dropped frame. */
    private enum State {
        AWAITING_KEYFRAME,
        DECODING
    }

    private static final class Encoded {
        long ptsMicros;
        boolean keyframe;
        byte[] data = new byte[0];
        int length;
    }

    private final StreamSpec spec;
    private final ArrayDeque<Encoded> queue = new ArrayDeque<>();
    private final ArrayDeque<Encoded> free = new ArrayDeque<>();
    private final VideoDecoder decoder;
    private State state = State.AWAITING_KEYFRAME;
    private long shownPts = Long.MIN_VALUE;
    private long endMicros = Long.MAX_VALUE;
    private long droppedFrames;
    private long decodeErrors;

    VideoTrack(StreamSpec spec) {
        this.spec = spec;
        this.decoder = new VideoDecoder(spec.codec());
    }

    StreamSpec spec() {
        return spec;
    }

    /** Queues one encoded frame (copied; the caller's array is reused). */
    void offer(long ptsMicros, boolean keyframe, byte[] data, int offset, int length) {
        if (ptsMicros >= endMicros) {
            return;
        }
        if (queue.size() >= MAX_QUEUED) {
            // the frames in between are lost for decoding: start over at the next keyframe
            droppedFrames += queue.size();
            while (!queue.isEmpty()) {
                free.push(queue.poll());
            }
            state = State.AWAITING_KEYFRAME;
            LOG.warn("Video stream {} fell {} frames behind the output clock; waiting for a keyframe",
                    spec.streamId(), MAX_QUEUED);
        }
        Encoded e = free.isEmpty() ? new Encoded() : free.pop();
        if (e.data.length < length) {
            e.data = new byte[Math.max(length, e.data.length * 2)];
        }
        System.arraycopy(data, offset, e.data, 0, length);
        e.length = length;
        e.keyframe = keyframe;
        e.ptsMicros = ptsMicros;
        queue.add(e);
    }

    /** The stream ends at {@code atMicros}: later frames are ignored and the picture goes then. */
    void end(long atMicros) {
        endMicros = Math.min(endMicros, atMicros);
    }

    /** True once the output clock is past the end and nothing is left to show. */
    boolean finishedAt(long tickMicros) {
        return tickMicros >= endMicros;
    }

    /**
     * Decodes the frames up to the one nearest to {@code tickMicros} and returns the picture to show
     * then, or null (black) before the first picture or after the stream's end.
     */
    AVFrame pictureAt(long tickMicros) {
        while (!queue.isEmpty()) {
            Encoded next = queue.peek();
            boolean due = next.ptsMicros <= tickMicros
                    || (shownPts != Long.MIN_VALUE && tickMicros > shownPts
                            && next.ptsMicros - tickMicros < tickMicros - shownPts);
            if (!due) {
                break;
            }
            queue.poll();
            decode(next);
            free.push(next);
        }
        if (tickMicros >= endMicros) {
            return null;
        }
        return decoder.picture();
    }

    private void decode(Encoded e) {
        if (state == State.AWAITING_KEYFRAME) {
            if (!e.keyframe) {
                droppedFrames++;
                return;
            }
            state = State.DECODING;
        }
        if (decoder.decode(e.data, 0, e.length)) {
            shownPts = e.ptsMicros;
        } else if (decodeErrors++ % 100 == 0) {
            LOG.debug("Video stream {}: the decoder rejected a frame ({} so far)", spec.streamId(), decodeErrors);
        }
    }

    long droppedFrames() {
        return droppedFrames;
    }

    @Override
    public void close() {
        decoder.close();
    }
}
