/**
 * The client role of a Chorus conference (XEP-0521, PROTOCOL.md §5–§7), on Smack: what the
 * end-to-end tests' Java clients and the recorder use to take part in calls.
 *
 * <ul>
 *   <li>{@link org.chorus.jingle.client.ClientMedia}: once per process; ICE settings, the DTLS
 *       certificate, a buffer pool. Every session gets its own ephemeral UDP port.</li>
 *   <li>{@link org.chorus.jingle.client.ConferenceClient}: one per XMPP connection; owns the Jingle
 *       IQ handler, {@link org.chorus.jingle.client.ConferenceClient#join joins} conferences and
 *       accepts their forwarding sessions.</li>
 *   <li>{@link org.chorus.jingle.client.SendingSession}: our call to a conference, carrying our
 *       {@link org.chorus.jingle.client.LocalStreams}; we are initiator, ICE controlling, and DTLS
 *       server or client as the conference's answer says.</li>
 *   <li>{@link org.chorus.jingle.client.ReceivingSession}: a conference's call with one other
 *       participant's media, named by COIN; we are responder, ICE controlled, DTLS client.</li>
 *   <li>{@link org.chorus.jingle.client.ClientDescriptions}: the browser-like offer and the
 *       accept-as-offered answer; {@link org.chorus.jingle.client.IceCandidates}: candidate
 *       conversion between the Jingle model and the ICE layer.</li>
 * </ul>
 *
 * <p>Every session is BUNDLE plus rtcp-mux over one ICE-UDP component, and DTLS-SRTP. Our own
 * candidates are complete in the session-initiate or session-accept (no trickle from us); the
 * peer's may come in the description, in transport-info afterwards, or not at all (peer-reflexive).
 */
package org.chorus.jingle.client;
