package org.chorus.media.ice;

import com.typesafe.config.ConfigFactory;
import org.ice4j.ice.harvest.HarvestConfig;

/**
 * Run in a fresh JVM by {@link IceSettingsTest}, because what it checks happens once per JVM:
 * how ice4j picks up the settings, and what happens when they come too late.
 */
public final class Ice4jProbe {

    private Ice4jProbe() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "advertised" -> advertised();
            case "too-late" -> tooLate();
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.exit(0); // ice4j leaves a non-daemon pool thread behind once an agent existed
    }

    /** An advertised address becomes a server-reflexive candidate through ice4j's static mapping. */
    private static void advertised() throws Exception {
        // As the gateway's configuration loader does first: it makes Typesafe config cache the
        // system properties as they were before the settings are applied.
        ConfigFactory.defaultReference();
        IceSettings settings = IceSettings.loopback().toBuilder().advertisedAddress("203.0.113.7").build();
        try (SharedUdpPort port = SharedUdpPort.open(settings)) {
            IceSession session = IceSession.create(port, false, "probe");
            System.out.println("PORT " + port.port());
            System.out.println("ADVERTISED " + port.advertisedAddresses());
            for (Candidate c : session.localCandidates()) {
                System.out.println("CANDIDATE " + c.type() + " " + c.ip() + " " + c.port() + " " + c.relAddr() + " "
                        + c.relPort());
            }
        }
    }

    /** ice4j read its configuration before the settings were applied. */
    private static void tooLate() {
        boolean ipv6 = HarvestConfig.config.useIpv6(); // ice4j's default: true
        try {
            IceSettings.applyBeforeIce4jLoads(IceSettings.loopback());
            System.out.println("NOT-DETECTED " + ipv6);
            System.exit(3);
        } catch (IllegalStateException e) {
            System.out.println("DETECTED " + e.getMessage());
        }
    }
}
