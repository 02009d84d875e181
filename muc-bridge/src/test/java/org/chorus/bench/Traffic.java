package org.chorus.bench;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces every sender's audio and video on one thread: an audio packet every 1/audioPps s, and a
 * video frame every 1/fps s whose packets leave back to back (as a browser's pacer sends a frame
 * without one). The senders' schedules are staggered across the interval so that their bursts do
 * not coincide. A sender that falls behind (the thread was descheduled) catches up at once.
 */
final class Traffic {

    /** One sender's way out: into SRTP and the gateway, or plain to the relay. */
    interface Sender {
        long audioSsrc();

        long videoSsrc();

        /** Sends the packet (the array may be reused once this returns); false if it was dropped. */
        boolean send(byte[] packet, int length);
    }

    private final BenchConfig config;
    private final List<Sender> senders;
    private final Thread thread;
    private volatile int phase = BenchPayload.WARMUP;
    private volatile boolean stopped;
    private final long[] sentMeasured;
    private final long[] sentTotal;
    private long refused;
    private long maxLagNanos;

    Traffic(BenchConfig config, List<Sender> senders) {
        this.config = config;
        this.senders = List.copyOf(senders);
        this.sentMeasured = new long[senders.size()];
        this.sentTotal = new long[senders.size()];
        this.thread = new Thread(this::run, "bench-pacer");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    void start() {
        thread.start();
    }

    /** The phase stamped into every packet from now on. */
    void phase(int phase) {
        this.phase = phase;
    }

    /** Stops and waits for the thread; the counters are readable afterwards. */
    void stop() throws InterruptedException {
        stopped = true;
        LockSupport.unpark(thread);
        thread.join(10_000);
    }

    /** Packets the stack accepted during the measured window, per sender. After {@link #stop()}. */
    long sentMeasured(int sender) {
        return sentMeasured[sender];
    }

    long[] sentMeasuredBySender() {
        return sentMeasured.clone();
    }

    long sentMeasuredTotal() {
        long n = 0;
        for (long s : sentMeasured) {
            n += s;
        }
        return n;
    }

    /** Packets the stack refused (not secure, or a send error). After {@link #stop()}. */
    long refused() {
        return refused;
    }

    /** The longest a packet left after its scheduled time, in the measured window. After {@link #stop()}. */
    long maxLagNanos() {
        return maxLagNanos;
    }

    private void run() {
        int n = senders.size();
        long audioInterval = config.audioPps() == 0 ? Long.MAX_VALUE : 1_000_000_000L / config.audioPps();
        long frameInterval = config.videoPps() == 0 ? Long.MAX_VALUE : 1_000_000_000L / config.fps();
        int perFrame = config.videoPacketsPerFrame();
        byte[][] audio = new byte[n][1500];
        byte[][] video = new byte[n][1500];
        int[] audioSeq = new int[n];
        int[] videoSeq = new int[n];
        long[] audioTs = new long[n];
        long[] videoTs = new long[n];
        long[] audioNext = new long[n];
        long[] videoNext = new long[n];
        long start = System.nanoTime() + 20_000_000L;
        for (int s = 0; s < n; s++) {
            BenchPayload.prepare(audio[s], false, senders.get(s).audioSsrc(), s);
            BenchPayload.prepare(video[s], true, senders.get(s).videoSsrc(), s);
            audioNext[s] = audioInterval == Long.MAX_VALUE ? Long.MAX_VALUE : start + s * (audioInterval / n);
            videoNext[s] = frameInterval == Long.MAX_VALUE ? Long.MAX_VALUE : start + s * (frameInterval / n);
        }
        while (!stopped) {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (int s = 0; s < n && !stopped; s++) {
                Sender sender = senders.get(s);
                while (audioNext[s] <= now) {
                    lag(now - audioNext[s]);
                    send(sender, s, audio[s], config.audioBytes(), true, audioSeq[s]++, audioTs[s]);
                    audioTs[s] += 960; // 20 ms of 48 kHz
                    audioNext[s] += audioInterval;
                }
                while (videoNext[s] <= now) {
                    lag(now - videoNext[s]);
                    for (int k = 0; k < perFrame; k++) {
                        send(sender, s, video[s], config.videoBytes(), k == perFrame - 1, videoSeq[s]++, videoTs[s]);
                    }
                    videoTs[s] += 90_000 / config.fps();
                    videoNext[s] += frameInterval;
                }
                next = Math.min(next, Math.min(audioNext[s], videoNext[s]));
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void lag(long late) {
        if (phase == BenchPayload.MEASURED && late > maxLagNanos) {
            maxLagNanos = late;
        }
    }

    private void send(Sender sender, int s, byte[] buf, int length, boolean marker, int seq, long ts) {
        int p = phase;
        BenchPayload.stamp(buf, marker, seq & 0xffff, ts, p, System.nanoTime());
        if (sender.send(buf, length)) {
            sentTotal[s]++;
            if (p == BenchPayload.MEASURED) {
                sentMeasured[s]++;
            }
        } else {
            refused++;
        }
    }
}
