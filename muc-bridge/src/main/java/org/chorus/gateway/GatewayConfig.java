package org.chorus.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.chorus.component.Backoff;
import org.xmpp.packet.JID;

/** The gateway's settings, read once from HOCON (see {@code reference.conf}) and validated. */
public record GatewayConfig(
        String host,
        int port,
        String domain,
        String secret,
        Duration connectTimeout,
        Backoff reconnect,
        Duration requestTimeout,
        String mucService,
        String nick,
        List<String> rooms,
        Duration missingRoomRetry,
        Duration noShowTimeout,
        int maxParticipants,
        Duration mediaTimeout,
        Duration rejoinGrace,
        Duration leaveDebounce,
        int mediaPort,
        String bindAddress,
        String advertisedAddress,
        boolean allowLoopback,
        Duration consentInterval,
        Duration consentTimeout,
        Duration mediaConnectTimeout,
        long rembBitrate,
        int mediaSockets,
        int mediaReceiveBuffer,
        int forwardingThreads,
        Path dataDir,
        Recording recording,
        Limits limits) {

    /**
     * What one user, and anyone on the federation, may make the gateway do (PROTOCOL.md §3, §5).
     *
     * @param allowedServices    the MUC services whose rooms may be bound: the configured one and these
     * @param callsPerUser       calls one user (bare JID, any of its clients) may send in at once
     * @param sessionsPerJid     sessions (both directions) a full JID may have before it may call again
     * @param onDemandRooms      rooms not listed in the configuration that the gateway may be in at once
     * @param onDemandRoomsPerUser such rooms one user's calls may have bound while they carry no call
     * @param onDemandIdle       how long such a room stays bound without a call
     */
    public record Limits(List<String> allowedServices, int callsPerUser, int sessionsPerJid, int onDemandRooms,
            int onDemandRoomsPerUser, Duration onDemandIdle) {}

    /**
     * Recording settings (PROTOCOL.md §10).
     *
     * @param brewery        the brewery room's JID, or null when recording is off
     * @param pendingTimeout how long a recorder may take to start writing before another is tried
     * @param maxAttempts    how many recorders one recording tries
     * @param stopTimeout    how long a stop waits for the recorder's final status
     * @param defaultLayout  {@code tracks} or {@code grid}, for requests that name none
     * @param recorders      the recorders' domains or bare JIDs; empty refuses every recording
     * @param streamHosts    the hosts a stream_url may name; empty allows any public host
     */
    public record Recording(String brewery, Duration pendingTimeout, int maxAttempts, Duration stopTimeout,
            String defaultLayout, List<String> recorders, List<String> streamHosts) {}

    public static GatewayConfig from(Config c) {
        String secret = c.getString("xmpp.secret");
        if (secret.isBlank()) {
            throw new ConfigException.Generic("chorus.xmpp.secret is required: set it in the file or as CHORUS_XMPP_SECRET");
        }
        int port = c.getInt("xmpp.port");
        int mediaPort = c.getInt("media.port");
        requirePort("chorus.xmpp.port", c, port);
        if (mediaPort < 0 || mediaPort > 65535) {
            throw new ConfigException.BadValue(c.origin(), "chorus.media.port", "not a port number: " + mediaPort);
        }
        String domain = domain(c, "xmpp.domain");
        String mucService = domain(c, "muc.service");
        if (domain.equals(mucService)) {
            throw new ConfigException.BadValue(c.origin(), "chorus.muc.service", "must differ from chorus.xmpp.domain");
        }
        Backoff backoff = new Backoff(
                c.getDuration("xmpp.reconnect.initial-delay"),
                c.getDuration("xmpp.reconnect.max-delay"),
                c.getDouble("xmpp.reconnect.multiplier"),
                c.getDouble("xmpp.reconnect.jitter"));
        Duration consentInterval = positiveDuration(c, "media.consent-interval");
        Duration consentTimeout = positiveDuration(c, "media.consent-timeout");
        if (consentTimeout.toMillis() * 10 <= consentInterval.toMillis() * 12) {
            // consent requests go out up to 1.2 times the interval apart: a shorter timeout fails healthy legs
            throw new ConfigException.BadValue(c.origin(), "chorus.media.consent-timeout",
                    "must exceed 1.2 times chorus.media.consent-interval");
        }
        String nick = c.getString("muc.nick").trim();
        if (nick.isEmpty()) {
            throw new ConfigException.BadValue(c.origin(), "chorus.muc.nick", "must not be empty");
        }
        return new GatewayConfig(
                c.getString("xmpp.host"),
                port,
                domain,
                secret,
                c.getDuration("xmpp.connect-timeout"),
                backoff,
                c.getDuration("xmpp.request-timeout"),
                mucService,
                nick,
                List.copyOf(c.getStringList("muc.rooms")),
                c.getDuration("muc.missing-room-retry"),
                c.getDuration("calls.no-show-timeout"),
                positive(c, "calls.max-participants"),
                c.getDuration("calls.media-timeout"),
                c.getDuration("calls.rejoin-grace"),
                c.getDuration("calls.leave-debounce"),
                mediaPort,
                c.getString("media.bind-address").trim(),
                c.getString("media.advertised-address").trim(),
                c.getBoolean("media.allow-loopback"),
                consentInterval,
                consentTimeout,
                positiveDuration(c, "media.connect-timeout"),
                c.getLong("media.remb-bitrate"),
                upTo(c, "media.sockets", MAX_THREADS),
                receiveBuffer(c),
                upTo(c, "media.forwarding-threads", MAX_THREADS),
                Path.of(c.getString("data-dir")),
                recording(c),
                limits(c, mucService));
    }

    private static Limits limits(Config c, String mucService) {
        List<String> services = new java.util.ArrayList<>(List.of(mucService));
        for (String entry : c.getStringList("muc.allowed-services")) {
            try {
                String service = JID.domainprep(entry.trim());
                if (!services.contains(service)) {
                    services.add(service);
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(c.origin(), "chorus.muc.allowed-services", "not a domain: " + entry);
            }
        }
        Duration idle = c.getDuration("muc.on-demand-rooms.idle-timeout");
        if (idle.isNegative() || idle.isZero()) {
            throw new ConfigException.BadValue(c.origin(), "chorus.muc.on-demand-rooms.idle-timeout", "must be positive");
        }
        return new Limits(List.copyOf(services), positive(c, "calls.max-calls-per-user"),
                positive(c, "calls.max-sessions-per-jid"), positive(c, "muc.on-demand-rooms.max"),
                positive(c, "muc.on-demand-rooms.per-user"), idle);
    }

    private static Recording recording(Config c) {
        String brewery = c.getString("recording.brewery").trim();
        if (!brewery.isEmpty()) {
            try {
                JID jid = new JID(brewery);
                if (jid.getNode() == null || jid.getResource() != null) {
                    throw new IllegalArgumentException("not a bare room JID");
                }
                brewery = jid.toBareJID();
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(c.origin(), "chorus.recording.brewery", "not a room JID: " + brewery);
            }
        }
        String layout = c.getString("recording.default-layout").trim();
        if (!layout.equals("tracks") && !layout.equals("grid")) {
            throw new ConfigException.BadValue(c.origin(), "chorus.recording.default-layout", "must be tracks or grid");
        }
        return new Recording(brewery.isEmpty() ? null : brewery, c.getDuration("recording.pending-timeout"),
                positive(c, "recording.max-attempts"), c.getDuration("recording.stop-timeout"), layout,
                List.copyOf(c.getStringList("recording.recorders")),
                List.copyOf(c.getStringList("recording.stream-hosts")));
    }

    /** The most sockets, or forwarding threads, the configuration may ask for. */
    static final int MAX_THREADS = 256;

    /** A count from 0 (one per processor) to {@code max}. */
    private static int upTo(Config c, String key, int max) {
        int value = c.getInt(key);
        if (value < 0 || value > max) {
            throw new ConfigException.BadValue(c.origin(), "chorus." + key,
                    "must be 0 (one per processor) to " + max + ": " + value);
        }
        return value;
    }

    private static Duration positiveDuration(Config c, String key) {
        Duration value = c.getDuration(key);
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException.BadValue(c.origin(), "chorus." + key, "must be positive");
        }
        return value;
    }

    private static int receiveBuffer(Config c) {
        long bytes = c.getBytes("media.receive-buffer");
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw new ConfigException.BadValue(c.origin(), "chorus.media.receive-buffer",
                    "must be 0 (the system's default) to 2 GiB: " + bytes);
        }
        return (int) bytes;
    }

    private static int positive(Config c, String key) {
        int value = c.getInt(key);
        if (value < 1) {
            throw new ConfigException.BadValue(c.origin(), "chorus." + key, "must be at least 1");
        }
        return value;
    }

    /**
     * The ICE settings of the media port. A leg is reported disconnected after the ICE layer's
     * default (10 s) without a consent response, or after the consent timeout when that is shorter.
     */
    public org.chorus.media.ice.IceSettings iceSettings() {
        Duration disconnectedAfter = consentTimeout.compareTo(
                org.chorus.media.ice.IceSettings.DEFAULT_CONSENT_DISCONNECTED_AFTER) < 0
                ? consentTimeout : org.chorus.media.ice.IceSettings.DEFAULT_CONSENT_DISCONNECTED_AFTER;
        var b = org.chorus.media.ice.IceSettings.builder()
                .port(mediaPort)
                .allowLoopback(allowLoopback)
                .consentInterval(consentInterval)
                .sockets(mediaSockets)
                .receiveBufferSize(mediaReceiveBuffer)
                .consentDisconnectedAfter(disconnectedAfter)
                .consentTimeout(consentTimeout)
                .connectTimeout(mediaConnectTimeout);
        if (bindAddress.isEmpty()) {
            b.bindAddress(org.chorus.media.ice.IceSettings.defaultRouteAddress()
                    .orElseThrow(() -> new ConfigException.Generic(
                            "no default route to take the media address from; set chorus.media.bind-address")));
        } else {
            b.bindAddress(bindAddress);
        }
        if (!advertisedAddress.isEmpty()) {
            b.advertisedAddress(advertisedAddress);
        }
        return b.build();
    }

    private static void requirePort(String key, Config c, int port) {
        if (port < 1 || port > 65535) {
            throw new ConfigException.BadValue(c.origin(), key, "not a port number: " + port);
        }
    }

    private static String domain(Config c, String key) {
        try {
            return JID.domainprep(c.getString(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), "chorus." + key, "not a valid domain");
        }
    }

    /** The settings as a log line, without the secret. */
    @Override
    public String toString() {
        return "GatewayConfig[server=" + host + ":" + port + ", domain=" + domain + ", secret=<redacted>"
                + ", muc=" + mucService + ", nick=" + nick + ", rooms=" + rooms + ", mediaPort=" + mediaPort
                + ", dataDir=" + dataDir + "]";
    }
}
