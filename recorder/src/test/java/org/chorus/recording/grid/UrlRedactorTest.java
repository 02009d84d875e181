package org.chorus.recording.grid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlRedactorTest {

    @Test
    void hidesTheUrlAndItsStreamKey() {
        UrlRedactor redactor = new UrlRedactor("rtmp://ingest.example.org/live/abcd-1234");
        assertThat(redactor.redact("Could not open 'rtmp://ingest.example.org/live/abcd-1234'"))
                .isEqualTo("Could not open 'the stream URL'");
        assertThat(redactor.redact("stream abcd-1234 rejected")).doesNotContain("abcd-1234");
        assertThat(new UrlRedactor(null).redact("/some/file.mp4")).isEqualTo("/some/file.mp4");
    }
}
