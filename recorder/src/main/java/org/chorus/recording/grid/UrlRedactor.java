package org.chorus.recording.grid;

import java.net.URI;

/**
 * Keeps a stream URL (which carries the stream key, a secret) out of messages: every occurrence of
 * the URL, and of its last path segment, becomes "the stream URL". FFmpeg and JavaCV put the URL
 * they failed to open into their error messages, so every such message passes through here before
 * it is logged or rethrown.
 */
final class UrlRedactor {
    static final String PLACEHOLDER = "the stream URL";
    private static final int MIN_SECRET_LENGTH = 4;

    private final String url;
    private final String key;

    /** A redactor for {@code url}; null means there is nothing secret. */
    UrlRedactor(String url) {
        this.url = url == null || url.isEmpty() ? null : url;
        this.key = this.url == null ? null : lastSegment(this.url);
    }

    boolean hasSecret() {
        return url != null;
    }

    String redact(String message) {
        if (message == null || url == null) {
            return message;
        }
        String out = message.replace(url, PLACEHOLDER);
        if (key != null) {
            out = out.replace(key, "(hidden)");
        }
        return out;
    }

    private static String lastSegment(String url) {
        String path;
        try {
            path = URI.create(url).getRawPath();
        } catch (IllegalArgumentException e) {
            path = url;
        }
        if (path == null) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        String last = slash >= 0 ? path.substring(slash + 1) : path;
        return last.length() >= MIN_SECRET_LENGTH ? last : null;
    }
}
