/**
 * The recorder's RTP receive side: plaintext RTP and RTCP sender reports of each recorded stream
 * in, whole encoded frames with timestamps on the recording clock out, plus the NACKs and keyframe
 * requests the recorder sends back.
 *
 * <p>{@link org.chorus.recording.rtp.StreamReceiver} is the entry point, one per stream;
 * {@link org.chorus.recording.rtp.ParticipantClock} is shared by one participant's streams and
 * gives them lip sync. No FFmpeg here: the frames go on to the writers unchanged.
 */
package org.chorus.recording.rtp;
