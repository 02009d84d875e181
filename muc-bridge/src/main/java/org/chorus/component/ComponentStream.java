package org.chorus.component;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dom4j.DocumentException;
import org.dom4j.Element;
import org.dom4j.io.XPPPacketReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmlpull.mxp1.MXParser;
import org.xmlpull.v1.XmlPullParser;
import org.xmlpull.v1.XmlPullParserException;
import org.xmlpull.v1.XmlPullParserFactory;
import org.xmpp.component.ComponentException;
import org.xmpp.packet.Packet;
import org.xmpp.packet.StreamError;

/**
 * One XEP-0114 stream, from handshake to close. The stream ends only when the socket does or the
 * server says so: a stanza that cannot be read as a packet, or that fails on the way in or out, costs
 * that stanza alone (an IQ request among them gets an error answer), never the stream.
 *
 * <p>Incoming stanzas are read on one thread per stream and handed over in order. Their addresses are
 * taken as the server routed them, without a second stringprep: the server has already checked them,
 * and a stricter or older profile here (libidn's, which rejects every character outside the Basic
 * Multilingual Plane) would turn an ordinary stanza into a failure.
 */
final class ComponentStream {
    interface Callbacks {
        void packet(ComponentStream stream, Packet packet);

        /** The stream ended without {@link #close()}; {@code why} says how, for the log. */
        void lost(ComponentStream stream, String why);
    }

    private static final Logger log = LoggerFactory.getLogger(ComponentStream.class);
    private static final long KEEP_ALIVE_MILLIS = 30_000;

    private final String domain;
    private final String secret;
    private final int connectTimeoutMillis;
    private final Callbacks callbacks;
    private final ScheduledExecutorService timers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object writeLock = new Object();
    private Socket socket;
    private Writer writer;
    private XPPPacketReader reader;
    private ScheduledFuture<?> keepAlive;
    private volatile long lastWrite = System.nanoTime();

    ComponentStream(String domain, String secret, int connectTimeoutMillis, ScheduledExecutorService timers, Callbacks callbacks) {
        this.domain = domain;
        this.secret = secret;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.timers = timers;
        this.callbacks = callbacks;
    }

    /** Connects, authenticates and starts reading; blocks for about the connect timeout at most per step. */
    void open(String host, int port) throws ComponentException {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            socket.setSoTimeout(connectTimeoutMillis);
            socket.setTcpNoDelay(true);
            reader = new XPPPacketReader();
            reader.setXPPFactory(parserFactory());
            reader.getXPPParser().setInput(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            writer = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
            handshake();
            socket.setSoTimeout(0);
        } catch (IOException | XmlPullParserException | DocumentException e) {
            closeSocket();
            throw new ComponentException(e);
        } catch (ComponentException e) {
            closeSocket();
            throw e;
        }
        Thread thread = new Thread(this::readLoop, "chorus-xmpp-in");
        thread.setDaemon(true);
        thread.start();
        keepAlive = timers.scheduleWithFixedDelay(this::keepAlive, KEEP_ALIVE_MILLIS, KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * XPP3's plain parser. The factory's default, {@code MXParserCachingStrings}, interns namespace
     * names in a hash table whose index goes negative for names longer than 16 characters that start
     * with a character from U+0400 up (the hash overflows), so a namespace of 19 CJK characters in any
     * stanza threw ArrayIndexOutOfBoundsException in the middle of the stream.
     */
    static XmlPullParserFactory parserFactory() throws XmlPullParserException {
        XmlPullParserFactory factory = XmlPullParserFactory.newInstance(MXParser.class.getName(), null);
        factory.setNamespaceAware(true);
        return factory;
    }

    private void handshake() throws IOException, XmlPullParserException, DocumentException, ComponentException {
        writeRaw("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + OutboundXml.escapeAttribute(domain) + "'>");
        XmlPullParser xpp = reader.getXPPParser();
        for (int event = xpp.getEventType(); event != XmlPullParser.START_TAG; ) {
            event = xpp.next();
        }
        String streamId = xpp.getAttributeValue("", "id");
        if (streamId == null) {
            throw new ComponentException("the server's stream header has no id");
        }
        writeRaw("<handshake>" + sha1Hex(streamId + secret) + "</handshake>");
        Element answer = reader.parseDocument().getRootElement();
        if (answer == null) {
            throw new ComponentException("the server closed the stream during the handshake");
        }
        if ("error".equals(answer.getName())) {
            throw new ComponentException(new StreamError(answer));
        }
        if (!"handshake".equals(answer.getName())) {
            throw new ComponentException("unexpected <" + answer.getName() + "> in answer to the handshake");
        }
    }

    /** Writes the stanza whole, or not at all when it cannot be written as XML. */
    void send(Packet packet) {
        if (closed.get()) {
            return;
        }
        String xml;
        try {
            xml = OutboundXml.serialize(packet.getElement());
        } catch (RuntimeException | StackOverflowError e) {
            log.warn("Could not write a {} to {} as XML; dropped it ({})", packet.getElement().getName(), packet.getTo(), e.toString());
            return;
        }
        try {
            writeRaw(xml);
        } catch (IOException e) {
            streamEnded("writing failed: " + e.getMessage());
        }
    }

    /** Closes the stream on purpose ({@code </stream:stream>}, then the socket). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            stopKeepAlive();
            try {
                writeRaw("</stream:stream>");
            } catch (IOException | RuntimeException e) {
                // the socket is going away anyway
            }
            closeSocket();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    // --- reading ---

    private void readLoop() {
        String why = "the server closed the stream";
        try {
            while (!closed.get()) {
                Element element = reader.parseDocument().getRootElement();
                if (element == null) {
                    break;
                }
                if ("error".equals(element.getName())) {
                    why = "stream error from the server: " + describe(element);
                    break;
                }
                deliver(element);
            }
        } catch (IOException | XmlPullParserException | DocumentException | RuntimeException e) {
            why = "reading failed: " + e;
        }
        streamEnded(why);
    }

    /** One stanza: never lets a failure out, so the next stanza is read as usual. */
    private void deliver(Element element) {
        try {
            InboundStanza.Result in = InboundStanza.read(element);
            if (in.packet() != null) {
                callbacks.packet(this, in.packet());
            } else if (in.answer() != null) {
                send(in.answer());
            } else {
                log.debug("Ignored an unreadable <{}> from the server: {}", element.getName(), in.reason());
            }
        } catch (RuntimeException | StackOverflowError e) {
            log.warn("Dropped a <{}> that could not be handled: {}", element.getName(), e.toString());
        }
    }

    private void streamEnded(String why) {
        if (closed.compareAndSet(false, true)) {
            stopKeepAlive();
            closeSocket();
            callbacks.lost(this, why);
        }
    }

    // --- writing ---

    private void writeRaw(String xml) throws IOException {
        synchronized (writeLock) {
            writer.write(xml);
            writer.flush();
            lastWrite = System.nanoTime();
        }
    }

    private void keepAlive() {
        if (closed.get() || System.nanoTime() - lastWrite < TimeUnit.MILLISECONDS.toNanos(KEEP_ALIVE_MILLIS)) {
            return;
        }
        try {
            writeRaw(" ");
        } catch (IOException e) {
            streamEnded("keep-alive failed: " + e.getMessage());
        }
    }

    private void stopKeepAlive() {
        ScheduledFuture<?> k = keepAlive;
        if (k != null) {
            k.cancel(false);
        }
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    private static String describe(Element streamError) {
        try {
            StreamError.Condition condition = new StreamError(streamError).getCondition();
            return condition == null ? "undefined-condition" : condition.toXMPP();
        } catch (RuntimeException e) {
            return "unreadable";
        }
    }

    private static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
