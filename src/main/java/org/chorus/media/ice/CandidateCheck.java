package org.chorus.media.ice;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Decides which remote candidates a session can use; parses addresses without ever resolving names. */
final class CandidateCheck {

    private CandidateCheck() {
    }

    /**
     * Why a remote candidate cannot be used, or null when it can.
     *
     * @param allowLoopback whether loopback addresses are acceptable
     * @param localIsIpv6 the address family of the shared port (a candidate of the other family
     *     can never pair with it)
     */
    static String rejectReason(Candidate c, boolean allowLoopback, boolean localIsIpv6) {
        if (!c.isUdp()) {
            return "transport " + c.protocol() + " (only UDP is used)";
        }
        if (c.component() != Candidate.COMPONENT_RTP) {
            return "component " + c.component() + " (rtcp-mux: only component 1)";
        }
        if (c.port() <= 0 || c.port() > 65535) {
            return "port " + c.port();
        }
        InetAddress address = literal(c.ip());
        if (address == null) {
            return "address " + c.ip() + " is not an IP literal (not resolved)";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "address " + c.ip() + " is not unicast";
        }
        if (address.isLoopbackAddress() && !allowLoopback) {
            return "loopback address " + c.ip();
        }
        if ((address instanceof Inet6Address) != localIsIpv6) {
            return "address family of " + c.ip() + " differs from the shared port's";
        }
        return null;
    }

    /**
     * Parses an IPv4 or IPv6 literal, or returns null. Never does a DNS lookup: IPv4 is parsed
     * here, and IPv6 (anything containing a colon) is a literal the JDK parses or rejects.
     */
    static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty()) {
            return null;
        }
        try {
            if (s.indexOf(':') >= 0) {
                for (int i = 0; i < s.length(); i++) {
                    char ch = s.charAt(i);
                    boolean ok = Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.' || ch == '%';
                    if (!ok && s.lastIndexOf('%', i) < 0) { // a zone ID after '%' may hold any name
                        return null;
                    }
                }
                return InetAddress.getByName(s);
            }
            byte[] bytes = ipv4(s);
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char ch = p.charAt(k);
                if (ch < '0' || ch > '9') {
                    return null;
                }
                v = v * 10 + (ch - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }
}
