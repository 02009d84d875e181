package org.chorus.recording.media;

/** The codecs a recording receives, with their RTP clock rates. */
public enum Codec {
    OPUS(MediaKind.AUDIO, 48_000),
    VP8(MediaKind.VIDEO, 90_000),
    H264(MediaKind.VIDEO, 90_000);

    private final MediaKind kind;
    private final int clockRate;

    Codec(MediaKind kind, int clockRate) {
        this.kind = kind;
        this.clockRate = clockRate;
    }

    public MediaKind kind() {
        return kind;
    }

    /** RTP ticks per second. */
    public int clockRate() {
        return clockRate;
    }

    /** The codec for an SDP encoding name (case-insensitive), or null when it is not recorded. */
    public static Codec forEncodingName(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.toUpperCase(java.util.Locale.ROOT)) {
            case "OPUS" -> OPUS;
            case "VP8" -> VP8;
            case "H264" -> H264;
            default -> null;
        };
    }
}
