package org.chorus.recording;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.chorus.command.AdHocCommand;
import org.chorus.command.AdHocCommands;
import org.chorus.command.CommandForm;
import org.chorus.command.RoomLookup;
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
    public CompletionStage<IQ> submit(IQ iq, Room room, CommandForm form) {
        String action = form.value("action").orElse("start");
        switch (action) {
            case "start" -> {
                RecordingRequest request;
                try {
                    request = RecordingRequest.of(form.value("recording_mode").orElse(null),
                            form.value("recording_layout").orElse(null), form.value("stream_url").orElse(null),
                            iq.getFrom().asBareJID(), defaultLayout);
                } catch (IllegalArgumentException e) {
                    return done(Stanzas.error(iq, Condition.bad_request, e.getMessage()));
                }
                // a stream URL's host may have to be looked up: the answer comes when that is done
                return streamHosts.check(request).thenApply(refused -> refused.isPresent()
                        ? Stanzas.error(iq, refused.get().condition(), refused.get().text())
                        : start(iq, room, request));
            }
            case "stop" -> {
                return done(answer(iq, recordings.stop(room, iq.getFrom()), "Recording stopped."));
            }
            default -> {
                return done(Stanzas.error(iq, Condition.bad_request, "action must be start or stop"));
            }
        }
    }

    /** Starts, if the room and the sender's rights are still what they were before the lookup. */
    private IQ start(IQ iq, Room room, RecordingRequest request) {
        Optional<IQ> changed = RoomLookup.recheck(iq, room);
        if (changed.isPresent()) {
            return changed.get();
        }
        return answer(iq, recordings.start(room, request), "Recording is starting; the room is told when it is on.");
    }

    private IQ answer(IQ iq, Optional<RecordingManager.Refusal> refusal, String note) {
        if (refusal.isPresent()) {
            return Stanzas.error(iq, refusal.get().condition(), refusal.get().text());
        }
        return AdHocCommands.completed(iq, this, note);
    }

    private static CompletionStage<IQ> done(IQ answer) {
        return CompletableFuture.completedFuture(answer);
    }
}
