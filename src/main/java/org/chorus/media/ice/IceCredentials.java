package org.chorus.media.ice;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** A session's local ICE credentials and candidates (RFC 8445 §5.3, §5.1.2). */
final class IceCredentials {

    /** ice-char (RFC 8839): ALPHA / DIGIT / "+" / "/". */
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    private IceCredentials() {
    }

    /** 8 ice-chars: 48 random bits. */
    static String ufrag(RandomGenerator random) {
        return random(random, 8);
    }

    /** 24 ice-chars: 144 random bits (at least 128 as RFC 8445 asks). */
    static String password(RandomGenerator random) {
        return random(random, 24);
    }

    private static String random(RandomGenerator random, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(out);
    }

    /**
     * The candidates of a port's addresses: the last one, the bound address, as host; any before
     * it (the advertised address) as server-reflexive, related to the bound address.
     */
    static List<Candidate> candidates(List<InetSocketAddress> addresses) {
        InetSocketAddress bound = addresses.get(addresses.size() - 1);
        List<Candidate> out = new ArrayList<>(addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            InetSocketAddress a = addresses.get(i);
            boolean host = i == addresses.size() - 1;
            Candidate.Type type = host ? Candidate.Type.HOST : Candidate.Type.SRFLX;
            out.add(new Candidate(host ? "1" : "2", Candidate.COMPONENT_RTP, "udp", defaultPriority(type),
                    a.getAddress().getHostAddress(), a.getPort(), type, 0, "c" + i, 0,
                    host ? null : bound.getAddress().getHostAddress(), host ? 0 : bound.getPort()));
        }
        return List.copyOf(out);
    }

    /** RFC 8445 §5.1.2.1 with the recommended type preferences, and the highest local preference. */
    static long defaultPriority(Candidate.Type t) {
        int typePreference = switch (t) {
            case HOST -> 126;
            case PRFLX -> 110;
            case SRFLX -> 100;
            case RELAY -> 0;
        };
        return ((long) typePreference << 24) | (65535L << 8) | (256 - Candidate.COMPONENT_RTP);
    }
}
