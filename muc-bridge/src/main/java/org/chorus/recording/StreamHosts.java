package org.chorus.recording;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.xmpp.packet.PacketError.Condition;

/**
 * Where a live stream may go ({@code chorus.recording.stream-hosts}): a recorder connects to the
 * {@code stream_url} an owner gives, so without this rule an owner could point it at the
 * recorder's own loopback services or the private network behind it.
 *
 * <p>With a list, the URL's host must be one of its entries (host names or IP literals, compared
 * without case). Without one, the host must resolve, and every address it resolves to must be
 * public: not loopback, unspecified, link-local, private (RFC 1918, RFC 4193), shared
 * (100.64.0.0/10), multicast, or reserved. The name is resolved when the request arrives, through
 * {@link HostLookups} (off the signalling thread, bounded, with a time limit); a DNS answer that
 * changes before the recorder connects is not caught here (list the hosts to be sure).
 */
public final class StreamHosts implements AutoCloseable {
    static final String LOOKUPS_BUSY = "stream_url: too many host lookups at once; try again later";
    static final String TOO_SLOW = "stream_url: the host does not resolve in time";

    private final Set<String> allowed;
    private final HostLookups lookups;

    public StreamHosts(List<String> allowed, HostLookups lookups) {
        this.allowed = allowed.stream().map(h -> unbracket(h.trim()).toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.lookups = lookups;
    }

    /** The production rule: host names are looked up with {@link HostLookups#of}, answering on {@code signalling}. */
    public static StreamHosts of(List<String> allowed, ScheduledExecutorService signalling) {
        return new StreamHosts(allowed, HostLookups.of(signalling));
    }

    /**
     * Checks a request's URL (none for files). Completes, on the signalling thread when a host name
     * had to be looked up and at once otherwise, with nothing when the URL may be used, or with the
     * refusal: {@code bad-request} naming {@code stream_url} and why, or {@code resource-constraint}
     * when too many lookups are under way.
     */
    public CompletionStage<Optional<RecordingManager.Refusal>> check(RecordingRequest request) {
        return request.streamUrl() == null ? CompletableFuture.completedFuture(Optional.empty()) : check(request.streamUrl());
    }

    CompletionStage<Optional<RecordingManager.Refusal>> check(String url) {
        String host;
        try {
            host = hostToLookUp(url);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Optional.of(badRequest(e.getMessage())));
        }
        if (host == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return lookups.resolve(host).handle((addresses, failure) -> {
            if (failure instanceof HostLookups.Busy) {
                return Optional.of(new RecordingManager.Refusal(Condition.resource_constraint, LOOKUPS_BUSY));
            }
            if (failure instanceof TimeoutException) {
                return Optional.of(badRequest(TOO_SLOW));
            }
            if (failure != null || addresses == null || addresses.length == 0) {
                return Optional.of(badRequest("stream_url: the host " + host + " does not resolve"));
            }
            for (InetAddress address : addresses) {
                if (!isPublic(address)) {
                    return Optional.of(badRequest("stream_url: the host " + host
                            + " is a loopback, private or reserved address (list it in chorus.recording.stream-hosts to allow it)"));
                }
            }
            return Optional.empty();
        });
    }

    /**
     * The URL's host when it must be looked up; null when it is listed.
     *
     * @throws IllegalArgumentException naming {@code stream_url} and why it is refused
     */
    private String hostToLookUp(String url) {
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
            return null;
        }
        return host;
    }

    private static RecordingManager.Refusal badRequest(String text) {
        return new RecordingManager.Refusal(Condition.bad_request, text);
    }

    @Override
    public void close() {
        lookups.close();
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
