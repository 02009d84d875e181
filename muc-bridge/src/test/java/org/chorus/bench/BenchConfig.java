package org.chorus.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one load-generator run does, from system properties ({@code -Dbench.senders=3} and so on;
 * the {@code bench} Maven profile forwards them).
 *
 * @param senders participants that send audio and video
 * @param receivers participants that only receive (in Chorus they join the call audio-only and send
 *     no RTP, only a receiver report a second)
 * @param audioPps audio packets a second per sender
 * @param videoPps video packets a second per sender (rounded to whole packets per frame)
 * @param fps video frames a second; a frame's packets leave back to back
 * @param audioBytes the length of an audio RTP packet, header included, before SRTP
 * @param videoBytes the length of a video RTP packet, header included, before SRTP
 * @param warmup traffic before the measurement starts
 * @param duration the measurement window
 * @param systems which systems to run, in order: {@code chorus}, {@code relay}
 * @param idle how long the CPU of the established call is sampled, everyone connected and no media flowing
 * @param settle how long after everyone left the gateway's heap and threads are looked at again
 * @param profile record a JFR profile of the forwarding thread in the window (its figures are then not the ones to quote)
 * @param keepFiles keep the work directory (logs of Prosody, the gateway and the relay)
 */
record BenchConfig(int senders, int receivers, int audioPps, int videoPps, int fps, int audioBytes, int videoBytes,
        Duration warmup, Duration duration, List<String> systems, Duration idle, Duration settle, boolean profile,
        boolean keepFiles) {

    BenchConfig {
        if (senders < 1 || receivers < 0 || senders + receivers < 2) {
            throw new IllegalArgumentException("need at least one sender and two participants");
        }
        if (senders + receivers > 100) {
            throw new IllegalArgumentException("at most 100 participants");
        }
        if (audioPps < 0 || videoPps < 0 || audioPps + videoPps == 0 || fps < 1) {
            throw new IllegalArgumentException("packet rates must be positive");
        }
        if (audioBytes < BenchPayload.MIN_PACKET || videoBytes < BenchPayload.MIN_PACKET || audioBytes > 1400
                || videoBytes > 1400) {
            throw new IllegalArgumentException("packets of " + BenchPayload.MIN_PACKET + " to 1400 bytes");
        }
        if (warmup.isNegative() || duration.isNegative() || duration.isZero() || idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("the measurement needs a positive duration");
        }
        for (String s : systems) {
            if (!s.equals("chorus") && !s.equals("relay")) {
                throw new IllegalArgumentException("unknown system " + s + " (chorus, relay)");
            }
        }
    }

    static BenchConfig fromSystemProperties() {
        return new BenchConfig(
                integer("bench.senders", 3),
                integer("bench.receivers", 6),
                integer("bench.audioPps", 50),
                integer("bench.videoPps", 150),
                integer("bench.fps", 30),
                integer("bench.audioBytes", 100),
                integer("bench.videoBytes", 1100),
                Duration.ofSeconds(integer("bench.warmup", 10)),
                Duration.ofSeconds(integer("bench.duration", 20)),
                Arrays.stream(string("bench.systems", "chorus,relay").split(","))
                        .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList(),
                Duration.ofSeconds(integer("bench.idle", 10)),
                Duration.ofSeconds(integer("bench.settle", 5)),
                Boolean.parseBoolean(string("bench.profile", "false")),
                Boolean.parseBoolean(string("bench.keepFiles", "false")));
    }

    int participants() {
        return senders + receivers;
    }

    /**
     * The transport legs the gateway holds for this call (ICE + DTLS-SRTP sessions): every member's
     * own sending session and one forwarding session per (publisher, receiver) pair, since every
     * member, receivers included, is a publisher (see {@link ChorusParticipant}).
     */
    int legs() {
        return participants() * participants();
    }

    /** Video packets in each frame. */
    int videoPacketsPerFrame() {
        return videoPps == 0 ? 0 : Math.max(1, Math.round((float) videoPps / fps));
    }

    /** The video rate actually sent: whole packets per frame. */
    int effectiveVideoPps() {
        return videoPacketsPerFrame() * fps;
    }

    /** Packets a second each sender sends. */
    int packetsPerSender() {
        return audioPps + effectiveVideoPps();
    }

    /** The packets a second the system should deliver: every sender's to every other participant. */
    long expectedForwardedPps() {
        return (long) senders * packetsPerSender() * (participants() - 1);
    }

    private static int integer(String key, int fallback) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            return fallback;
        }
        return Integer.parseInt(v.trim());
    }

    private static String string(String key, String fallback) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? fallback : v;
    }

    @Override
    public String toString() {
        return "senders=" + senders + " receivers=" + receivers + " (" + participants() + " participants)"
                + ", per sender: audio " + audioPps + " pps x " + audioBytes + " B"
                + ", video " + effectiveVideoPps() + " pps x " + videoBytes + " B (" + fps + " frames/s, "
                + videoPacketsPerFrame() + " packets/frame)"
                + ", warm-up " + warmup.toSeconds() + " s, measured " + duration.toSeconds() + " s, idle sampled "
                + idle.toSeconds() + " s";
    }
}
