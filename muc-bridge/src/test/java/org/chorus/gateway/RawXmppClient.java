package org.chorus.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A bare XMPP client (plain TCP, SASL PLAIN, resource binding) that writes exactly the bytes it is
 * given, so that tests can send stanzas no library would build. Answers to IQs it sent are matched by
 * id; IQ requests addressed to it are answered with an empty result, so the gateway never waits on it.
 */
final class RawXmppClient implements AutoCloseable {
    /** What came back for an IQ: its type and, for an error, the defined condition. */
    record Reply(String type, String from, String condition, String text) {
        boolean isError() {
            return "error".equals(type);
        }
    }

    private static final String STREAM_HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0' to='%s'>";
    private static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    private static final AtomicLong IDS = new AtomicLong();

    private final Socket socket;
    private final OutputStream out;
    private final String jid;
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestsAnswered = new AtomicLong();
    private final Thread reader;
    private volatile boolean open = true;
    private volatile String closeReason = "";

    private RawXmppClient(Socket socket, String jid, XMLStreamReader xml) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.jid = jid;
        this.reader = new Thread(() -> readLoop(xml), "raw-xmpp-" + jid);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static RawXmppClient connect(String host, int port, String domain, String user, String password, String resource) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(0);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            XMLInputFactory factory = XMLInputFactory.newFactory();
            factory.setProperty(XMLInputFactory.IS_COALESCING, true);
            factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);

            write(out, STREAM_HEADER.formatted(domain));
            XMLStreamReader xml = factory.createXMLStreamReader(in, "UTF-8");
            skipTo(xml, "features");
            String auth = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            write(out, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + auth + "</auth>");
            String outcome = nextElement(xml);
            if (!"success".equals(outcome)) {
                throw new IOException("SASL PLAIN for " + user + " ended with " + outcome);
            }
            write(out, STREAM_HEADER.formatted(domain));
            xml = factory.createXMLStreamReader(in, "UTF-8");
            skipTo(xml, "features");
            write(out, "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
                    + resource + "</resource></bind></iq>");
            String bound = null;
            while (bound == null) {
                xml.next();
                if (xml.isStartElement() && "jid".equals(xml.getLocalName())) {
                    bound = xml.getElementText();
                }
            }
            while (!(xml.isEndElement() && "iq".equals(xml.getLocalName()))) {
                xml.next(); // to the end of the bind result
            }
            RawXmppClient client = new RawXmppClient(socket, bound, xml);
            client.send("<presence/>");
            return client;
        } catch (IOException | XMLStreamException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to release
            }
            throw new IllegalStateException("Cannot log in as " + user + "@" + domain + ": " + e, e);
        }
    }

    String jid() {
        return jid;
    }

    boolean isOpen() {
        return open && !socket.isClosed();
    }

    String closeReason() {
        return closeReason;
    }

    /** Fresh id, unique in this JVM. */
    static String newId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    /** Sends an IQ (whose id attribute must be {@code id}) and returns a future for its answer. */
    CompletableFuture<Reply> request(String id, String xml) {
        CompletableFuture<Reply> future = new CompletableFuture<>();
        pending.put(id, future);
        try {
            send(xml);
        } catch (IllegalStateException e) {
            pending.remove(id);
            future.completeExceptionally(e);
        }
        return future;
    }

    Reply requestAndWait(String id, String xml, Duration timeout) {
        try {
            return request(id, xml).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("No answer to " + id + " within " + timeout + ": " + e, e);
        }
    }

    /** Forgets an outstanding request (e.g. one that timed out). */
    void forget(String id) {
        pending.remove(id);
    }

    void send(String xml) {
        sendBytes(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes as they are, valid XML or not. */
    synchronized void sendBytes(byte[] bytes) {
        if (!isOpen()) {
            throw new IllegalStateException("stream closed: " + closeReason);
        }
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            open = false;
            throw new IllegalStateException("write failed: " + e, e);
        }
    }

    long requestsAnswered() {
        return requestsAnswered.get();
    }

    @Override
    public void close() {
        if (isOpen()) {
            try {
                sendBytes("</stream:stream>".getBytes(StandardCharsets.UTF_8));
            } catch (IllegalStateException ignored) {
                // already gone
            }
        }
        open = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release
        }
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- reading ---

    private void readLoop(XMLStreamReader xml) {
        try {
            int depth = 1; // inside <stream:stream>
            while (open) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    if (depth == 1) {
                        readStanza(xml);
                    } else {
                        depth++;
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                    if (depth == 0) {
                        closeReason = closeReason.isEmpty() ? "the server closed the stream" : closeReason;
                        break;
                    }
                } else if (event == XMLStreamConstants.END_DOCUMENT) {
                    break;
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            if (open && closeReason.isEmpty()) {
                closeReason = "read failed: " + e;
            }
        } finally {
            open = false;
            IllegalStateException gone = new IllegalStateException("stream closed: " + closeReason);
            pending.values().forEach(f -> f.completeExceptionally(gone));
            pending.clear();
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to release
            }
        }
    }

    /** At a stanza's start tag: reads it whole and dispatches it. */
    private void readStanza(XMLStreamReader xml) throws XMLStreamException {
        String name = xml.getLocalName();
        String type = xml.getAttributeValue(null, "type");
        String id = xml.getAttributeValue(null, "id");
        String from = xml.getAttributeValue(null, "from");
        String condition = null;
        String text = null;
        boolean streamError = "error".equals(name);
        int depth = 1;
        boolean inError = false;
        while (depth > 0) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
                if (depth == 2 && "error".equals(xml.getLocalName())) {
                    inError = true;
                } else if ((inError && depth == 3) || (streamError && depth == 2)) {
                    if ("text".equals(xml.getLocalName())) {
                        text = xml.getElementText();
                        depth--;
                    } else if (condition == null && (STANZAS.equals(xml.getNamespaceURI()) || streamError)) {
                        condition = xml.getLocalName();
                    }
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        if (streamError) {
            closeReason = "stream error " + condition + (text == null ? "" : " (" + text + ")");
            return;
        }
        if (!"iq".equals(name) || id == null) {
            return;
        }
        if ("get".equals(type) || "set".equals(type)) {
            requestsAnswered.incrementAndGet();
            try {
                send("<iq type='result' id='" + escape(id) + "'" + (from == null ? "" : " to='" + escape(from) + "'") + "/>");
            } catch (IllegalStateException ignored) {
                // the stream is going away
            }
            return;
        }
        CompletableFuture<Reply> future = pending.remove(id);
        if (future != null) {
            future.complete(new Reply(type, from, condition, text));
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Skips past the next element named {@code name}. */
    private static void skipTo(XMLStreamReader xml, String name) throws XMLStreamException {
        while (true) {
            if (xml.next() == XMLStreamConstants.START_ELEMENT && name.equals(xml.getLocalName())) {
                skipElement(xml);
                return;
            }
        }
    }

    private static void skipElement(XMLStreamReader xml) throws XMLStreamException {
        int depth = 1;
        while (depth > 0) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** The name of the next element, read whole. */
    private static String nextElement(XMLStreamReader xml) throws XMLStreamException {
        while (true) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String name = xml.getLocalName();
                skipElement(xml);
                return name;
            }
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '\'' -> b.append("&apos;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
