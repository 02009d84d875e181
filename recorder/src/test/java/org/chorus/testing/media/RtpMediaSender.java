package org.chorus.testing.media;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.MediaType;
import org.chorus.jingle.PayloadType;
import org.chorus.jingle.SessionDescription;
import org.chorus.jingle.client.SendingSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link MarkedAv}'s VP8 and Opus over a joined {@link SendingSession} in real time, as a
 * browser would: so that the gateway and a recorder get real, decodable media with known markers.
 *
 * <ul>
 *   <li>Its media clock starts at {@link #start()}: a frame with pts {@code t} goes out at
 *       {@code startedAtNanos() + t}.</li>
 *   <li>VP8 is packetized per RFC 7741 ({@link Vp8Packetizer}); every Opus packet is one RTP
 *       packet. Sequence numbers and timestamps start at random values; timestamps follow the
 *       frame pts on 90 kHz and 48 kHz clocks.</li>
 *   <li>An RTCP sender report for each SSRC goes out 100 ms after the start and then every second.
 *       Both use one NTP wall clock (the wall time at the start plus the monotonic time since), and
 *       the RTP timestamp of the same instant, so a receiver can line audio and video up.</li>
 *   <li>{@link #onKeyframeRequest()} makes the next frame a keyframe; {@link #onNack(int[])}
 *       resends the named video packets from a short history (the original packets, no RTX). A
 *       test's {@code ConferenceClient.Listener} forwards both.</li>
 * </ul>
 *
 * <p>Payload types come from the conference's answer. Sending stops by itself when the session
 * ends. The sender owns the {@link MarkedAv} and closes it after its thread has stopped.
 */
public final class RtpMediaSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RtpMediaSender.class);
    static final long FIRST_REPORT_NANOS = 100_000_000L;
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    /** The sender's life: started once, stopped once. */
    public enum State {
        NEW, RUNNING, STOPPED, FAILED;

        boolean canMoveTo(State next) {
            return switch (this) {
                case NEW -> next == RUNNING || next == STOPPED;
                case RUNNING -> next == STOPPED || next == FAILED;
                case STOPPED, FAILED -> false;
            };
        }
    }

    /** Whether the camera is on. */
    private enum Camera { ON, OFF }

    /** What was sent so far. */
    public record Stats(long audioPackets, long videoPackets, long videoFrames, long keyframes,
            long senderReports, long keyframeRequests, long retransmissions) {}

    private final SendingSession session;
    private final MarkedAv av;
    private final RtpStream audio;
    private final RtpStream video;
    private final Vp8Packetizer packetizer;
    private final VideoHistory history = new VideoHistory();
    private final java.util.concurrent.atomic.AtomicLong lostOnPurpose = new java.util.concurrent.atomic.AtomicLong();
    private volatile int loseEveryNthVideoPacket;
    private long videoSent;
    private final byte[] audioBuffer = new byte[1500];
    private final byte[] reportBuffer = new byte[64];
    private final Vp8Packetizer.Sink videoSink = this::sendVideoPacket;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicBoolean keyframeWanted = new AtomicBoolean();
    private volatile Camera camera = Camera.ON;
    private final AtomicLong audioJump = new AtomicLong();
    private volatile long startNanos;
    private long wallEpochNanosAtStart;
    private Thread thread;

    private volatile long audioPackets;
    private volatile long videoPackets;
    private volatile long videoFrames;
    private volatile long keyframes;
    private volatile long senderReports;
    private final AtomicLong keyframeRequests = new AtomicLong();
    private final AtomicLong retransmissions = new AtomicLong();

    /**
     * Prepares to send on a session the conference has accepted.
     *
     * @throws IllegalStateException when the session has no answer yet or the answer has neither
     *     Opus nor VP8
     */
    public RtpMediaSender(SendingSession session, MarkedAv av) {
        this.session = session;
        this.av = av;
        SessionDescription answer = session.answer()
                .orElseThrow(() -> new IllegalStateException("the conference has not accepted the session"));
        SplittableRandom random = new SplittableRandom();
        Long audioSsrc = session.streams().audioSsrc();
        Long videoSsrc = session.streams().videoSsrc();
        int opus = payloadType(answer, MediaType.AUDIO, "opus");
        int vp8 = payloadType(answer, MediaType.VIDEO, "VP8");
        this.audio = audioSsrc != null && opus >= 0 ? new RtpStream(audioSsrc, opus, 48_000, random) : null;
        this.video = videoSsrc != null && vp8 >= 0 ? new RtpStream(videoSsrc, vp8, 90_000, random) : null;
        if (audio == null && video == null) {
            throw new IllegalStateException("the answer accepted neither Opus nor VP8: " + answer);
        }
        this.packetizer = video == null ? null : new Vp8Packetizer(video, random);
    }

    /** Starts the media clock and the sending thread. */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("already " + state.get());
        }
        Instant wall = Instant.now();
        startNanos = System.nanoTime();
        wallEpochNanosAtStart = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        thread = new Thread(this::run, "rtp-sender " + session.sid());
        thread.setDaemon(true);
        thread.start();
    }

    /** {@link System#nanoTime()} at pts 0. */
    public long startedAtNanos() {
        return startNanos;
    }

    public State state() {
        return state.get();
    }

    /** The audio SSRC, or -1 when no audio is sent. */
    public long audioSsrc() {
        return audio == null ? -1 : audio.ssrc();
    }

    /** The video SSRC, or -1 when no video is sent. */
    public long videoSsrc() {
        return video == null ? -1 : video.ssrc();
    }

    public int audioPayloadType() {
        return audio == null ? -1 : audio.payloadType();
    }

    public int videoPayloadType() {
        return video == null ? -1 : video.payloadType();
    }

    /** The conference asked for a keyframe (PLI or FIR): the next frame is one. Any thread. */
    public void onKeyframeRequest() {
        keyframeRequests.incrementAndGet();
        keyframeWanted.set(true);
    }

    /** The conference lost these video packets: resend those still in the history. Any thread. */
    public void onNack(int[] lostSequenceNumbers) {
        int n = history.resend(lostSequenceNumbers, (buf, len) -> session.sendRtp(buf, 0, len));
        retransmissions.addAndGet(n);
    }

    /**
     * Makes the audio stream's RTP timestamps (and its sender reports) jump by {@code ticks} from
     * the next packet on, as a broken or hostile sender would. Any thread.
     */
    public void jumpAudioTimestamps(long ticks) {
        audioJump.addAndGet(ticks);
    }

    /** Turns the camera off: no more video packets or video sender reports; audio goes on. */
    public void stopVideo() {
        camera = Camera.OFF;
    }

    public Stats stats() {
        return new Stats(audioPackets, videoPackets, videoFrames, keyframes, senderReports, keyframeRequests.get(),
                retransmissions.get());
    }

    /** Stops sending (waiting for the thread) and frees the encoders. Idempotent. */
    @Override
    public synchronized void close() {
        state.getAndUpdate(s -> s.canMoveTo(State.STOPPED) ? State.STOPPED : s);
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("the sender thread did not stop; leaving its encoders open");
                return;
            }
        }
        av.close();
    }

    // ---- the sending thread ---------------------------------------------------------------------

    private void run() {
        long audioIndex = 0;
        long videoIndex = 0;
        long nextReport = FIRST_REPORT_NANOS;
        try {
            while (state.get() == State.RUNNING) {
                if (session.ended().isDone()) {
                    LOG.info("the session ended ({}); sending stops", session.endReason().orElse("?"));
                    state.compareAndSet(State.RUNNING, State.STOPPED);
                    return;
                }
                long now = System.nanoTime() - startNanos;
                long nextAudio = audioIndex * MarkedAv.AUDIO_FRAME_MICROS * 1000;
                long nextVideo = av.videoPtsMicros(videoIndex) * 1000;
                boolean sendVideo = video != null && camera == Camera.ON;
                if (audio != null && now >= nextAudio) {
                    long jump = audioJump.getAndSet(0);
                    if (jump != 0) {
                        audio.jump(jump);
                    }
                    sendAudio(av.nextAudio());
                    audioIndex++;
                    continue;
                }
                if (sendVideo && now >= nextVideo) {
                    if (keyframeWanted.getAndSet(false)) {
                        av.forceKeyframe();
                    }
                    sendVideo(av.nextVideo());
                    videoIndex++;
                    continue;
                }
                if (now >= nextReport) {
                    sendReports(now, sendVideo);
                    nextReport += REPORT_INTERVAL_NANOS;
                    continue;
                }
                long wake = nextReport;
                if (audio != null) {
                    wake = Math.min(wake, nextAudio);
                }
                if (sendVideo) {
                    wake = Math.min(wake, nextVideo);
                }
                LockSupport.parkNanos(wake - now);
            }
        } catch (RuntimeException e) {
            LOG.error("sending failed", e);
            state.compareAndSet(State.RUNNING, State.FAILED);
        }
    }

    private void sendAudio(EncodedFrame packet) {
        byte[] data = packet.data();
        int p = audio.writeHeader(audioBuffer, packet.ptsMicros(), false, data.length);
        System.arraycopy(data, 0, audioBuffer, p, data.length);
        session.sendRtp(audioBuffer, 0, p + data.length);
        audioPackets++;
    }

    private void sendVideo(EncodedFrame frame) {
        packetizer.packetize(frame.ptsMicros(), frame.data(), videoSink);
        videoFrames++;
        if (frame.keyframe()) {
            keyframes++;
        }
    }

    private void sendVideoPacket(byte[] buf, int length) {
        history.store(buf, length);
        int every = loseEveryNthVideoPacket;
        if (every > 0 && ++videoSent % every == 0) {
            lostOnPurpose.incrementAndGet(); // as if the network lost it: only a NACK brings it back
            return;
        }
        session.sendRtp(buf, 0, length);
        videoPackets++;
    }

    /**
     * Loses every {@code n}-th video packet on its first send, as a lossy uplink would (0: none).
     * The packet stays in the history, so a NACK that reaches this sender recovers it.
     */
    public void loseEveryNthVideoPacket(int n) {
        loseEveryNthVideoPacket = n;
    }

    /** Video packets lost on purpose so far. */
    public long videoPacketsLostOnPurpose() {
        return lostOnPurpose.get();
    }

    private void sendReports(long mediaNanos, boolean withVideo) {
        long ntp = ntp(wallEpochNanosAtStart + mediaNanos);
        if (audio != null) {
            int n = audio.writeSenderReport(reportBuffer, ntp, mediaNanos);
            session.sendRtcp(reportBuffer, 0, n);
            senderReports++;
        }
        if (withVideo) {
            int n = video.writeSenderReport(reportBuffer, ntp, mediaNanos);
            session.sendRtcp(reportBuffer, 0, n);
            senderReports++;
        }
    }

    /** The 64-bit NTP timestamp of a Unix time in ns. */
    static long ntp(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L) + NTP_UNIX_OFFSET_SECONDS;
        long nanos = Math.floorMod(epochNanos, 1_000_000_000L);
        return (seconds << 32) | ((nanos << 32) / 1_000_000_000L);
    }

    private static int payloadType(SessionDescription answer, MediaType media, String codec) {
        for (MediaContent content : answer.contents()) {
            if (content.media() != media) {
                continue;
            }
            List<PayloadType> types = content.payloadTypes();
            for (PayloadType type : types) {
                if (type.isCodec(codec)) {
                    return type.id();
                }
            }
        }
        return -1;
    }
}
