package org.chorus.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.chorus.recording.media.Layout;
import org.chorus.recording.media.Mode;
import org.chorus.recording.session.StartRequest;
import org.jitsi.xmpp.extensions.jibri.JibriIq;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/** A gateway's start request, as the recorder reads it. */
class JibriStartTest {

    private static JibriIq start(String appData, JibriIq.RecordingMode mode, String streamId) throws Exception {
        JibriIq iq = new JibriIq();
        iq.setFrom(JidCreate.from("team@av.example.org"));
        iq.setAction(JibriIq.Action.START);
        iq.setRecordingMode(mode);
        iq.setSessionId("abc-123");
        iq.setRoom(JidCreate.entityBareFrom("team@conference.example.org"));
        iq.setAppData(appData);
        iq.setStreamId(streamId);
        return iq;
    }

    @Test
    void chorusAppDataGivesConferenceCallLayoutAndAttempt() throws Exception {
        StartRequest r = JibriStart.read(start("{\"file_recording_metadata\":{},\"chorus\":{\"conference\":"
                + "\"team@av.example.org\",\"call_id\":\"c-1\",\"layout\":\"grid\",\"attempt\":3}}", JibriIq.RecordingMode.FILE, null));
        assertThat(r.conference()).isEqualTo("team@av.example.org");
        assertThat(r.callId()).isEqualTo("c-1");
        assertThat(r.layout()).isEqualTo(Layout.GRID);
        assertThat(r.mode()).isEqualTo(Mode.FILE);
        assertThat(r.attempt()).isEqualTo(3);
        assertThat(r.room()).isEqualTo("team@conference.example.org");
    }

    @Test
    void aPlainJibriRequestRecordsTracksForTheSender() throws Exception {
        StartRequest r = JibriStart.read(start(null, JibriIq.RecordingMode.FILE, null));
        assertThat(r.conference()).isEqualTo("team@av.example.org");
        assertThat(r.layout()).isEqualTo(Layout.TRACKS);
        assertThat(r.attempt()).isEqualTo(1);
    }

    @Test
    void aStreamNeedsAnRtmpUrlAndHidesIt() throws Exception {
        StartRequest r = JibriStart.read(start(null, JibriIq.RecordingMode.STREAM, "rtmps://live.example.org/app/secret"));
        assertThat(r.layout()).isEqualTo(Layout.GRID);
        assertThat(r.toString()).doesNotContain("secret");
        assertThatThrownBy(() -> JibriStart.read(start(null, JibriIq.RecordingMode.STREAM, "https://example.org/")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JibriStart.read(start("not json", JibriIq.RecordingMode.FILE, null)))
                .hasMessageContaining("app_data");
    }

    @Test
    void aSessionIdCannotEscapeTheRecordingsFolder() throws Exception {
        JibriIq iq = start(null, JibriIq.RecordingMode.FILE, null);
        iq.setSessionId("../../etc");
        assertThatThrownBy(() -> JibriStart.read(iq)).hasMessageContaining("session_id");
    }
}
