package org.chorus.recording.writer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.chorus.recording.media.MediaOutput;
import org.chorus.testing.media.TestEncoders.Encoded;

/** Frames of several streams merged into one timeline and fed to an output, as fast as possible or in real time. */
final class TimedFeed {

    private record Item(int streamId, Encoded frame) {}

    private final List<Item> items = new ArrayList<>();

    TimedFeed add(int streamId, List<Encoded> frames) {
        frames.forEach(f -> items.add(new Item(streamId, f)));
        items.sort(Comparator.comparingLong(i -> i.frame().ptsMicros()));
        return this;
    }

    /**
     * Feeds every frame with pts below {@code untilMicros}, calling {@code advance} every 100 ms
     * of media; in real time when {@code paced}. Returns the end of the fed media (last pts).
     */
    long feed(MediaOutput out, long untilMicros, boolean paced) throws InterruptedException {
        long startNanos = System.nanoTime();
        long nextAdvance = 0;
        long last = 0;
        for (Item item : items) {
            long pts = item.frame().ptsMicros();
            if (pts >= untilMicros) {
                break;
            }
            if (paced) {
                long dueNanos = startNanos + pts * 1_000;
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            while (pts >= nextAdvance) {
                out.advance(nextAdvance);
                nextAdvance += 100_000;
            }
            byte[] data = item.frame().data();
            out.frame(item.streamId(), pts, item.frame().keyframe(), data, 0, data.length);
            last = Math.max(last, pts);
        }
        out.advance(last);
        return last;
    }
}
