package org.chorus.jingle.client;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.chorus.jingle.Source;

/**
 * What a participant sends when it joins a conference: an audio stream, a video stream with its
 * retransmission (rtx) stream, or both, each with its SSRC, plus the RTCP CNAME and the media stream
 * ID (msid) that the {@code <source/>} elements carry.
 *
 * <p>A receive-only participant (such as a recorder) has no local streams and does not join at all;
 * it only accepts the conference's forwarding sessions. So at least one of audio and video is
 * required here.
 *
 * @param audioSsrc the audio SSRC, or null for no audio
 * @param videoSsrc the video SSRC, or null for no video
 * @param videoRtxSsrc the SSRC of the video's rtx stream, announced in an FID group; null for none
 *     (only with video)
 * @param cname the RTCP CNAME
 * @param streamId the msid stream ID; each track's msid is {@code streamId + " " + trackId}
 */
public record LocalStreams(Long audioSsrc, Long videoSsrc, Long videoRtxSsrc, String cname, String streamId) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public LocalStreams {
        Objects.requireNonNull(cname, "cname");
        Objects.requireNonNull(streamId, "streamId");
        if (audioSsrc == null && videoSsrc == null) {
            throw new IllegalArgumentException("a participant that joins sends audio, video or both; "
                    + "a receive-only one does not join, it only accepts forwarding sessions");
        }
        if (videoRtxSsrc != null && videoSsrc == null) {
            throw new IllegalArgumentException("an rtx stream needs a video stream");
        }
        Set<Long> seen = new HashSet<>();
        for (Long ssrc : new Long[] {audioSsrc, videoSsrc, videoRtxSsrc}) {
            if (ssrc == null) {
                continue;
            }
            if (ssrc < 0 || ssrc > Source.MAX_SSRC) {
                throw new IllegalArgumentException("SSRC out of range: " + ssrc);
            }
            if (!seen.add(ssrc)) {
                throw new IllegalArgumentException("SSRC used twice: " + ssrc);
            }
        }
        if (cname.isBlank() || streamId.isBlank() || streamId.contains(" ")) {
            throw new IllegalArgumentException("cname and streamId must be non-blank tokens");
        }
    }

    /** Audio and video (with rtx), with random SSRCs, CNAME and stream ID. */
    public static LocalStreams audioAndVideo() {
        return random(true, true);
    }

    /** Audio only, with a random SSRC, CNAME and stream ID. */
    public static LocalStreams audioOnly() {
        return random(true, false);
    }

    /** Video (with rtx) only, with random SSRCs, CNAME and stream ID. */
    public static LocalStreams videoOnly() {
        return random(false, true);
    }

    /** The chosen media with random, distinct SSRCs, a random CNAME and a random stream ID. */
    public static LocalStreams random(boolean audio, boolean video) {
        Set<Long> used = new HashSet<>();
        Long a = audio ? randomSsrc(used) : null;
        Long v = video ? randomSsrc(used) : null;
        Long rtx = video ? randomSsrc(used) : null;
        String token = UUID.randomUUID().toString().replace("-", "");
        return new LocalStreams(a, v, rtx, token.substring(0, 16), token.substring(16));
    }

    public boolean hasAudio() {
        return audioSsrc != null;
    }

    public boolean hasVideo() {
        return videoSsrc != null;
    }

    public OptionalLong audio() {
        return audioSsrc == null ? OptionalLong.empty() : OptionalLong.of(audioSsrc);
    }

    public OptionalLong video() {
        return videoSsrc == null ? OptionalLong.empty() : OptionalLong.of(videoSsrc);
    }

    public OptionalLong videoRtx() {
        return videoRtxSsrc == null ? OptionalLong.empty() : OptionalLong.of(videoRtxSsrc);
    }

    /** Without the rtx stream. */
    public LocalStreams withoutRtx() {
        return new LocalStreams(audioSsrc, videoSsrc, null, cname, streamId);
    }

    private static long randomSsrc(Set<Long> used) {
        while (true) {
            long ssrc = RANDOM.nextInt() & 0xFFFF_FFFFL;
            if (ssrc != 0 && used.add(ssrc)) {
                return ssrc;
            }
        }
    }
}
