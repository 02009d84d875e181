package org.chorus.media.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;

/**
 * The gateway's DTLS identity: one self-signed EC P-256 certificate signed with ecdsa-with-SHA256, the
 * kind browsers make for WebRTC. Nobody checks it against a CA; the peer checks it against the
 * fingerprint we signal, {@link #fingerprint()}.
 *
 * <p>Generating one costs about 0.4 s in a fresh JVM, so the gateway makes one at start-up and uses it
 * for every session. Immutable and thread-safe.
 */
public final class DtlsCertificate {

    /** The hash function of {@link #fingerprint()}. */
    public static final String HASH_FUNCTION = "sha-256";

    private static final Map<String, String> DIGESTS = Map.of(
            "sha-1", "SHA-1",
            "sha-224", "SHA-224",
            "sha-256", "SHA-256",
            "sha-384", "SHA-384",
            "sha-512", "SHA-512");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final String fingerprint;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = fingerprint(HASH_FUNCTION, der);
    }

    /** A new key pair and self-signed certificate, valid from a day ago for a year, subject CN=chorus. */
    public static DtlsCertificate generate() {
        return generate("chorus", Duration.ofDays(365));
    }

    /** A new key pair and self-signed certificate with the given common name and validity. */
    public static DtlsCertificate generate(String commonName, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keys = generator.generateKeyPair();

            AlgorithmIdentifier signatureAlgorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            V3TBSCertificateGenerator tbsGenerator = new V3TBSCertificateGenerator();
            tbsGenerator.setSerialNumber(new ASN1Integer(new BigInteger(63, RANDOM).add(BigInteger.ONE)));
            tbsGenerator.setSignature(signatureAlgorithm);
            tbsGenerator.setIssuer(name);
            tbsGenerator.setSubject(name);
            tbsGenerator.setStartDate(new Time(Date.from(now.minus(Duration.ofDays(1)))));
            tbsGenerator.setEndDate(new Time(Date.from(now.plus(validity))));
            tbsGenerator.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
            TBSCertificate tbs = tbsGenerator.generateTBSCertificate();

            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate(), RANDOM);
            signer.update(tbs.getEncoded(ASN1Encoding.DER));
            ASN1EncodableVector certificate = new ASN1EncodableVector();
            certificate.add(tbs);
            certificate.add(signatureAlgorithm);
            certificate.add(new DERBitString(signer.sign()));
            byte[] der = new DERSequence(certificate).getEncoded(ASN1Encoding.DER);

            return new DtlsCertificate(der, PrivateKeyFactory.createKey(keys.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC P-256 certificate", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of the DER encoding, as uppercase hex bytes separated by ':'. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Always {@value #HASH_FUNCTION}. */
    public String hashFunction() {
        return HASH_FUNCTION;
    }

    /** {@link #hashFunction()} and {@link #fingerprint()} together, ready to signal. */
    public DtlsFingerprint localFingerprint() {
        return new DtlsFingerprint(HASH_FUNCTION, fingerprint);
    }

    /** The DER encoding of the certificate. */
    public byte[] encoded() {
        return der.clone();
    }

    /** The private key, for the TLS signer. */
    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** Whether a fingerprint hash function name (RFC 4572, any case) is one we can compute. */
    public static boolean isSupportedHashFunction(String hashFunction) {
        return hashFunction != null && DIGESTS.containsKey(hashFunction.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The fingerprint of a DER-encoded certificate with the given hash function ("sha-1", "sha-256",
     * "sha-384", "sha-512", also "sha-224"), as uppercase hex bytes separated by ':'.
     *
     * @throws IllegalArgumentException for an unsupported hash function
     */
    public static String fingerprint(String hashFunction, byte[] der) {
        String algorithm = hashFunction == null ? null : DIGESTS.get(hashFunction.trim().toLowerCase(Locale.ROOT));
        if (algorithm == null) {
            throw new IllegalArgumentException("unsupported fingerprint hash function: " + hashFunction);
        }
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(der);
            StringBuilder text = new StringBuilder(digest.length * 3);
            for (byte b : digest) {
                if (text.length() > 0) {
                    text.append(':');
                }
                text.append(HEX[(b >> 4) & 0x0F]).append(HEX[b & 0x0F]);
            }
            return text.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    /** The fingerprint of a certificate received in a handshake. */
    public static String fingerprint(String hashFunction, TlsCertificate certificate) throws IOException {
        return fingerprint(hashFunction, certificate.getEncoded());
    }

    /**
     * Whether the end-entity certificate of a received chain has the signalled fingerprint. The
     * comparison ignores the case of the hex digits. False for an empty chain or an unsupported hash.
     */
    public static boolean matches(Certificate chain, String hashFunction, String signalledFingerprint)
            throws IOException {
        if (chain == null || chain.isEmpty() || signalledFingerprint == null
                || !isSupportedHashFunction(hashFunction)) {
            return false;
        }
        return fingerprintsEqual(fingerprint(hashFunction, chain.getCertificateAt(0)), signalledFingerprint);
    }

    /** Case-insensitive comparison of two fingerprints in the hex-and-colon form. */
    static boolean fingerprintsEqual(String computed, String signalled) {
        return computed.equalsIgnoreCase(signalled.trim());
    }

    @Override
    public String toString() {
        return "DtlsCertificate[" + HASH_FUNCTION + " " + fingerprint + "]";
    }
}
