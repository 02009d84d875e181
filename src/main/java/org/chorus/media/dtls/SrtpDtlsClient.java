package org.chorus.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.chorus.media.srtp.SrtpProfile;

/**
 * The BouncyCastle DTLS 1.2 client of an endpoint ('active'): offers our SRTP profiles in order,
 * holds the server's certificate against the signalled fingerprint, and requires the extended master
 * secret that the key export needs.
 */
final class SrtpDtlsClient extends DefaultTlsClient {

    /** As client we also accept a peer with an RSA certificate. */
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    private final BcTlsCrypto crypto;
    private final DtlsEndpoint endpoint;

    SrtpDtlsClient(BcTlsCrypto crypto, DtlsEndpoint endpoint) {
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
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        if (extensions == null) {
            extensions = new Hashtable();
        }
        int[] offered = endpoint.preference().stream().mapToInt(SrtpProfile::protectionProfileId).toArray();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(offered, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData answer = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (answer == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the server did not agree to use_srtp");
        }
        int[] chosen = answer.getProtectionProfiles();
        if (chosen == null || chosen.length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server must choose one SRTP profile");
        }
        endpoint.profileSelected(SrtpProfile.forProtectionProfileId(chosen[0])
                .filter(endpoint.preference()::contains)
                .orElseThrow(() -> new TlsFatalAlert(AlertDescription.illegal_parameter,
                        "the server chose an SRTP profile we did not offer: " + chosen[0])));
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                endpoint.verifyPeer(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) throws IOException {
                return endpoint.signer(context, crypto);
            }
        };
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
        endpoint.exportKeys(context, false);
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
