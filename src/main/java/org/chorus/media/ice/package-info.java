/**
 * ICE for the media plane, on ice4j: one {@link org.chorus.media.ice.SharedUdpPort} carries every
 * session, and each Jingle session gets an {@link org.chorus.media.ice.IceSession}, a full ICE
 * agent with one stream and one component (BUNDLE and rtcp-mux) that, once connected, is the
 * {@link org.chorus.media.DatagramPath} DTLS-SRTP runs on.
 *
 * <p>ice4j reads its configuration once per JVM: apply {@link org.chorus.media.ice.IceSettings}
 * (opening the shared port does) before anything else touches ice4j. Candidates cross to the
 * Jingle layer as {@link org.chorus.media.ice.Candidate} records.
 */
package org.chorus.media.ice;
