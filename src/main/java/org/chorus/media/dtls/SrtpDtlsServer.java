package org.chorus.media.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.chorus.media.srtp.SrtpProfile;

/**
 * The BouncyCastle DTLS 1.2 server of an endpoint ('passive'): asks for the client's certificate (to
 * hold it against the signalled fingerprint), chooses the SRTP profile by our preference among the
 * client's offer, and requires the extended master secret that the key export needs.
 */
final class SrtpDtlsServer extends DefaultTlsServer {

    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    private final BcTlsCrypto crypto;
    private final DtlsEndpoint endpoint;

    SrtpDtlsServer(BcTlsCrypto crypto, DtlsEndpoint endpoint) {
        super(crypto);
        this.crypto = crypto;
        this.endpoint = endpoint;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return endpoint.signer(context, crypto);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        // Without a certificate request there is no client certificate to check.
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        endpoint.verifyPeer(clientCertificate);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offer = clientExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offer == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client did not offer use_srtp");
        }
        endpoint.profileSelected(SrtpProfile.choose(endpoint.preference(), offer.getProtectionProfiles())
                .orElseThrow(() -> new TlsFatalAlert(AlertDescription.handshake_failure,
                        "no common SRTP protection profile: offered " + Arrays.toString(offer.getProtectionProfiles()))));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(new int[] {endpoint.selectedProfile().protectionProfileId()}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public boolean requiresExtendedMasterSecret() {
        return true;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return endpoint.handshakeTimeoutMillis();
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        endpoint.exportKeys(context, true);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        endpoint.onAlertReceived(alertLevel, alertDescription);
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        endpoint.onAlertRaised(alertLevel, alertDescription, message, cause);
    }
}
