package org.chorus.recording;

import java.util.Optional;
import org.chorus.command.AdHocCommand;
import org.chorus.command.AdHocCommands;
import org.chorus.command.CommandForm;
import org.chorus.muc.Room;
import org.chorus.xmpp.Stanzas;
import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError.Condition;

/**
 * The {@code chorus:record} command (PROTOCOL.md §8): start or stop recording now, with
 * {@code action}, {@code recording_mode}, {@code stream_url} and {@code recording_layout}.
 */
public final class RecordCommand implements AdHocCommand {
    public static final String NODE = "chorus:record";

    private final RecordingManager recordings;
    private final String defaultLayout;
    private final StreamHosts streamHosts;

    public RecordCommand(RecordingManager recordings, String defaultLayout, StreamHosts streamHosts) {
        this.recordings = recordings;
        this.defaultLayout = defaultLayout;
        this.streamHosts = streamHosts;
    }

    @Override
    public String node() {
        return NODE;
    }

    @Override
    public String name() {
        return "Start or stop recording";
    }

    @Override
    public Element form(Room room) {
        boolean recording = recordings.sessionOf(room).isPresent();
        Element x = CommandForm.newForm("Recording", recording
                ? "The call is being recorded. Choose stop to end the recording."
                : "Everyone in the room is told when recording starts and stops.");
        CommandForm.listSingle(x, "action", "Action", recording ? "stop" : "start", "start", "stop");
        CommandForm.listSingle(x, "recording_mode", "Mode", "file", "file", "stream");
        CommandForm.listSingle(x, "recording_layout", "Layout", defaultLayout, "tracks", "grid");
        CommandForm.textPrivate(x, "stream_url", "RTMP URL (for a stream)");
        return x;
    }

    @Override
    public IQ submit(IQ iq, Room room, CommandForm form) {
        String action = form.value("action").orElse("start");
        Optional<RecordingManager.Refusal> refusal;
        switch (action) {
            case "start" -> {
                RecordingRequest request;
                try {
                    request = RecordingRequest.of(form.value("recording_mode").orElse(null),
                            form.value("recording_layout").orElse(null), form.value("stream_url").orElse(null),
                            iq.getFrom().asBareJID(), defaultLayout);
                    streamHosts.check(request);
                } catch (IllegalArgumentException e) {
                    return Stanzas.error(iq, Condition.bad_request, e.getMessage());
                }
                refusal = recordings.start(room, request);
            }
            case "stop" -> refusal = recordings.stop(room, iq.getFrom());
            default -> {
                return Stanzas.error(iq, Condition.bad_request, "action must be start or stop");
            }
        }
        if (refusal.isPresent()) {
            return Stanzas.error(iq, refusal.get().condition(), refusal.get().text());
        }
        return AdHocCommands.completed(iq, this, action.equals("start")
                ? "Recording is starting; the room is told when it is on." : "Recording stopped.");
    }
}
