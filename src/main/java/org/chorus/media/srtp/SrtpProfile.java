package org.chorus.media.srtp;

import java.util.List;
import java.util.Optional;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.jitsi.srtp.SrtpPolicy;

/**
 * The SRTP protection profiles Chorus negotiates in the DTLS use_srtp extension (RFC 5764, RFC 7714),
 * with their master key and salt sizes and the jitsi-srtp policies that implement them.
 *
 * <p>Chromium offers AES128_CM_HMAC_SHA1_80, AEAD_AES_256_GCM and AEAD_AES_128_GCM (never the _32
 * variant); all three work end to end.
 */
public enum SrtpProfile {
    /** AES-128 in GCM mode: 16-byte key, 12-byte salt, 16-byte tag, no separate authentication. */
    AEAD_AES_128_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, 16, 12, 16),
    /** AES-256 in GCM mode: 32-byte key, 12-byte salt, 16-byte tag, no separate authentication. */
    AEAD_AES_256_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_256_GCM, 32, 12, 16),
    /** AES-128 counter mode with HMAC-SHA1 (20-byte key) truncated to 80 bits: 16-byte key, 14-byte salt. */
    AES_CM_128_HMAC_SHA1_80(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 16, 14, 10);

    /** Our preference as DTLS server, and our offer order as DTLS client: GCM-128, GCM-256, CM-80. */
    public static final List<SrtpProfile> DEFAULT_PREFERENCE =
            List.of(AEAD_AES_128_GCM, AEAD_AES_256_GCM, AES_CM_128_HMAC_SHA1_80);

    /** Length of the SRTCP index (with its E flag) that every protected RTCP packet carries. */
    static final int SRTCP_INDEX_LENGTH = 4;

    private static final int HMAC_SHA1_KEY_LENGTH = 20;

    private final int protectionProfileId;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int protectionProfileId, int keyLength, int saltLength, int tagLength) {
        this.protectionProfileId = protectionProfileId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** The SRTPProtectionProfile value carried in use_srtp. */
    public int protectionProfileId() {
        return protectionProfileId;
    }

    /** Master key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Authentication tag length in bytes (the GCM tag, or the truncated HMAC). */
    public int tagLength() {
        return tagLength;
    }

    public boolean isAead() {
        return this != AES_CM_128_HMAC_SHA1_80;
    }

    /** How many bytes protecting one RTP packet adds: the tag. */
    public int rtpOverhead() {
        return tagLength;
    }

    /** How many bytes protecting one RTCP packet adds: the SRTCP index and the tag. */
    public int rtcpOverhead() {
        return SRTCP_INDEX_LENGTH + tagLength;
    }

    /** Bytes of keying material exported from DTLS: two keys and two salts. */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /**
     * A new jitsi-srtp policy for SRTP with this profile. The send-side replay check is off, so that a
     * retransmission of a packet already sent can be protected again; the receive-side check stays on.
     * Policies are mutable, so every call returns a fresh one.
     */
    public SrtpPolicy rtpPolicy() {
        return policy();
    }

    /** A new jitsi-srtp policy for SRTCP with this profile (same algorithms and sizes as SRTP). */
    public SrtpPolicy rtcpPolicy() {
        return policy();
    }

    private SrtpPolicy policy() {
        SrtpPolicy policy = isAead()
                ? new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, keyLength,
                        SrtpPolicy.NULL_AUTHENTICATION, 0, tagLength, saltLength)
                : new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, keyLength,
                        SrtpPolicy.HMACSHA1_AUTHENTICATION, HMAC_SHA1_KEY_LENGTH, tagLength, saltLength);
        policy.setSendReplayEnabled(false);
        return policy;
    }

    /** The profile with this use_srtp id, if it is one Chorus supports. */
    public static Optional<SrtpProfile> forProtectionProfileId(int id) {
        for (SrtpProfile profile : values()) {
            if (profile.protectionProfileId == id) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }

    /** As DTLS server: the first profile of our preference that the client offered, if any. */
    public static Optional<SrtpProfile> choose(List<SrtpProfile> preference, int[] offeredIds) {
        if (offeredIds == null) {
            return Optional.empty();
        }
        for (SrtpProfile profile : preference) {
            for (int id : offeredIds) {
                if (profile.protectionProfileId == id) {
                    return Optional.of(profile);
                }
            }
        }
        return Optional.empty();
    }

    /** Checks a preference list: not empty, no duplicates, no nulls. Returns an immutable copy. */
    public static List<SrtpProfile> checkPreference(List<SrtpProfile> preference) {
        List<SrtpProfile> copy = List.copyOf(preference);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile is needed");
        }
        if (copy.stream().distinct().count() != copy.size()) {
            throw new IllegalArgumentException("duplicate SRTP profile in " + copy);
        }
        return copy;
    }
}
