package org.chorus.component;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.dom4j.Element;
import org.dom4j.io.XMLWriter;

/**
 * A stanza as the text that goes on the stream. It is written out whole before any of it is sent, so
 * a failure half-way never leaves a broken element on the wire, and any character XML 1.0 does not
 * allow (a lone surrogate, say, from text cut in the middle of a pair) becomes U+FFFD: one bad
 * character would otherwise make the server end the whole stream as not well-formed.
 */
final class OutboundXml {
    private static final char REPLACEMENT = '\uFFFD';

    private OutboundXml() {}

    static String serialize(Element element) {
        StringWriter out = new StringWriter(256);
        try {
            XMLWriter writer = new XMLWriter(out);
            writer.write(element);
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return onlyXmlCharacters(out.toString());
    }

    /** The text with every character outside XML 1.0's Char production replaced by U+FFFD. */
    static String onlyXmlCharacters(String s) {
        StringBuilder fixed = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean ok;
            int width = 1;
            if (Character.isHighSurrogate(c)) {
                ok = i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
                width = ok ? 2 : 1;
            } else {
                ok = c >= 0x20 ? !Character.isLowSurrogate(c) && c != 0xFFFE && c != 0xFFFF : c == 0x9 || c == 0xA || c == 0xD;
            }
            if (!ok && fixed == null) {
                fixed = new StringBuilder(n).append(s, 0, i);
            }
            if (fixed != null) {
                if (ok) {
                    fixed.append(s, i, i + width);
                } else {
                    fixed.append(REPLACEMENT);
                }
            }
            i += width - 1;
        }
        return fixed == null ? s : fixed.toString();
    }

    static String escapeAttribute(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;").replace("\"", "&quot;");
    }
}
