package org.chorus.recording.media;

/**
 * A file a recording wrote, as metadata.json lists it.
 *
 * @param name            the file name inside the session folder
 * @param participantId   whose stream it holds, or null for a composite
 * @param kind            audio or video, or null for a composite holding both
 * @param codec           the codec written (e.g. {@code "vp8"}, {@code "opus"}, {@code "h264+aac"})
 * @param startMicros     the recording-clock time of its first sample
 * @param durationMicros  how much media it holds
 */
public record OutputFile(String name, String participantId, MediaKind kind, String codec, long startMicros,
        long durationMicros) {}
