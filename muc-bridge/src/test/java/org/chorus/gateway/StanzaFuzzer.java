package org.chorus.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Mutated stanzas for the gateway, each one a pure function of (seed, case number), so any case can be
 * made again on its own: Jingle of every action, ad-hoc commands, Jibri IQs, disco, ping, version,
 * and malformed or oversize variants of all of them.
 */
final class StanzaFuzzer {
    /** Who sends a case: a member in the room, a member who is not in it, or an account with no affiliation. */
    enum Sender { MEMBER_IN_ROOM, MEMBER_OUTSIDE, STRANGER }

    /** One case. {@code wire} is null unless the case is bytes that are not well-formed XML. */
    record Case(long number, Sender sender, String id, boolean expectsAnswer, String xml, byte[] wire) {
        byte[] bytes() {
            return wire != null ? wire : xml.getBytes(StandardCharsets.UTF_8);
        }

        String summary(int max) {
            String text = wire != null ? new String(wire, StandardCharsets.UTF_8) : xml;
            return text.length() <= max ? text : text.substring(0, max) + "...(" + text.length() + " chars)";
        }
    }

    static final List<String> JINGLE_ACTIONS = List.of("session-initiate", "session-accept", "session-info",
            "session-terminate", "content-add", "content-accept", "content-modify", "content-reject", "content-remove",
            "description-info", "security-info", "transport-info", "transport-accept", "transport-reject",
            "transport-replace", "source-add", "source-remove");
    private static final String[] ODD = {
        "", " ", "\uD83D\uDE00", "\uD83C\uDFA5 rec", "\uD840\uDC00\uD840\uDC01", "\u0085\u009F\u007F", "\t\n\r",
        "\uD800", "\uDC00x", "-1", "0", "4294967296", "9223372036854775808", "NaN", "0x7f", "../../x", "..",
        "<&>'\"", "\uFFFD", "\u200B\u202E", "a@b/c", "@", "/", "\\40", "chorus:record", "file", "stream"};
    private static final String[] PAYLOAD_NAMES = {"opus", "VP8", "VP9", "H264", "rtx", "red", "ulpfec", "PCMU", "x"};
    private static final String[] FB_TYPES = {"nack", "ccm", "goog-remb", "transport-cc", "x"};
    private static final String[] MEDIA = {"audio", "video", "application", ""};

    private final long seed;
    private final String av;
    private final String mucDomain;
    private final String room;

    StanzaFuzzer(long seed, String av, String mucDomain, String room) {
        this.seed = seed;
        this.av = av;
        this.mucDomain = mucDomain;
        this.room = room;
    }

    Case make(long number) {
        SplittableRandom r = new SplittableRandom(seed ^ (number * 0x9E3779B97F4A7C15L));
        Sender sender = Sender.values()[r.nextInt(Sender.values().length)];
        String id = "fz-" + seed + "-" + number;
        if (r.nextInt(400) == 0) {
            return new Case(number, sender, id, false, null, malformedWire(r, id));
        }
        int family = r.nextInt(100);
        El child;
        String type = r.nextBoolean() ? "set" : "get";
        if (family < 40) {
            child = jingle(r);
            type = "set";
        } else if (family < 55) {
            child = command(r);
            type = "set";
        } else if (family < 67) {
            child = jibri(r);
            type = "set";
        } else if (family < 77) {
            child = new El("query").attr("xmlns", r.nextBoolean() ? "http://jabber.org/protocol/disco#info"
                    : "http://jabber.org/protocol/disco#items");
            if (r.nextInt(3) == 0) {
                child.attr("node", r.nextBoolean() ? "http://jabber.org/protocol/commands" : odd(r));
            }
            type = "get";
        } else if (family < 84) {
            child = new El("ping").attr("xmlns", "urn:xmpp:ping");
            type = "get";
        } else if (family < 90) {
            child = new El("query").attr("xmlns", "jabber:iq:version");
            type = "get";
        } else {
            child = new El(pick(r, "query", "x", "jingle", "jibri", "command")).attr("xmlns", pick(r,
                    "urn:example:unknown", "urn:xmpp:jingle:1", "", "jabber:client", odd(r)));
        }
        El iq = new El("iq").attr("type", type).attr("id", id).attr("to", to(r));
        iq.add(child);
        int mutations = r.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(r, iq, child);
        }
        if (r.nextInt(20) == 0) {
            iq.attr("type", pick(r, "result", "error", "bogus", "", "GET"));
        }
        if (r.nextInt(40) == 0) {
            iq.add(new El("extra").attr("xmlns", "urn:example:second"));
        }
        if (r.nextInt(50) == 0) {
            iq.children.clear();
        }
        String finalType = iq.attrs.get("type");
        boolean request = "get".equals(finalType) || "set".equals(finalType);
        if (r.nextInt(60) == 0) {
            El other = new El(r.nextBoolean() ? "message" : "presence").attr("to", to(r)).attr("id", id);
            other.children.addAll(iq.children);
            return new Case(number, sender, id, false, other.xml(), null);
        }
        return new Case(number, sender, id, request, iq.xml(), null);
    }

    // --- families ---

    private El jingle(SplittableRandom r) {
        String action = r.nextInt(30) == 0 ? odd(r) : JINGLE_ACTIONS.get(r.nextInt(JINGLE_ACTIONS.size()));
        El j = new El("jingle").attr("xmlns", "urn:xmpp:jingle:1").attr("action", action).attr("sid", sid(r));
        if (r.nextBoolean()) {
            j.attr(r.nextBoolean() ? "initiator" : "responder", jid(r));
        }
        int contents = r.nextInt(8) == 0 ? r.nextInt(20) : r.nextInt(3);
        for (int i = 0; i < contents; i++) {
            j.add(content(r));
        }
        if (r.nextInt(4) == 0) {
            El group = new El("group").attr("xmlns", "urn:xmpp:jingle:apps:grouping:0").attr("semantics", "BUNDLE");
            for (int i = r.nextInt(4); i > 0; i--) {
                group.add(new El("content").attr("name", String.valueOf(r.nextInt(5))));
            }
            j.add(group);
        }
        if (action.equals("session-terminate") || r.nextInt(10) == 0) {
            j.add(new El("reason").add(new El(pick(r, "success", "decline", "gone", "bogus"))));
        }
        if (action.equals("session-info") && r.nextBoolean()) {
            j.add(new El(pick(r, "mute", "unmute", "active", "ringing")).attr("xmlns", "urn:xmpp:jingle:apps:rtp:info:1"));
        }
        return j;
    }

    private El content(SplittableRandom r) {
        El c = new El("content").attr("creator", pick(r, "initiator", "responder", "x"))
                .attr("name", r.nextInt(5) == 0 ? odd(r) : String.valueOf(r.nextInt(4)))
                .attr("senders", pick(r, "both", "initiator", "responder", "none", "x"));
        if (r.nextInt(6) != 0) {
            El d = new El("description").attr("xmlns", "urn:xmpp:jingle:apps:rtp:1").attr("media", pick(r, MEDIA));
            int pts = r.nextInt(10) == 0 ? r.nextInt(64) : 1 + r.nextInt(3);
            for (int i = 0; i < pts; i++) {
                El pt = new El("payload-type").attr("id", String.valueOf(r.nextInt(10) == 0 ? r.nextInt() : 96 + r.nextInt(32)))
                        .attr("name", pick(r, PAYLOAD_NAMES)).attr("clockrate", pick(r, "48000", "90000", "0", "-5", "x"));
                int fbs = r.nextInt(10) == 0 ? r.nextInt(100) : r.nextInt(3);
                for (int k = 0; k < fbs; k++) {
                    pt.add(new El("rtcp-fb").attr("xmlns", "urn:xmpp:jingle:apps:rtp:rtcp-fb:0").attr("type", pick(r, FB_TYPES)));
                }
                if (r.nextInt(4) == 0) {
                    pt.add(new El("parameter").attr("name", pick(r, "apt", "minptime", "useinbandfec")).attr("value", pick(r, "96", "10", "1", "x")));
                }
                d.add(pt);
            }
            int sources = r.nextInt(10) == 0 ? r.nextInt(300) : r.nextInt(3);
            for (int i = 0; i < sources; i++) {
                d.add(new El("source").attr("xmlns", "urn:xmpp:jingle:apps:rtp:ssma:0")
                        .attr("ssrc", r.nextInt(8) == 0 ? odd(r) : Long.toString(r.nextLong(0, 1L << 32)))
                        .add(new El("parameter").attr("name", "msid").attr("value", "m" + r.nextInt(9) + " t" + r.nextInt(9))));
            }
            if (r.nextInt(5) == 0) {
                El g = new El("ssrc-group").attr("xmlns", "urn:xmpp:jingle:apps:rtp:ssma:0").attr("semantics", pick(r, "FID", "SIM", "x"));
                for (int i = r.nextInt(4); i > 0; i--) {
                    g.add(new El("source").attr("ssrc", Long.toString(r.nextLong(0, 1L << 32))));
                }
                d.add(g);
            }
            if (r.nextInt(5) == 0) {
                d.add(new El("rtp-hdrext").attr("xmlns", "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0")
                        .attr("id", String.valueOf(r.nextInt(300) - 20)).attr("uri", odd(r)));
            }
            c.add(d);
        }
        if (r.nextInt(6) != 0) {
            El t = new El("transport").attr("xmlns", "urn:xmpp:jingle:transports:ice-udp:1")
                    .attr("ufrag", r.nextInt(5) == 0 ? odd(r) : "u" + r.nextInt(1 << 20))
                    .attr("pwd", r.nextInt(5) == 0 ? odd(r) : "p" + Long.toHexString(r.nextLong()) + "0123456789");
            if (r.nextInt(3) != 0) {
                t.add(new El("fingerprint").attr("xmlns", "urn:xmpp:jingle:apps:dtls:0").attr("hash", pick(r, "sha-256", "md5", "x"))
                        .attr("setup", pick(r, "actpass", "active", "passive", "x")).text(fingerprint(r)));
            }
            int candidates = r.nextInt(10) == 0 ? r.nextInt(200) : r.nextInt(3);
            for (int i = 0; i < candidates; i++) {
                t.add(new El("candidate").attr("component", String.valueOf(r.nextInt(3)))
                        .attr("foundation", String.valueOf(r.nextInt(10))).attr("generation", "0").attr("id", "c" + i)
                        .attr("ip", pick(r, "127.0.0.1", "10.0.0.1", "::1", "256.1.1.1", "x", odd(r)))
                        .attr("port", String.valueOf(r.nextInt(10) == 0 ? r.nextInt() : r.nextInt(65536)))
                        .attr("priority", String.valueOf(r.nextLong())).attr("protocol", pick(r, "udp", "tcp", "x"))
                        .attr("type", pick(r, "host", "srflx", "relay", "x")));
            }
            c.add(t);
        }
        return c;
    }

    private El command(SplittableRandom r) {
        El c = new El("command").attr("xmlns", "http://jabber.org/protocol/commands")
                .attr("node", r.nextInt(3) == 0 ? pick(r, "chorus:stop-recording", "chorus:unknown", "", odd(r)) : "chorus:record");
        if (r.nextInt(4) != 0) {
            c.attr("action", pick(r, "execute", "next", "complete", "cancel", "prev", "bogus"));
        }
        if (r.nextBoolean()) {
            c.attr("sessionid", r.nextBoolean() ? "s" + r.nextInt(100) : odd(r));
        }
        if (r.nextBoolean()) {
            El x = new El("x").attr("xmlns", "jabber:x:data").attr("type", pick(r, "submit", "form", "cancel", "x"));
            x.add(field("FORM_TYPE", pick(r, "urn:xmpp:jingle:av-conferences:0#record", odd(r))));
            x.add(field(pick(r, "mode", "recording_mode"), pick(r, "file", "stream", "x", odd(r))));
            if (r.nextBoolean()) {
                x.add(field(pick(r, "stream_url", "url"), pick(r, "rtmp://127.0.0.1/live/x", "rtmp://10.0.0.1/a",
                        "rtmp://example.org/live", "file:///etc/passwd", odd(r))));
            }
            for (int i = r.nextInt(10) == 0 ? r.nextInt(500) : 0; i > 0; i--) {
                x.add(field("f" + i, odd(r)));
            }
            c.add(x);
        }
        return c;
    }

    private static El field(String var, String value) {
        return new El("field").attr("var", var).add(new El("value").text(value));
    }

    private El jibri(SplittableRandom r) {
        El j = new El("jibri").attr("xmlns", "http://jitsi.org/protocol/jibri")
                .attr("action", pick(r, "start", "stop", "bogus", ""));
        if (r.nextBoolean()) {
            j.attr("recording_mode", pick(r, "file", "stream", "x"));
        }
        if (r.nextBoolean()) {
            j.attr("session_id", pick(r, "s1", "..", "../x", "a/b", odd(r)));
        }
        if (r.nextBoolean()) {
            j.attr("status", pick(r, "on", "off", "pending", "x"));
        }
        if (r.nextBoolean()) {
            j.attr("room", r.nextBoolean() ? room + "@" + mucDomain : jid(r));
        }
        if (r.nextBoolean()) {
            j.attr("streamid", odd(r));
        }
        if (r.nextInt(3) == 0) {
            j.text(odd(r) + "\uD83D\uDE00");
        }
        return j;
    }

    // --- mutations ---

    private void mutate(SplittableRandom r, El iq, El child) {
        El target = any(r, child);
        switch (r.nextInt(9)) {
            case 0 -> { // an attribute gets an odd, huge or non-BMP value
                String name = target.attrs.isEmpty() || r.nextInt(3) == 0 ? "a" + r.nextInt(5)
                        : new ArrayList<>(target.attrs.keySet()).get(r.nextInt(target.attrs.size()));
                if (!name.startsWith("xmlns")) {
                    target.attr(name, r.nextInt(8) == 0 ? huge(r) : odd(r));
                }
            }
            case 1 -> { // an attribute goes
                if (!target.attrs.isEmpty()) {
                    String name = new ArrayList<>(target.attrs.keySet()).get(r.nextInt(target.attrs.size()));
                    if (!name.startsWith("xmlns")) {
                        target.attrs.remove(name);
                    }
                }
            }
            case 2 -> { // many children
                int n = 50 + r.nextInt(r.nextInt(10) == 0 ? 3000 : 300);
                El template = new El(target.children.isEmpty() ? "item" : target.children.get(r.nextInt(target.children.size())).name);
                template.attrs.putAll(target.children.isEmpty() ? Map.of() : target.children.get(0).attrs);
                template.attrs.replaceAll((k, v) -> v.length() > 100 ? "v" : v);
                for (int i = 0; i < n; i++) {
                    target.children.add(template);
                }
            }
            case 3 -> { // deep nesting
                int depth = r.nextInt(4) == 0 ? 200 + r.nextInt(2000) : 10 + r.nextInt(40);
                El inner = new El("n");
                El top = inner;
                for (int i = 1; i < depth; i++) {
                    El next = new El("n");
                    inner.add(next);
                    inner = next;
                }
                target.add(top);
            }
            case 4 -> target.text(odd(r) + (r.nextInt(6) == 0 ? huge(r) : "")); // odd text
            case 5 -> iq.attr("to", to(r)); // another address
            case 6 -> { // children go
                target.children.clear();
            }
            case 7 -> target.add(new El(pick(r, "x", "jingle", "content", "description", "\u00e9l\u00e9ment", "a-b.c"))
                    .attr("xmlns", pick(r, "urn:xmpp:jingle:1", "jabber:x:data", "urn:example", "")));
            default -> target.attr("xmlns:p", "urn:p").add(new El("p:q").attr("p:r", odd(r))); // prefixes
        }
    }

    private static El any(SplittableRandom r, El root) {
        El at = root;
        while (!at.children.isEmpty() && r.nextInt(3) != 0) {
            at = at.children.get(r.nextInt(at.children.size()));
        }
        return at;
    }

    // --- values ---

    private String to(SplittableRandom r) {
        int k = r.nextInt(100);
        if (k < 45) {
            return room + "@" + av;
        }
        if (k < 60) {
            return av;
        }
        if (k < 68) {
            return room + "@" + av + "/" + resource(r);
        }
        if (k < 75) {
            return av + "/" + resource(r);
        }
        if (k < 85) {
            return pick(r, "other", "nosuchroom", "team2", "a\\40b", "r" + r.nextInt(1000)) + "@" + av;
        }
        return pick(r, "room\uD83D\uDE00", "x\u00e9", "\uD840\uDC00", "UPPER", "a.b") + "@" + av;
    }

    private static String resource(SplittableRandom r) {
        return pick(r, "r", "\uD83C\uDFA5", "x y", "\u00e9", "\uD840\uDC00z", "a/b", "1");
    }

    private String jid(SplittableRandom r) {
        return pick(r, "member@localhost/r", "stranger@localhost", room + "@" + mucDomain + "/nick", av, "x@y/z",
                "\uD83D\uDE00@localhost", "", odd(r));
    }

    private static String sid(SplittableRandom r) {
        return r.nextInt(5) == 0 ? odd(r) : "sid-" + Long.toHexString(r.nextLong());
    }

    private static String fingerprint(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(5) == 0 ? r.nextInt(80) : 32;
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ":").append(String.format("%02X", r.nextInt(256)));
        }
        return b.toString();
    }

    private static String odd(SplittableRandom r) {
        if (r.nextInt(5) == 0) {
            StringBuilder b = new StringBuilder();
            for (int i = r.nextInt(1, 20); i > 0; i--) {
                int cp = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(0x20, 0x7F);
                    case 1 -> r.nextInt(0x7F, 0xA0);
                    case 2 -> r.nextInt(0x10000, 0x10FFFF);
                    default -> r.nextInt(0xA0, 0xD800);
                };
                b.appendCodePoint(cp);
            }
            return b.toString();
        }
        return ODD[r.nextInt(ODD.length)];
    }

    private static String huge(SplittableRandom r) {
        return (r.nextBoolean() ? "x" : "\uD83D\uDE00").repeat(1000 + r.nextInt(12_000));
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom r, T... options) {
        return options[r.nextInt(options.length)];
    }

    /** Bytes that are not well-formed XML: the server must end the sender's stream, and only that. */
    private static byte[] malformedWire(SplittableRandom r, String id) {
        String head = "<iq type='get' id='" + id + "' to='av.localhost'><ping xmlns='urn:xmpp:ping'>";
        byte[] middle = switch (r.nextInt(3)) {
            case 0 -> new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}; // a UTF-16 surrogate coded as UTF-8
            case 1 -> "&#xD800;".getBytes(StandardCharsets.US_ASCII);
            default -> "&#1;".getBytes(StandardCharsets.US_ASCII);
        };
        byte[] tail = "</ping></iq>".getBytes(StandardCharsets.US_ASCII);
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + middle.length + tail.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(middle, 0, out, h.length, middle.length);
        System.arraycopy(tail, 0, out, h.length + middle.length, tail.length);
        return out;
    }

    /** A small element tree, written with every attribute and text escaped. */
    static final class El {
        final String name;
        final Map<String, String> attrs = new LinkedHashMap<>();
        final List<El> children = new ArrayList<>();
        String text = "";

        El(String name) {
            this.name = name;
        }

        El attr(String key, String value) {
            attrs.put(key, value);
            return this;
        }

        El add(El child) {
            children.add(child);
            return this;
        }

        El text(String t) {
            text = t;
            return this;
        }

        String xml() {
            StringBuilder b = new StringBuilder();
            write(b, 0);
            return b.toString();
        }

        private void write(StringBuilder b, int depth) {
            if (depth > 5000) {
                return;
            }
            b.append('<').append(name);
            attrs.forEach((k, v) -> b.append(' ').append(k).append("='").append(RawXmppClient.escape(v)).append('\''));
            if (children.isEmpty() && text.isEmpty()) {
                b.append("/>");
                return;
            }
            b.append('>').append(RawXmppClient.escape(text));
            for (El c : children) {
                c.write(b, depth + 1);
            }
            b.append("</").append(name).append('>');
        }
    }
}
