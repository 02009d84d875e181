package org.chorus.recording.media;

import java.util.Objects;

/**
 * One received stream of one participant.
 *
 * @param streamId      unique within a recording, never reused
 * @param participantId stable for a participant within a recording (its bare JID as a string)
 * @param nick          the participant's nick in the room, for file names and tile labels
 * @param codec         the stream's codec
 */
public record StreamSpec(int streamId, String participantId, String nick, Codec codec) {
    public StreamSpec {
        Objects.requireNonNull(participantId, "participantId");
        Objects.requireNonNull(nick, "nick");
        Objects.requireNonNull(codec, "codec");
    }

    public MediaKind kind() {
        return codec.kind();
    }
}
