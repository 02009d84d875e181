package org.chorus.recording.tracks;

import java.nio.charset.StandardCharsets;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg error codes as text for logs and exceptions. */
final class AvErrors {

    private AvErrors() {
    }

    static String describe(int code) {
        byte[] buf = new byte[256];
        avutil.av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8) + " (" + code + ")";
    }
}
