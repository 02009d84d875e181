package org.chorus.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.chorus.recording.media.MediaOutput;

/**
 * Whole frames of several streams on one timeline, handed to an output the way the recorder's
 * receive side hands them (frames in pts order, the clock advanced every 100 ms of media), as fast
 * as the output takes them or in real time. For the measurements that start after the receive
 * side: the grid, and the writer killed mid-recording.
 */
final class FrameFeed {
    private static final long ADVANCE_MICROS = 100_000;

    private record Item(int streamId, long ptsMicros, boolean keyframe, byte[] data) {}

    private final List<Item> items = new ArrayList<>();
    private boolean sorted;
    private int next;
    private long nextAdvance;
    private final Map<Integer, Long> lastPts = new HashMap<>();

    void add(int streamId, long ptsMicros, boolean keyframe, byte[] data) {
        items.add(new Item(streamId, ptsMicros, keyframe, data));
        sorted = false;
    }

    /**
     * Feeds the frames with pts below {@code untilMicros} that were not fed yet. Paced, a frame
     * goes when {@code startNanos + pts} has come.
     */
    void feed(MediaOutput out, long untilMicros, boolean paced, long startNanos) {
        if (!sorted) {
            items.sort(Comparator.comparingLong(Item::ptsMicros));
            sorted = true;
        }
        for (; next < items.size(); next++) {
            Item item = items.get(next);
            if (item.ptsMicros() >= untilMicros) {
                break;
            }
            if (paced) {
                long wait;
                while ((wait = startNanos + item.ptsMicros() * 1000 - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            } else if (out instanceof org.chorus.recording.writer.WriterProcess writer) {
                // as fast as the writer takes them: keep its pipe half full, so nothing is dropped
                while (writer.bufferedBytes() > org.chorus.recording.writer.WriterProcess.PIPE_BUFFER_BYTES / 2) {
                    LockSupport.parkNanos(1_000_000);
                }
            }
            while (item.ptsMicros() >= nextAdvance) {
                out.advance(nextAdvance);
                nextAdvance += ADVANCE_MICROS;
            }
            out.frame(item.streamId(), item.ptsMicros(), item.keyframe(), item.data(), 0, item.data().length);
            lastPts.put(item.streamId(), item.ptsMicros());
        }
    }

    /** The pts of the last frame fed of a stream, or -1. */
    long lastPts(int streamId) {
        return lastPts.getOrDefault(streamId, -1L);
    }
}
