package org.chorus.recording.media;

/** Audio or video. */
public enum MediaKind {
    AUDIO,
    VIDEO
}
