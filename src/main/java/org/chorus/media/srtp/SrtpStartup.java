package org.chorus.media.srtp;

import java.security.SecureRandom;
import java.util.Arrays;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time SRTP start-up, to run when the gateway starts, before the first call.
 *
 * <p>jitsi-srtp picks its AES implementation the first time a context needs one, by benchmarking every
 * implementation it knows (about a second), on whichever thread asks first. Left alone, that would be
 * the first session's packet thread. {@link #initialize()} instead selects the OpenSSL backend up front
 * when its JNI library loads (and keeps jitsi-srtp's own choice, benchmark included, when it does not),
 * then protects and unprotects one RTP and one RTCP packet with every profile, so that every cipher
 * jitsi-srtp will need is chosen and loaded before any session exists.
 *
 * <p>Idempotent and thread-safe: later calls return at once.
 */
public final class SrtpStartup {

    /** Which AES implementation jitsi-srtp was told to use. */
    public enum Backend {
        /** OpenSSL through jitsi-srtp's JNI library. */
        OPENSSL,
        /** jitsi-srtp's default choice (its benchmark among the JCA providers), because OpenSSL did not load. */
        DEFAULT
    }

    static final String OPENSSL_FACTORY = "org.jitsi.srtp.crypto.Aes$OpenSSLCipherFactory";

    private static final Logger LOG = LoggerFactory.getLogger(SrtpStartup.class);

    private static volatile Backend backend;

    private SrtpStartup() {
    }

    /** Selects the AES backend and warms every profile up; a no-op after the first call. */
    public static Backend initialize() {
        Backend done = backend;
        if (done != null) {
            return done;
        }
        synchronized (SrtpStartup.class) {
            if (backend == null) {
                long start = System.nanoTime();
                Backend chosen = selectBackend();
                for (SrtpProfile profile : SrtpProfile.values()) {
                    warmUp(profile);
                }
                backend = chosen;
                LOG.info("SRTP ready with the {} AES backend in {} ms", chosen,
                        (System.nanoTime() - start) / 1_000_000);
            }
            return backend;
        }
    }

    /** Whether {@link #initialize()} has completed. */
    public static boolean isInitialized() {
        return backend != null;
    }

    /** The backend chosen by {@link #initialize()}, or null before it ran. */
    public static Backend backend() {
        return backend;
    }

    private static Backend selectBackend() {
        boolean loaded;
        try {
            loaded = JitsiOpenSslProvider.isLoaded();
        } catch (Throwable t) { // an UnsatisfiedLinkError or a failed class initialisation
            loaded = false;
        }
        if (loaded) {
            Aes.setFactoryClassName(OPENSSL_FACTORY);
            return Backend.OPENSSL;
        }
        LOG.warn("The OpenSSL library of jitsi-srtp did not load; SRTP uses jitsi-srtp's default AES backend");
        return Backend.DEFAULT;
    }

    /** One protect and unprotect of RTP and RTCP with throw-away keys. */
    private static void warmUp(SrtpProfile profile) {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        byte[] peerKey = new byte[profile.keyLength()];
        byte[] peerSalt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        random.nextBytes(peerKey);
        random.nextBytes(peerSalt);
        SrtpKeys keys = new SrtpKeys(profile, key, salt, peerKey, peerSalt);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.reversed())) {
            byte[] rtp = new byte[12 + 160 + SrtpSession.MAX_OVERHEAD];
            rtp[0] = (byte) 0x80;
            rtp[1] = 111;
            rtp[11] = 1;
            byte[] rtpPlain = Arrays.copyOf(rtp, 12 + 160);
            int n = sender.protectRtp(rtp, 0, 12 + 160);
            boolean ok = n > 0 && receiver.unprotectRtp(rtp, 0, n) == 12 + 160
                    && Arrays.equals(rtp, 0, 12 + 160, rtpPlain, 0, 12 + 160);

            byte[] rtcp = new byte[8 + SrtpSession.MAX_OVERHEAD];
            rtcp[0] = (byte) 0x80;
            rtcp[1] = (byte) 201; // an empty receiver report
            rtcp[3] = 1;
            rtcp[7] = 1;
            n = sender.protectRtcp(rtcp, 0, 8);
            ok &= n > 0 && receiver.unprotectRtcp(rtcp, 0, n) == 8;
            if (!ok) {
                LOG.error("SRTP self-test failed for {}", profile);
            }
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(peerKey, (byte) 0);
        }
    }
}
