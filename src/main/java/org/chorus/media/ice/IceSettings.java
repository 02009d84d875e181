package org.chorus.media.ice;

import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the ICE layer: the shared media port, the address advertised to peers, and the
 * timers that decide when a session has failed.
 *
 * <p>Nothing here is JVM-wide: every {@link SharedUdpPort} reads its own settings, and every
 * {@link IceSession} its timers.
 *
 * @param bindAddress the concrete local address the shared port binds to and advertises as the
 *     host candidate; not a wildcard, because the bound address is what peers are told
 * @param port the UDP port, or 0 for an ephemeral one (tests)
 * @param advertisedAddress the public address behind a 1:1 NAT, advertised as a
 *     server-reflexive candidate on the same port; null for none
 * @param allowLoopback whether loopback addresses may be used: needed to bind to 127.0.0.1 and
 *     to accept loopback candidates from peers (tests and the demo run on loopback)
 * @param useIpv6 whether the port may bind an IPv6 address
 * @param consentInterval how often a session sends a consent-freshness request on the selected
 *     pair (RFC 7675; each gap is randomized between 0.8 and 1.2 times this)
 * @param connectTimeout how long a started session may take to connect before it fails (the
 *     caller then ends the Jingle session with {@code <failed-transport/>})
 * @param consentDisconnectedAfter how long without a consent response a connected session
 *     reports {@link IceSession.State#DISCONNECTED}
 * @param consentTimeout how long without a consent response a session fails (RFC 7675: 30 s)
 * @param sockets how many sockets the port binds to the same address and port with
 *     {@code SO_REUSEPORT}, each read by its own thread; 0 for the number of processors. A client
 *     port always uses 1
 * @param receiveBufferSize SO_RCVBUF of each socket of the port in bytes, capped by the kernel at
 *     {@code net.core.rmem_max}; 0 keeps the OS default
 */
public record IceSettings(
        InetAddress bindAddress,
        int port,
        InetAddress advertisedAddress,
        boolean allowLoopback,
        boolean useIpv6,
        Duration consentInterval,
        Duration connectTimeout,
        Duration consentDisconnectedAfter,
        Duration consentTimeout,
        int sockets,
        int receiveBufferSize) {

    /** The default media port, as documented for {@code chorus.media.port}. */
    public static final int DEFAULT_PORT = 10000;
    public static final Duration DEFAULT_CONSENT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONSENT_DISCONNECTED_AFTER = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofSeconds(30);

    public IceSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(consentInterval, "consentInterval");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(consentDisconnectedAfter, "consentDisconnectedAfter");
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        if (bindAddress.isAnyLocalAddress() || bindAddress.isMulticastAddress()) {
            throw new IllegalArgumentException("bindAddress must be a concrete unicast address, not "
                    + bindAddress.getHostAddress() + ": the bound address is advertised as the host candidate");
        }
        if (bindAddress.isLoopbackAddress() && !allowLoopback) {
            throw new IllegalArgumentException("bindAddress " + bindAddress.getHostAddress()
                    + " is a loopback address, which needs allowLoopback");
        }
        if (bindAddress instanceof Inet6Address && !useIpv6) {
            throw new IllegalArgumentException("bindAddress " + bindAddress.getHostAddress()
                    + " is IPv6, which needs useIpv6");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (advertisedAddress != null) {
            if (advertisedAddress.isAnyLocalAddress() || advertisedAddress.isMulticastAddress()) {
                throw new IllegalArgumentException("advertisedAddress must be a concrete unicast address");
            }
            if ((advertisedAddress instanceof Inet6Address) != (bindAddress instanceof Inet6Address)) {
                throw new IllegalArgumentException("advertisedAddress and bindAddress must be of the same family");
            }
            if (advertisedAddress.equals(bindAddress)) {
                advertisedAddress = null; // nothing to map
            }
        }
        requirePositive(consentInterval, "consentInterval");
        requirePositive(connectTimeout, "connectTimeout");
        validateConsentTimers(consentInterval, consentDisconnectedAfter, consentTimeout);
        if (sockets < 0) {
            throw new IllegalArgumentException("sockets must be >= 0");
        }
        if (receiveBufferSize < 0) {
            throw new IllegalArgumentException("receiveBufferSize must be >= 0");
        }
        if (sockets < 0) {
            throw new IllegalArgumentException("sockets must be >= 0");
        }
    }

    /**
     * Settings for loopback: 127.0.0.1, an ephemeral port, loopback allowed, and a consent
     * interval of one second so that tests observe consent loss in seconds, and one socket.
     */
    public static IceSettings loopback() {
        return builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .allowLoopback(true)
                .consentInterval(Duration.ofSeconds(1))
                .sockets(1)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised with these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The local address the kernel would use to reach the internet (the default route), found
     * without sending anything; empty when there is no such route. A default for
     * {@link Builder#bindAddress} when the configuration names none.
     */
    public static Optional<InetAddress> defaultRouteAddress() {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}), 9));
            InetAddress local = probe.getLocalAddress();
            return local == null || local.isAnyLocalAddress() ? Optional.empty() : Optional.of(local);
        } catch (SocketException | UnknownHostException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** How many sockets the port binds: {@link #sockets()}, or the number of processors when that is 0. */
    public int effectiveSockets() {
        return sockets > 0 ? sockets : Runtime.getRuntime().availableProcessors();
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /**
     * Checks the consent timers against the consent interval: a session may leave up to 1.2 times
     * the interval between two requests, so a shorter threshold would flap on a healthy path.
     */
    static void validateConsentTimers(Duration interval, Duration disconnectedAfter, Duration timeout) {
        requirePositive(disconnectedAfter, "consentDisconnectedAfter");
        requirePositive(timeout, "consentTimeout");
        if (disconnectedAfter.toMillis() * 10 <= interval.toMillis() * 12) {
            throw new IllegalArgumentException("consentDisconnectedAfter (" + disconnectedAfter
                    + ") must exceed 1.2 times the consent interval (" + interval + ")");
        }
        if (timeout.compareTo(disconnectedAfter) < 0) {
            throw new IllegalArgumentException("consentTimeout must not be shorter than consentDisconnectedAfter");
        }
    }

    /** Builds {@link IceSettings}; every field but the bind address has a default. */
    public static final class Builder {
        private InetAddress bindAddress;
        private int port = DEFAULT_PORT;
        private InetAddress advertisedAddress;
        private boolean allowLoopback;
        private boolean useIpv6;
        private Duration consentInterval = DEFAULT_CONSENT_INTERVAL;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration consentDisconnectedAfter = DEFAULT_CONSENT_DISCONNECTED_AFTER;
        private Duration consentTimeout = DEFAULT_CONSENT_TIMEOUT;
        private int sockets;
        private int receiveBufferSize;

        private Builder() {
        }

        private Builder(IceSettings s) {
            bindAddress = s.bindAddress;
            port = s.port;
            advertisedAddress = s.advertisedAddress;
            allowLoopback = s.allowLoopback;
            useIpv6 = s.useIpv6;
            consentInterval = s.consentInterval;
            connectTimeout = s.connectTimeout;
            consentDisconnectedAfter = s.consentDisconnectedAfter;
            consentTimeout = s.consentTimeout;
            sockets = s.sockets;
            receiveBufferSize = s.receiveBufferSize;
        }

        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /** An IP literal; host names are refused so that no DNS lookup happens here. */
        public Builder bindAddress(String ipLiteral) {
            return bindAddress(requireLiteral(ipLiteral, "bindAddress"));
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder advertisedAddress(InetAddress address) {
            this.advertisedAddress = address;
            return this;
        }

        /** An IP literal, or null or blank for none (the configuration's empty default). */
        public Builder advertisedAddress(String ipLiteral) {
            return advertisedAddress(ipLiteral == null || ipLiteral.isBlank()
                    ? null : requireLiteral(ipLiteral, "advertisedAddress"));
        }

        public Builder allowLoopback(boolean allow) {
            this.allowLoopback = allow;
            return this;
        }

        public Builder useIpv6(boolean use) {
            this.useIpv6 = use;
            return this;
        }

        public Builder consentInterval(Duration interval) {
            this.consentInterval = interval;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder consentDisconnectedAfter(Duration after) {
            this.consentDisconnectedAfter = after;
            return this;
        }

        public Builder consentTimeout(Duration timeout) {
            this.consentTimeout = timeout;
            return this;
        }

        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = bytes;
            return this;
        }

        /** Sockets bound to the shared port with SO_REUSEPORT; 0 for one per processor. */
        public Builder sockets(int count) {
            this.sockets = count;
            return this;
        }

        public IceSettings build() {
            if (bindAddress == null) {
                throw new IllegalStateException("bindAddress is required (see IceSettings.defaultRouteAddress())");
            }
            return new IceSettings(bindAddress, port, advertisedAddress, allowLoopback, useIpv6, consentInterval,
                    connectTimeout, consentDisconnectedAfter, consentTimeout, sockets, receiveBufferSize);
        }

        private static InetAddress requireLiteral(String ip, String what) {
            InetAddress a = CandidateCheck.literal(ip);
            if (a == null) {
                throw new IllegalArgumentException(what + " must be an IP address literal: " + ip);
            }
            return a;
        }
    }
}
