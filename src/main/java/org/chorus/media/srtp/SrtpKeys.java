package org.chorus.media.srtp;

import java.util.Arrays;
import java.util.Objects;

/**
 * The SRTP master keys of one DTLS-SRTP association: the negotiated profile, our master key and salt
 * (what we protect with) and the peer's (what we unprotect with).
 *
 * <p>Immutable: the arrays are copied in and out. {@link #toString()} never shows key material.
 */
public final class SrtpKeys {

    private final SrtpProfile profile;
    private final byte[] localKey;
    private final byte[] localSalt;
    private final byte[] remoteKey;
    private final byte[] remoteSalt;

    public SrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.localKey = checked(localKey, profile.keyLength(), "local key");
        this.localSalt = checked(localSalt, profile.saltLength(), "local salt");
        this.remoteKey = checked(remoteKey, profile.keyLength(), "remote key");
        this.remoteSalt = checked(remoteSalt, profile.saltLength(), "remote salt");
    }

    /**
     * Splits the keying material exported with the label "EXTRACTOR-dtls_srtp" (RFC 5764 §4.2), laid
     * out as client key | server key | client salt | server salt. Ours is the server half when we are
     * the DTLS server.
     */
    public static SrtpKeys fromKeyingMaterial(SrtpProfile profile, byte[] material, boolean localIsServer) {
        Objects.requireNonNull(profile, "profile");
        if (material == null || material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("keying material for " + profile + " must be "
                    + profile.keyingMaterialLength() + " bytes");
        }
        int k = profile.keyLength();
        int s = profile.saltLength();
        byte[] clientKey = Arrays.copyOfRange(material, 0, k);
        byte[] serverKey = Arrays.copyOfRange(material, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(material, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s);
        try {
            return localIsServer
                    ? new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt)
                    : new SrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt);
        } finally {
            Arrays.fill(clientKey, (byte) 0);
            Arrays.fill(serverKey, (byte) 0);
            Arrays.fill(clientSalt, (byte) 0);
            Arrays.fill(serverSalt, (byte) 0);
        }
    }

    /** The same keys seen from the peer: local and remote swapped. */
    public SrtpKeys reversed() {
        return new SrtpKeys(profile, remoteKey, remoteSalt, localKey, localSalt);
    }

    public SrtpProfile profile() {
        return profile;
    }

    public byte[] localKey() {
        return localKey.clone();
    }

    public byte[] localSalt() {
        return localSalt.clone();
    }

    public byte[] remoteKey() {
        return remoteKey.clone();
    }

    public byte[] remoteSalt() {
        return remoteSalt.clone();
    }

    @Override
    public String toString() {
        return "SrtpKeys[" + profile + "]";
    }

    private static byte[] checked(byte[] value, int length, String what) {
        Objects.requireNonNull(value, what);
        if (value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, not " + value.length);
        }
        return value.clone();
    }
}
