package org.chorus.jingle;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.dom4j.DocumentHelper;
import org.jitsi.xmpp.extensions.DefaultPacketExtensionProvider;
import org.jitsi.xmpp.extensions.coin.UsersPacketExtension;
import org.jitsi.xmpp.extensions.coin.UsersProvider;
import org.jitsi.xmpp.extensions.jingle.CoinPacketExtension;
import org.jitsi.xmpp.extensions.jingle.JingleAction;
import org.jitsi.xmpp.extensions.jingle.JingleIQ;
import org.jitsi.xmpp.extensions.jingle.JingleIQProvider;
import org.jitsi.xmpp.extensions.jingle.SessionInfoPacketExtension;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.IqProvider;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/**
 * The one place where Jingle crosses between the gateway's stanzas (Tinder's {@link IQ}, dom4j) and
 * the Smack world of jitsi-xmpp-extensions ({@link JingleIQ} and its extension elements).
 *
 * <p>Smack-based programs (the recorder, the Java test client) use {@link JingleIQ} directly; they only
 * need {@link #registerProviders()} before they connect, so that their connection parses Jingle into
 * {@link JingleIQ}. The gateway sends a {@link JingleIQ} it built with
 * {@link #toTinder(org.jivesoftware.smack.packet.IQ)}; it reads what arrives without Smack, straight
 * from dom4j into the model ({@link InboundJingle}, {@link JingleElementReader}).
 */
public final class JingleStanzas {
    private JingleStanzas() {}

    /** The actions of XEP-0166; jitsi-xmpp-extensions also knows Jitsi's own, which Chorus refuses. */
    public static final Set<JingleAction> STANDARD_ACTIONS = EnumSet.of(
            JingleAction.CONTENT_ACCEPT, JingleAction.CONTENT_ADD, JingleAction.CONTENT_MODIFY,
            JingleAction.CONTENT_REJECT, JingleAction.CONTENT_REMOVE, JingleAction.DESCRIPTION_INFO,
            JingleAction.SECURITY_INFO, JingleAction.SESSION_ACCEPT, JingleAction.SESSION_INFO,
            JingleAction.SESSION_INITIATE, JingleAction.SESSION_TERMINATE, JingleAction.TRANSPORT_ACCEPT,
            JingleAction.TRANSPORT_INFO, JingleAction.TRANSPORT_REJECT, JingleAction.TRANSPORT_REPLACE);

    /** XEP-0167's session-info namespace and its error namespace. */
    public static final String RTP_INFO_NAMESPACE = SessionInfoPacketExtension.NAMESPACE;
    public static final String RTP_ERRORS_NAMESPACE = "urn:xmpp:jingle:apps:rtp:errors:1";

    private static final Object LOCK = new Object();
    private static volatile JingleIQProvider jingleProvider;

    /**
     * Registers, once per JVM, what Smack needs to parse Chorus's Jingle into jitsi-xmpp-extensions'
     * classes. Idempotent and thread-safe; every method here calls it, so the gateway need not.
     *
     * <ul>
     *   <li>Constructing a {@link JingleIQProvider} registers, in Smack's global {@link ProviderManager},
     *       the extension providers of what a Jingle RTP session carries: description, payload-type,
     *       parameter, rtcp-fb, rtp-hdrext, the rtcp-mux elements, ICE-UDP transport and candidate,
     *       the DTLS fingerprint, the BUNDLE group, COIN's conference-info, and SSMA's source,
     *       ssrc-group and parameter. Its own parse reads the reason and session-info.</li>
     *   <li>The provider itself is then registered as the IQ provider of
     *       {@code <jingle xmlns='urn:xmpp:jingle:1'/>}. That replaces smack-extensions' own Jingle
     *       provider, which Smack's start-up registers and which knows nothing of RTP. Smack starts
     *       up when {@link ProviderManager} is first loaded, which happens before this registration
     *       runs, so the start-up cannot overwrite it afterwards.</li>
     *   <li>COIN's {@code <users>}, as a child of {@code urn:xmpp:coin:1}'s conference-info, and
     *       {@link GatheringCompleteExtension}: neither is registered by jitsi-xmpp-extensions, and
     *       unregistered children are dropped silently.</li>
     * </ul>
     * A Smack program should know that jitsi-xmpp-extensions' Jingle provider fails, under Smack's
     * StAX parser, on whitespace between elements. The gateway sends Jingle without any.
     */
    public static void registerProviders() {
        JingleIQProvider provider = jingleProvider;
        if (provider == null) {
            synchronized (LOCK) {
                provider = jingleProvider;
                if (provider == null) {
                    provider = new JingleIQProvider();
                    ProviderManager.addExtensionProvider(UsersPacketExtension.ELEMENT, CoinPacketExtension.NAMESPACE, new UsersProvider());
                    ProviderManager.addExtensionProvider(GatheringCompleteExtension.ELEMENT, GatheringCompleteExtension.NAMESPACE,
                            new DefaultPacketExtensionProvider<>(GatheringCompleteExtension.class));
                    ProviderManager.addIQProvider(JingleIQ.ELEMENT, JingleIQ.NAMESPACE, provider);
                    jingleProvider = provider;
                    return;
                }
            }
        }
        IqProvider<?> current = ProviderManager.getIQProvider(JingleIQ.ELEMENT, JingleIQ.NAMESPACE);
        if (current != provider) {
            ProviderManager.addIQProvider(JingleIQ.ELEMENT, JingleIQ.NAMESPACE, provider);
        }
    }

    /**
     * A Smack IQ (a {@link JingleIQ} Chorus built, typically) as a Tinder IQ with the same type, id,
     * from and to. Only the child element is carried over, so the {@code jabber:client} namespace
     * Smack puts on its {@code <iq>} never reaches the component stream.
     */
    public static IQ toTinder(org.jivesoftware.smack.packet.IQ smackIq) {
        Objects.requireNonNull(smackIq, "smackIq");
        registerProviders();
        IQ iq = new IQ(IQ.Type.valueOf(smackIq.getType().name()), smackIq.getStanzaId());
        if (smackIq.getTo() != null) {
            iq.setTo(tinderJid(smackIq.getTo()));
        }
        if (smackIq.getFrom() != null) {
            iq.setFrom(tinderJid(smackIq.getFrom()));
        }
        String childXml = childXml(smackIq);
        if (!childXml.isEmpty()) {
            Document document;
            try {
                document = DocumentHelper.parseText(childXml);
            } catch (DocumentException e) {
                throw new IllegalStateException("Smack wrote XML that dom4j cannot read: " + e.getMessage(), e);
            }
            iq.setChildElement(document.getRootElement().createCopy());
        }
        return iq;
    }

    /**
     * The IQ's child element as XML. Written out through {@link XmlStringBuilder#write}: Smack's
     * {@code toString()} of nested builders takes time quadratic in the size (seconds for an offer
     * with a few hundred sources, on the signalling thread), writing is linear.
     */
    private static String childXml(org.jivesoftware.smack.packet.IQ smackIq) {
        XmlStringBuilder xml = smackIq.getChildElementXML();
        StringWriter writer = new StringWriter();
        try {
            xml.write(writer, XmlEnvironment.EMPTY);
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return writer.toString();
    }

    /** A Tinder JID as a Smack (jxmpp) JID. */
    public static Jid smackJid(JID jid) {
        Objects.requireNonNull(jid, "jid");
        try {
            return JidCreate.from(jid.toString());
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException("not a JID for Smack: " + jid, e);
        }
    }

    /** A Smack (jxmpp) JID as a Tinder JID. */
    public static JID tinderJid(Jid jid) {
        Objects.requireNonNull(jid, "jid");
        return new JID(jid.toString());
    }

    /**
     * The reply to a Jingle request that needs no more than an acknowledgement: a session-info
     * ({@code ringing}, {@code mute}, …), a transport-info, a session-terminate.
     */
    public static IQ acknowledge(IQ request) {
        return IQ.createResultIQ(request);
    }
}
