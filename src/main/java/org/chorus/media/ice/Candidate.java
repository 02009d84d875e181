package org.chorus.media.ice;

import java.util.Locale;
import java.util.Objects;

/**
 * One ICE candidate, as XEP-0176 carries it in a {@code <candidate/>} element. The Jingle layer
 * maps it to and from XML; this package never sees XML.
 *
 * <p>Remote candidates are taken as they come: {@code id} may be null, and a missing
 * {@code generation} or {@code network} is 0. {@code ip} is kept as text, because peers send
 * things that are not addresses (mDNS names such as {@code 1f0e….local}); those are ignored by
 * {@link IceSession#addRemoteCandidate}, never resolved.
 *
 * @param foundation the foundation; null or blank is tolerated for remote candidates
 * @param component the component ID; always 1 here (BUNDLE and rtcp-mux)
 * @param protocol the transport, {@code udp} or {@code tcp}, in any case
 * @param priority the priority; 0 when the peer gave none
 * @param ip the address, as text
 * @param port the port
 * @param type the candidate type
 * @param generation the ICE generation
 * @param id the candidate's ID, or null
 * @param network the network index
 * @param relAddr the related address (base of a reflexive or relayed candidate), or null
 * @param relPort the related port, or 0
 */
public record Candidate(
        String foundation,
        int component,
        String protocol,
        long priority,
        String ip,
        int port,
        Type type,
        int generation,
        String id,
        int network,
        String relAddr,
        int relPort) {

    /** The component every candidate belongs to: RTP, with RTCP multiplexed on it. */
    public static final int COMPONENT_RTP = 1;

    public Candidate {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(type, "type");
    }

    /** A UDP candidate of component 1 with no ID, generation 0, network 0 and no related address. */
    public static Candidate udp(String foundation, long priority, String ip, int port, Type type) {
        return new Candidate(foundation, COMPONENT_RTP, "udp", priority, ip, port, type, 0, null, 0, null, 0);
    }

    /** Whether the transport is UDP. */
    public boolean isUdp() {
        return "udp".equals(protocol.toLowerCase(Locale.ROOT));
    }

    /** Candidate types, with their names in XEP-0176 and SDP. */
    public enum Type {
        HOST("host"),
        SRFLX("srflx"),
        PRFLX("prflx"),
        RELAY("relay");

        private final String jingleName;

        Type(String jingleName) {
            this.jingleName = jingleName;
        }

        /** The value of the {@code type} attribute. */
        public String jingleName() {
            return jingleName;
        }

        /** The type named by a {@code type} attribute, ignoring case, or null when unknown. */
        public static Type fromJingle(String name) {
            if (name == null) {
                return null;
            }
            String n = name.toLowerCase(Locale.ROOT);
            for (Type t : values()) {
                if (t.jingleName.equals(n)) {
                    return t;
                }
            }
            return null;
        }
    }
}
