package org.chorus.jingle;

import java.util.Locale;
import java.util.Objects;

/**
 * An ICE candidate (XEP-0176). {@code generation}, {@code id}, {@code network}, the related address
 * and port, and {@code tcptype} are null when absent; browsers often leave out the first three.
 */
public record JingleCandidate(
        String foundation,
        int component,
        String protocol,
        long priority,
        String ip,
        int port,
        String type,
        Integer generation,
        String id,
        Integer network,
        String relAddr,
        Integer relPort,
        String tcpType) {

    public static final String HOST = "host";

    public JingleCandidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(type, "type");
        protocol = protocol.toLowerCase(Locale.ROOT);
        if (component < 1 || component > 256) {
            throw new IllegalArgumentException("component out of range: " + component);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (relPort != null && (relPort < 0 || relPort > 65535)) {
            throw new IllegalArgumentException("rel-port out of range: " + relPort);
        }
        if (priority < 0 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("priority out of range: " + priority);
        }
    }

    /** A host candidate on UDP, as the gateway announces on its single media port. */
    public static JingleCandidate udpHost(String foundation, int component, long priority, String ip, int port, int generation, String id) {
        return new JingleCandidate(foundation, component, "udp", priority, ip, port, HOST, generation, id, 0, null, null, null);
    }

    public boolean isUdp() {
        return "udp".equals(protocol);
    }

    /**
     * Whether ICE over the gateway's UDP port can use it: a UDP candidate with a real port. TCP
     * candidates (such as Chromium's {@code tcptype='active'} ones on port 9) are to be ignored.
     */
    public boolean isUsableUdp() {
        return isUdp() && port > 0;
    }
}
