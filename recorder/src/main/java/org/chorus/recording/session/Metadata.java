package org.chorus.recording.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chorus.recording.media.OutputFile;

/**
 * {@code metadata.json} of a session folder (PROTOCOL.md §10): room, conference JID, call id,
 * participants with join and leave times, start, end, layout, codecs and files. A later attempt of
 * the same session (another recorder took over) adds its own entry under {@code attempts}, so the
 * file describes every file in the folder.
 */
final class Metadata {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Metadata() {}

    /** The file's kind; a file the writer could not describe is known by its name. */
    private static String kind(OutputFile f) {
        if (f.kind() != null) {
            return f.kind().name().toLowerCase(java.util.Locale.ROOT);
        }
        if (f.name().contains("-audio-")) {
            return "audio";
        }
        return f.name().contains("-video-") ? "video" : "audio+video";
    }

    @SuppressWarnings("unchecked")
    static void write(Path folder, StartRequest request, long startEpochMillis, long endEpochMillis,
            ParticipantLog participants, List<OutputFile> files, String outcome) throws IOException {
        Path file = folder.resolve("metadata.json");
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> attempts = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                Map<String, Object> previous = JSON.readValue(file.toFile(), Map.class);
                Object earlier = previous.get("attempts");
                if (earlier instanceof List<?> list) {
                    attempts.addAll(list);
                }
                Object start = previous.get("start");
                if (start != null) {
                    root.put("start", start);
                }
            } catch (IOException e) {
                // a damaged file from a killed recorder: start over, the media files are what matter
            }
        }
        root.put("room", request.room());
        root.put("conference", request.conference());
        root.put("call_id", request.callId());
        root.put("session_id", request.sessionId());
        root.put("mode", request.mode().wireName());
        root.put("layout", request.layout().wireName());
        root.putIfAbsent("start", Instant.ofEpochMilli(startEpochMillis).toString());
        root.put("end", Instant.ofEpochMilli(endEpochMillis).toString());

        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("attempt", request.attempt());
        attempt.put("start", Instant.ofEpochMilli(startEpochMillis).toString());
        attempt.put("end", Instant.ofEpochMilli(endEpochMillis).toString());
        attempt.put("outcome", outcome);
        List<Object> people = new ArrayList<>();
        for (ParticipantLog.Stay stay : participants.stays()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("jid", stay.participantId);
            p.put("nick", stay.nick);
            p.put("joined", Instant.ofEpochMilli(stay.joinEpochMillis).toString());
            p.put("joined_offset_ms", stay.joinMicros / 1000);
            if (stay.leaveEpochMillis >= 0) {
                p.put("left", Instant.ofEpochMilli(stay.leaveEpochMillis).toString());
                p.put("left_offset_ms", stay.leaveMicros / 1000);
            }
            people.add(p);
        }
        attempt.put("participants", people);
        List<Object> written = new ArrayList<>();
        for (OutputFile f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            if (f.participantId() != null) {
                m.put("participant", f.participantId());
            }
            m.put("kind", kind(f));
            m.put("codec", f.codec());
            m.put("start_offset_ms", f.startMicros() / 1000);
            m.put("duration_ms", f.durationMicros() / 1000);
            written.add(m);
        }
        attempt.put("files", written);
        attempts.add(attempt);
        root.put("attempts", attempts);
        // everyone who was recorded, over all attempts (by JID, first stay's nick)
        Map<String, Object> union = new LinkedHashMap<>();
        for (Object a : attempts) {
            if (a instanceof Map<?, ?> m && m.get("participants") instanceof List<?> list) {
                for (Object p : list) {
                    if (p instanceof Map<?, ?> person && person.get("jid") != null) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("jid", person.get("jid"));
                        entry.put("nick", person.get("nick"));
                        union.putIfAbsent(String.valueOf(person.get("jid")), entry);
                    }
                }
            }
        }
        root.put("participants", new ArrayList<>(union.values()));
        Path tmp = folder.resolve(".metadata.json.tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
