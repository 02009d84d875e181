/**
 * The Jingle layer: model, parsing, building and negotiation of Chorus's RTP sessions
 * (XEP-0166/0167/0176/0320/0338/0339/0293/0294/0298, and XEP-0521 for the conference roles).
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li>{@link org.chorus.jingle.JingleStanzas}: the one conversion between Tinder stanzas and
 *       jitsi-xmpp-extensions' {@code JingleIQ}, and the registration of Smack providers.</li>
 *   <li>The model, immutable and free of XML classes: {@link org.chorus.jingle.SessionDescription},
 *       {@link org.chorus.jingle.MediaContent}, {@link org.chorus.jingle.PayloadType},
 *       {@link org.chorus.jingle.HeaderExtension}, {@link org.chorus.jingle.Source},
 *       {@link org.chorus.jingle.SourceGroup}, {@link org.chorus.jingle.IceTransport},
 *       {@link org.chorus.jingle.JingleCandidate}, {@link org.chorus.jingle.Fingerprint},
 *       {@link org.chorus.jingle.ConferenceInfo}, {@link org.chorus.jingle.LocalTransport}.</li>
 *   <li>{@link org.chorus.jingle.JingleConverter}: model ⇄ jitsi-xmpp-extensions elements.</li>
 *   <li>{@link org.chorus.jingle.Negotiation} with {@link org.chorus.jingle.CodecPolicy}: the answer
 *       to a member's offer, the offer of a publisher's media to a receiver, and the per-receiver
 *       payload-type / header-extension / SSRC mapping.</li>
 *   <li>{@link org.chorus.jingle.JingleMessages}: session-accept, session-initiate, transport-info,
 *       gathering-complete, session-terminate, session-info.</li>
 * </ul>
 *
 * <h2>Deliberate deviations from PROTOCOL.md</h2>
 * <ul>
 *   <li><b>transport-cc is not negotiated by default</b> (§5 says "accepted when offered"): the
 *       gateway's bandwidth feedback is REMB, and a browser that negotiated transport-cc but never
 *       gets transport-wide feedback collapses its bitrate to about 30 kbps within seconds. The
 *       {@code transport-cc} rtcp-fb and the transport-wide-cc header extension come back with
 *       {@link org.chorus.jingle.CodecPolicy#withTransportCc(boolean)} once the gateway answers it.</li>
 *   <li><b>A missing transport or fingerprint</b> (not in §5's table) ends the session with
 *       {@code <failed-transport/>} and a text, like a missing rtcp-mux or BUNDLE; only a content
 *       without an RTP description, and other malformed Jingle, is {@code bad-request}.</li>
 *   <li><b>The answer lists VP8 first</b>, then H.264 if offered, whatever the member's order, and at
 *       most one Opus, one VP8 and one H.264 (each with its rtx): the gateway forwards without
 *       transcoding, and browsers send the first codec of the answer.</li>
 * </ul>
 */
package org.chorus.jingle;
