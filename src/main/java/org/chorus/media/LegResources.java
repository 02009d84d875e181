package org.chorus.media;

import java.io.IOException;
import org.chorus.media.dtls.DtlsCertificate;
import org.chorus.media.dtls.DtlsWorkers;
import org.chorus.media.ice.IceSettings;
import org.chorus.media.ice.SharedUdpPort;

/**
 * What a {@link MediaLeg} needs from the process it runs in: a UDP port to run ICE on, the DTLS
 * certificate and handshake workers, and the ICE settings (whose connect timeout DTLS gets too).
 * The gateway's media plane hands every leg its one shared port; a client opens a port per leg.
 */
public interface LegResources {

    /** The port a new leg runs ICE on: the shared media port, or one of the leg's own. */
    SharedUdpPort openPort() throws IOException;

    /** Gives back a leg's port when the leg closes: a port of its own is closed, a shared one stays open. */
    void releasePort(SharedUdpPort port);

    /** The certificate every leg presents in DTLS. */
    DtlsCertificate certificate();

    /** The threads every leg's DTLS handshake runs on. */
    DtlsWorkers dtlsWorkers();

    IceSettings iceSettings();
}
