package org.chorus.media.ice;

import com.typesafe.config.ConfigFactory;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.ice4j.ice.AgentConfig;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.ice.harvest.HarvestConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings of the ICE layer: the shared media port, the address advertised to peers, and the
 * timers that decide when a session has failed.
 *
 * <p>Part of these settings is JVM-wide, because ice4j reads its configuration (Typesafe config
 * merged with system properties) once, when its configuration classes first load:
 * {@link #applyBeforeIce4jLoads(IceSettings)} turns that part into system properties and must run
 * before any ice4j class is used. {@link SharedUdpPort#open(IceSettings)} calls it, so a gateway
 * that opens its port at startup, before anything else touches ice4j, is safe. The rest (the port
 * number and the session timers) is read per port and per session.
 *
 * @param bindAddress the concrete local address the shared port binds to and advertises as the
 *     host candidate; not a wildcard, because ice4j's single-port harvester advertises exactly
 *     the bound address
 * @param port the UDP port, or 0 for an ephemeral one (tests)
 * @param advertisedAddress the public address behind a 1:1 NAT, advertised as a
 *     server-reflexive candidate on the same port through an ice4j static mapping; null for none
 * @param allowLoopback whether loopback addresses may be used: needed to bind to 127.0.0.1 and
 *     to accept loopback candidates from peers (tests and the demo run on loopback)
 * @param useIpv6 whether ice4j may use IPv6 (ice4j.harvest.use-ipv6)
 * @param consentInterval how often ice4j sends a consent-freshness request on the selected pair
 *     (RFC 7675; ice4j randomizes each gap between 0.8 and 1.2 times this)
 * @param connectTimeout how long a started session may take to connect before it fails (the
 *     caller then ends the Jingle session with {@code <failed-transport/>})
 * @param consentDisconnectedAfter how long without a consent response a connected session
 *     reports {@link IceSession.State#DISCONNECTED}
 * @param consentTimeout how long without a consent response a session fails (RFC 7675: 30 s)
 * @param sendSocketPoolSize how many sockets ice4j binds to the shared port for sending
 *     (ice4j.harvest.udp.socket-pool-size); 0 keeps ice4j's default, the number of processors
 * @param receiveBufferSize SO_RCVBUF of the shared port in bytes; 0 keeps the OS default
 * @param sockets how many sockets the shared port binds to its address and port with
 *     SO_REUSEPORT, each read by its own thread (the kernel spreads remote addresses over them);
 *     0 means one per available processor. A client's port always binds one.
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
        int sendSocketPoolSize,
        int receiveBufferSize,
        int sockets) {

    private static final Logger LOG = LoggerFactory.getLogger(IceSettings.class);

    /** The default media port, as documented for {@code chorus.media.port}. */
    public static final int DEFAULT_PORT = 10000;
    public static final Duration DEFAULT_CONSENT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONSENT_DISCONNECTED_AFTER = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofSeconds(30);

    /** The ice4j properties of the first successful {@link #applyBeforeIce4jLoads}; guarded by the class. */
    private static Map<String, String> applied;

    public IceSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(consentInterval, "consentInterval");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(consentDisconnectedAfter, "consentDisconnectedAfter");
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        if (bindAddress.isAnyLocalAddress() || bindAddress.isMulticastAddress()) {
            throw new IllegalArgumentException("bindAddress must be a concrete unicast address, not "
                    + bindAddress.getHostAddress() + ": ice4j advertises the bound address as the host candidate");
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
        if (sendSocketPoolSize < 0) {
            throw new IllegalArgumentException("sendSocketPoolSize must be >= 0");
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
     * interval of one second so that tests observe consent loss in seconds. Every test and the
     * demo should use these (derived copies that only change the port or the session timers are
     * fine), because the ice4j part can be applied only once per JVM.
     */
    public static IceSettings loopback() {
        return builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .allowLoopback(true)
                .consentInterval(Duration.ofSeconds(1))
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

    /**
     * The system properties through which ice4j gets the JVM-wide part of these settings, sorted
     * by key. Lists use numeric suffixes, which Typesafe config turns into lists.
     */
    public Map<String, String> ice4jProperties() {
        Map<String, String> p = new TreeMap<>();
        // Otherwise the first Agent probes the EC2 metadata address (about 0.45 s, and useless).
        p.put("ice4j.harvest.mapping.aws.enabled", "false");
        p.put("ice4j.harvest.use-ipv6", Boolean.toString(useIpv6));
        // Every candidate comes from the shared port; no agent binds ports of its own.
        p.put("ice4j.harvest.udp.use-dynamic-ports", "false");
        List<String> allowed = allowedAddresses();
        for (int i = 0; i < allowed.size(); i++) {
            p.put("ice4j.harvest.allowed-addresses." + i, allowed.get(i));
        }
        p.put("ice4j.consent-freshness.interval", consentInterval.toMillis() + "ms");
        // ice4j moves an agent to TERMINATED 3 s after it completes; from then on it answers the
        // peer's consent checks on some shared-port legs with 403 ("cannot add new remote
        // candidates"), and those legs lose consent after about 30 s. Candidates on the shared
        // port are cheap, and IceSession frees the agent when the session ends, so never terminate.
        p.put("ice4j.ice.termination-delay", "1000 days");
        if (advertisedAddress != null) {
            p.put("ice4j.harvest.mapping.static-mappings.0.local-address", bindAddress.getHostAddress());
            p.put("ice4j.harvest.mapping.static-mappings.0.public-address", advertisedAddress.getHostAddress());
            p.put("ice4j.harvest.mapping.static-mappings.0.name", "advertised-address");
        }
        if (sendSocketPoolSize > 0) {
            p.put("ice4j.harvest.udp.socket-pool-size", Integer.toString(sendSocketPoolSize));
        }
        if (receiveBufferSize > 0) {
            p.put("ice4j.harvest.udp.receive-buffer-size", Integer.toString(receiveBufferSize));
        }
        return Collections.unmodifiableMap(p);
    }

    private List<String> allowedAddresses() {
        List<String> allowed = new ArrayList<>();
        allowed.add(bindAddress.getHostAddress());
        if (allowLoopback) {
            for (String lo : useIpv6 ? List.of("127.0.0.1", "::1") : List.of("127.0.0.1")) {
                if (!allowed.contains(lo) && !(lo.equals("::1") && bindAddress.isLoopbackAddress()
                        && bindAddress instanceof Inet6Address)) {
                    allowed.add(lo);
                }
            }
        }
        return allowed;
    }

    /**
     * Hands the JVM-wide part of these settings to ice4j, as system properties.
     *
     * <p><b>Must run before the first ice4j class is touched</b> (ice4j reads its configuration
     * once, when its configuration classes load); {@link SharedUdpPort#open} calls it. It also
     * clears Typesafe config's caches, which snapshot the system properties the first time any
     * code loads a default configuration, and switches ice4j's UDP listener to the push API.
     *
     * <p>Idempotent: calling it again with settings whose {@link #ice4jProperties()} are equal
     * does nothing. So every {@link SharedUdpPort} of a JVM shares the JVM-wide part: bind and
     * advertised address, loopback and IPv6 use, consent interval, pool and buffer sizes; the
     * port number and the session timers may differ. It throws {@link IllegalStateException} when called again with different
     * ice4j properties (they could not take effect), and when it finds that ice4j already read
     * its configuration without them, i.e. it was called too late; the error is also logged.
     */
    public static synchronized void applyBeforeIce4jLoads(IceSettings settings) {
        Map<String, String> wanted = settings.ice4jProperties();
        if (applied != null) {
            if (applied.equals(wanted)) {
                return;
            }
            throw new IllegalStateException("ice4j is already configured with " + applied
                    + " for this JVM; it reads its configuration once, so " + wanted + " cannot take effect");
        }
        wanted.forEach(System::setProperty);
        ConfigFactory.invalidateCaches();
        List<String> mismatches = settings.mismatchesInIce4jView();
        if (!mismatches.isEmpty()) {
            String message = "ice4j read its configuration before IceSettings.applyBeforeIce4jLoads ran (or an "
                    + "application.conf overrides it), so these settings are not in effect: " + mismatches
                    + ". Apply the settings at startup, before anything uses ice4j.";
            LOG.error(message);
            throw new IllegalStateException(message);
        }
        AbstractUdpListener.USE_PUSH_API = true;
        applied = wanted;
        LOG.info("ice4j configured: {}", wanted);
    }

    /** Whether {@link #applyBeforeIce4jLoads} has succeeded in this JVM. */
    public static synchronized boolean isApplied() {
        return applied != null;
    }

    /** Compares what ice4j's own configuration objects report with these settings. */
    private List<String> mismatchesInIce4jView() {
        List<String> out = new ArrayList<>();
        HarvestConfig harvest = HarvestConfig.config;
        if (harvest.enableAwsHarvester()) {
            out.add("ice4j.harvest.mapping.aws.enabled is true");
        }
        if (harvest.useIpv6() != useIpv6) {
            out.add("ice4j.harvest.use-ipv6 is " + harvest.useIpv6());
        }
        if (harvest.useDynamicPorts()) {
            out.add("ice4j.harvest.udp.use-dynamic-ports is true");
        }
        for (String a : allowedAddresses()) {
            boolean present = harvest.getAllowedAddresses().stream().anyMatch(x -> x.getHostAddress().equals(a)
                    || x.equals(literalOrNull(a)));
            if (!present) {
                out.add("ice4j.harvest.allowed-addresses lacks " + a);
            }
        }
        if (advertisedAddress != null) {
            boolean mapped = harvest.getStaticMappings().stream().anyMatch(m ->
                    bindAddress.getHostAddress().equals(m.getLocalAddress())
                            && advertisedAddress.getHostAddress().equals(m.getPublicAddress()));
            if (!mapped) {
                out.add("ice4j.harvest.mapping.static-mappings lacks " + bindAddress.getHostAddress() + " -> "
                        + advertisedAddress.getHostAddress());
            }
        }
        if (sendSocketPoolSize > 0 && harvest.udpSocketPoolSize() != sendSocketPoolSize) {
            out.add("ice4j.harvest.udp.socket-pool-size is " + harvest.udpSocketPoolSize());
        }
        if (receiveBufferSize > 0 && !Integer.valueOf(receiveBufferSize).equals(harvest.udpReceiveBufferSize())) {
            out.add("ice4j.harvest.udp.receive-buffer-size is " + harvest.udpReceiveBufferSize());
        }
        Duration interval = AgentConfig.config.getConsentFreshnessInterval();
        if (!consentInterval.equals(interval)) {
            out.add("ice4j.consent-freshness.interval is " + interval);
        }
        return out;
    }

    private static InetAddress literalOrNull(String ip) {
        return CandidateCheck.literal(ip);
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /**
     * Checks the consent timers against the consent interval: ice4j may leave up to 1.2 times
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
        private int sendSocketPoolSize;
        private int receiveBufferSize;
        private int sockets;

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
            sendSocketPoolSize = s.sendSocketPoolSize;
            receiveBufferSize = s.receiveBufferSize;
            sockets = s.sockets;
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

        public Builder sendSocketPoolSize(int size) {
            this.sendSocketPoolSize = size;
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
                    connectTimeout, consentDisconnectedAfter, consentTimeout, sendSocketPoolSize, receiveBufferSize,
                    sockets);
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
