package org.chorus.recording.rtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/** Collects what a {@link StreamReceiver} hands out: frames, NACKs and keyframe requests, with their times. */
final class Recorded implements FrameListener, Feedback {

    record Out(long ptsMicros, boolean keyframe, byte[] data, long atNanos) {
    }

    record Nack(long ssrc, int[] seqs, long atNanos) {
    }

    final List<Out> frames = new ArrayList<>();
    final List<Nack> nacks = new ArrayList<>();
    final List<Long> keyframeRequests = new ArrayList<>();
    private final LongSupplier clock;
    /** Called for each NACK, after it is recorded (a test's "sender"). */
    NackHandler onNack = (seqs, at) -> { };
    Runnable onKeyframeRequest = () -> { };

    interface NackHandler {
        void nacked(int[] seqs, long atNanos);
    }

    Recorded(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void frame(long ptsMicros, boolean keyframe, byte[] data, int offset, int length) {
        frames.add(new Out(ptsMicros, keyframe, Arrays.copyOfRange(data, offset, offset + length), clock.getAsLong()));
    }

    @Override
    public void nack(long mediaSsrc, int[] seqs, int count) {
        int[] copy = Arrays.copyOf(seqs, count);
        nacks.add(new Nack(mediaSsrc, copy, clock.getAsLong()));
        onNack.nacked(copy, clock.getAsLong());
    }

    @Override
    public void keyframeRequest(long mediaSsrc) {
        keyframeRequests.add(clock.getAsLong());
        onKeyframeRequest.run();
    }

    List<Integer> nackedSeqs() {
        List<Integer> all = new ArrayList<>();
        for (Nack n : nacks) {
            for (int s : n.seqs) {
                all.add(s);
            }
        }
        return all;
    }
}
