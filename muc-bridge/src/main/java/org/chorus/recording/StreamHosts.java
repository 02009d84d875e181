package org.chorus.recording;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a live stream may go ({@code chorus.recording.stream-hosts}): a recorder connects to the
 * {@code stream_url} an owner gives, so without this rule an owner could point it at the
 * recorder's own loopback services or the private network behind it.
 *
 * <p>With a list, the URL's host must be one of its entries (host names or IP literals, compared
 * without case). Without one, the host must resolve, and every address it resolves to must be
 * public: not loopback, unspecified, link-local, private (RFC 1918, RFC 4193), shared
 * (100.64.0.0/10), multicast, or reserved. The name is resolved when the request arrives; a DNS
 * answer that changes before the recorder connects is not caught here (list the hosts to be sure).
 */
public final class StreamHosts {

    /** Resolves a host name to its addresses; {@link InetAddress#getAllByName} in production. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Set<String> allowed;
    private final Resolver resolver;

    public StreamHosts(List<String> allowed, Resolver resolver) {
        this.allowed = allowed.stream().map(h -> unbracket(h.trim()).toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.resolver = resolver;
    }

    public static StreamHosts of(List<String> allowed) {
        return new StreamHosts(allowed, InetAddress::getAllByName);
    }

    /**
     * Checks a request's URL (none for files).
     *
     * @throws IllegalArgumentException naming {@code stream_url} and why
     */
    public void check(RecordingRequest request) {
        if (request.streamUrl() != null) {
            check(request.streamUrl());
        }
    }

    void check(String url) {
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("stream_url is not a valid URL");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("stream_url has no host");
        }
        host = unbracket(host).toLowerCase(Locale.ROOT);
        if (!allowed.isEmpty()) {
            if (!allowed.contains(host)) {
                throw new IllegalArgumentException("stream_url: the host " + host
                        + " is not among chorus.recording.stream-hosts");
            }
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("stream_url: the host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new IllegalArgumentException("stream_url: the host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                throw new IllegalArgumentException("stream_url: the host " + host
                        + " is a loopback, private or reserved address (list it in chorus.recording.stream-hosts to allow it)");
            }
        }
    }

    /** Whether an address is on the public internet (see the class comment for what is not). */
    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (b.length == 4) {
            int a0 = b[0] & 0xFF;
            int a1 = b[1] & 0xFF;
            return a0 != 0                                  // 0.0.0.0/8 "this network"
                    && !(a0 == 100 && (a1 & 0xC0) == 64)    // 100.64.0.0/10 shared (carrier-grade NAT)
                    && !(a0 == 192 && a1 == 0 && (b[2] & 0xFF) == 0) // 192.0.0.0/24 protocol assignments
                    && !(a0 == 198 && (a1 & 0xFE) == 18)    // 198.18.0.0/15 benchmarking
                    && a0 < 240;                            // 240.0.0.0/4 reserved, and broadcast
        }
        int first = b[0] & 0xFF;
        if ((first & 0xFE) == 0xFC) {
            return false; // fc00::/7 unique local (RFC 4193)
        }
        if (first == 0) {
            // ::/8: IPv4-compatible and other embedded forms; ::ffff:a.b.c.d arrives as an Inet4Address
            return false;
        }
        return true;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
