package org.chorus.conference;

/** What the media sessions need to hear from the calls. Every call runs on the signalling thread. */
public interface CallListener {
    /** A participant left; its sessions, and the other members' sessions carrying its streams, end. */
    default void participantLeft(Call call, Participant participant, Departure departure) {}

    /** The call is over. */
    default void callEnded(Call call, EndReason reason) {}
}
