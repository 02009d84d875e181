/**
 * ICE for the media plane, without a thread per session: one {@link org.chorus.media.ice.SharedUdpPort}
 * carries many sessions, and each Jingle session gets an {@link org.chorus.media.ice.IceSession}, a
 * full ICE agent ({@link org.chorus.media.ice.IceAgent}) with one component (BUNDLE and rtcp-mux)
 * that, once connected, is the {@link org.chorus.media.DatagramPath} DTLS-SRTP runs on.
 *
 * <p>A {@link org.chorus.media.ice.PortLoop}, owned by whoever opens the ports, runs them all on a
 * fixed set of threads: readers that demultiplex datagrams ({@link org.chorus.media.ice.StunDemux}),
 * one timer sweep and one event thread. ice4j is used only for its STUN message codec. Candidates
 * cross to the Jingle layer as {@link org.chorus.media.ice.Candidate} records.
 */
package org.chorus.media.ice;
