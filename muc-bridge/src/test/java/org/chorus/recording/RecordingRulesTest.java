package org.chorus.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.junit.jupiter.api.Test;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;

/** The small rules of recording on the gateway: legal state changes, valid requests, the wire form. */
class RecordingRulesTest {

    @Test
    void aRecordingMovesThroughItsStatesAndOffIsFinal() {
        assertThat(RecordingState.STARTING.canMoveTo(RecordingState.ON)).isTrue();
        assertThat(RecordingState.STARTING.canMoveTo(RecordingState.STARTING)).as("a retry starts again").isTrue();
        assertThat(RecordingState.ON.canMoveTo(RecordingState.STARTING)).as("moved to another recorder").isTrue();
        assertThat(RecordingState.STOPPING.canMoveTo(RecordingState.ON)).isFalse();
        assertThat(RecordingState.STOPPING.canMoveTo(RecordingState.OFF)).isTrue();
        for (RecordingState s : RecordingState.values()) {
            assertThat(RecordingState.OFF.canMoveTo(s)).isFalse();
        }
        assertThat(RecordingState.STARTING.jibriStatus()).isEqualTo("pending");
        assertThat(RecordingState.STOPPING.jibriStatus()).isEqualTo("on");
    }

    @Test
    void requestsAreValidatedAndAStreamIsAlwaysTheGrid() {
        JID owner = new JID("alice@example.org");
        assertThat(new RecordingRequest("FILE", "Tracks", null, owner).mode()).isEqualTo("file");
        RecordingRequest stream = new RecordingRequest("stream", "tracks", "rtmp://live.example.org/app/key", owner);
        assertThat(stream.layout()).isEqualTo("grid");
        assertThat(stream.toString()).doesNotContain("key").contains("(hidden)");
        assertThatThrownBy(() -> new RecordingRequest("tape", "tracks", null, owner)).hasMessageContaining("recording_mode");
        assertThatThrownBy(() -> new RecordingRequest("file", "mosaic", null, owner)).hasMessageContaining("recording_layout");
        assertThatThrownBy(() -> new RecordingRequest("stream", "grid", "http://example.org/", owner))
                .hasMessageContaining("stream_url");
        assertThatThrownBy(() -> new RecordingRequest("stream", "grid", null, owner)).hasMessageContaining("stream_url");
    }

    @Test
    void theStartRequestCarriesJibrisAttributesAndChorusAppData() {
        JID conference = new JID("team@av.example.org");
        IQ start = JibriIq.start(conference, new JID("rec@example.org/r1"), "s-1", new JID("team@conference.example.org"),
                conference, "call-1", new RecordingRequest("stream", "grid", "rtmp://x.example.org/live/k", null), 2);
        Element jibri = start.getChildElement();
        assertThat(jibri.getNamespaceURI()).isEqualTo(Namespaces.JIBRI);
        assertThat(jibri.attributeValue("action")).isEqualTo("start");
        assertThat(jibri.attributeValue("recording_mode")).isEqualTo("stream");
        assertThat(jibri.attributeValue("streamid")).isEqualTo("rtmp://x.example.org/live/k");
        assertThat(jibri.attributeValue("session_id")).isEqualTo("s-1");
        assertThat(jibri.attributeValue("room")).isEqualTo("team@conference.example.org");
        assertThat(jibri.attributeValue("app_data")).isEqualTo("{\"file_recording_metadata\":{\"room\":\"team@conference.example.org\"},"
                + "\"chorus\":{\"conference\":\"team@av.example.org\",\"call_id\":\"call-1\",\"layout\":\"grid\",\"attempt\":2}}");
        Element status = JibriIq.recordingStatus("on", "file", "s-1", new JID("alice@example.org/phone"));
        assertThat(status.attributeValue("initiator")).isEqualTo("alice@example.org");
        assertThat(status.getName()).isEqualTo("jibri-recording-status");
    }

    @Test
    void theBreweryTakesOnlyTrustedRecordersAndHearsThemLeave() {
        RecorderPool pool = new RecorderPool();
        java.util.List<JID> gone = new java.util.ArrayList<>();
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            java.util.List<org.xmpp.packet.Packet> sent = new java.util.ArrayList<>();
            Brewery brewery = new Brewery(new JID("brewery@conference.example.org"), "Call",
                    new JID(null, "av.example.org", "brewery"), sent::add, exists(), pool, gone::add, timer,
                    java.time.Duration.ofMinutes(1), java.util.Set.of("recorders.example.org"));
            brewery.join();
            assertThat(sent).as("the join, once the room is known to exist").hasSize(1);
            brewery.onPresence(recorderPresence("r1", "rec-1@recorders.example.org/r", null));
            brewery.onPresence(recorderPresence("intruder", "mallory@example.org/x", null));
            assertThat(pool.all()).extracting(r -> r.realJid().toBareJID()).containsExactly("rec-1@recorders.example.org");
            assertThat(brewery.onPresence(recorderPresence("r1", "rec-1@recorders.example.org/r",
                    org.xmpp.packet.Presence.Type.unavailable))).isTrue();
            assertThat(pool.all()).isEmpty();
            assertThat(gone).containsExactly(new JID("rec-1@recorders.example.org/r"));
            assertThat(brewery.onPresence(recorderPresence("r1", "rec-1@recorders.example.org/r", null)
                    .createCopy())).isTrue();
            org.xmpp.packet.Presence elsewhere = recorderPresence("r1", "rec-1@recorders.example.org/r", null);
            elsewhere.setFrom(new JID("team@conference.example.org/r1"));
            assertThat(brewery.onPresence(elsewhere)).as("another room's presence").isFalse();
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void theGatewayNeverCreatesTheBrewery() {
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            java.util.List<org.xmpp.packet.Packet> sent = new java.util.ArrayList<>();
            Brewery missing = new Brewery(new JID("brewery@conference.example.org"), "Call",
                    new JID(null, "av.example.org", "brewery"), sent::add,
                    iq -> java.util.concurrent.CompletableFuture.completedFuture(
                            org.chorus.xmpp.Stanzas.error(iq, org.xmpp.packet.PacketError.Condition.item_not_found, "no room")),
                    new RecorderPool(), j -> { }, timer, java.time.Duration.ofMinutes(1),
                    java.util.Set.of("recorders.example.org"));
            missing.join();
            assertThat(sent).as("nothing is sent to a room that does not exist").isEmpty();
            assertThat(missing.state()).isEqualTo(Brewery.State.WAITING);

            Brewery created = new Brewery(new JID("brewery@conference.example.org"), "Call",
                    new JID(null, "av.example.org", "brewery"), sent::add, exists(), new RecorderPool(), j -> { },
                    timer, java.time.Duration.ofMinutes(1), java.util.Set.of("recorders.example.org"));
            created.join();
            org.xmpp.packet.Presence self = new org.xmpp.packet.Presence();
            self.setFrom(new JID("brewery@conference.example.org/Call"));
            Element x = self.addChildElement("x", Namespaces.MUC_USER);
            x.addElement("item").addAttribute("affiliation", "owner").addAttribute("role", "moderator");
            x.addElement("status").addAttribute("code", "110");
            x.addElement("status").addAttribute("code", "201");
            created.onPresence(self);
            assertThat(sent).hasSize(2);
            assertThat(((org.xmpp.packet.Presence) sent.get(1)).getType()).as("a room our join created is left at once")
                    .isEqualTo(org.xmpp.packet.Presence.Type.unavailable);
            assertThat(created.state()).isEqualTo(Brewery.State.WAITING);
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void streamsGoOnlyToPublicOrListedHosts() throws Exception {
        java.util.concurrent.ScheduledExecutorService signalling = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            streamsGoOnlyToPublicOrListedHosts(signalling);
        } finally {
            signalling.shutdownNow();
        }
    }

    private static void streamsGoOnlyToPublicOrListedHosts(java.util.concurrent.ScheduledExecutorService signalling)
            throws Exception {
        java.util.Map<String, String> dns = java.util.Map.of("live.example.com", "203.0.113.7",
                "sneaky.example.com", "127.0.0.1", "inside.example.com", "10.0.0.8");
        try (StreamHosts any = new StreamHosts(java.util.List.of(), lookups(signalling, host -> {
                    String a = dns.get(host);
                    if (a == null) {
                        return java.net.InetAddress.getAllByName(host); // literals only: nothing is looked up
                    }
                    return new java.net.InetAddress[] {java.net.InetAddress.getByName(a)};
                }));
                StreamHosts listed = new StreamHosts(java.util.List.of("127.0.0.1", "Live.Example.com"), lookups(signalling, host -> {
                    throw new AssertionError("a listed host is not looked up");
                }))) {
            for (String url : java.util.List.of("rtmp://live.example.com/app/key", "rtmps://8.8.8.8:443/app/key",
                    "rtmp://[2001:4860:4860::8888]/app/key")) {
                assertThat(refusal(any, url)).as(url).isEmpty();
            }
            for (String url : java.util.List.of("rtmp://sneaky.example.com/a", "rtmp://inside.example.com/a",
                    "rtmp://127.0.0.1/a", "rtmp://0.0.0.0/a", "rtmp://[::1]/a", "rtmp://[fd00::1]/a", "rtmp://100.64.0.1/a",
                    "rtmp://172.16.5.5/a", "rtmp://192.168.0.1/a", "rtmp://169.254.169.254/a", "rtmp://[fe80::1]/a",
                    "rtmp://255.255.255.255/a", "rtmp://[::ffff:127.0.0.1]/a", "rtmp:///nohost")) {
                RecordingManager.Refusal refused = refusal(any, url).orElseThrow(() -> new AssertionError(url + " passed"));
                assertThat(refused.condition()).as(url).isEqualTo(org.xmpp.packet.PacketError.Condition.bad_request);
                assertThat(refused.text()).as(url).contains("stream_url");
            }
            assertThat(refusal(listed, "rtmp://127.0.0.1:1935/live/x")).isEmpty();
            assertThat(refusal(listed, "rtmp://live.example.com/live/x")).isEmpty();
            assertThat(refusal(listed, "rtmp://8.8.8.8/a").orElseThrow().text()).contains("chorus.recording.stream-hosts");
        }
    }

    private static HostLookups lookups(java.util.concurrent.ScheduledExecutorService signalling,
            HostLookups.Resolver resolver) {
        return new HostLookups(resolver, signalling, 1, 16, java.time.Duration.ofSeconds(30));
    }

    private static java.util.Optional<RecordingManager.Refusal> refusal(StreamHosts hosts, String url) throws Exception {
        return hosts.check(url).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static Brewery.Requests exists() {
        return iq -> java.util.concurrent.CompletableFuture.completedFuture(org.xmpp.packet.IQ.createResultIQ(iq));
    }

    private static org.xmpp.packet.Presence recorderPresence(String nick, String realJid, org.xmpp.packet.Presence.Type type) {
        org.xmpp.packet.Presence p = new org.xmpp.packet.Presence(type);
        p.setFrom(new JID("brewery@conference.example.org/" + nick));
        p.setTo(new JID(null, "av.example.org", "brewery"));
        p.addChildElement("x", Namespaces.MUC_USER).addElement("item").addAttribute("jid", realJid)
                .addAttribute("affiliation", "member").addAttribute("role", "participant");
        if (type == null) {
            Element status = p.addChildElement("jibri-status", Namespaces.JIBRI);
            status.addElement("busy-status", Namespaces.JIBRI).addAttribute("status", "idle");
            status.addElement("health-status", Namespaces.HEALTH).addAttribute("status", "healthy");
        }
        return p;
    }

    @Test
    void thePoolPicksHealthyIdleRecordersItHasNotTried() {
        RecorderPool pool = new RecorderPool();
        JID a = new JID("rec-a@example.org/r");
        JID b = new JID("rec-b@example.org/r");
        pool.update(new Recorder(new JID("brewery@conference.example.org/a"), a, false, true));
        pool.update(new Recorder(new JID("brewery@conference.example.org/b"), b, true, true));
        pool.update(new Recorder(new JID("brewery@conference.example.org/c"), new JID("rec-c@example.org/r"), true, false));
        pool.update(new Recorder(new JID("brewery@conference.example.org/d"), null, true, true));
        assertThat(pool.pick(java.util.Set.of())).map(Recorder::realJid).contains(b);
        assertThat(pool.pick(java.util.Set.of(b))).isEmpty();
        pool.update(new Recorder(new JID("brewery@conference.example.org/a"), a, true, true));
        assertThat(pool.pick(java.util.Set.of(b))).map(Recorder::realJid).contains(a);
        assertThat(pool.remove(new JID("brewery@conference.example.org/a"))).isNotNull();
        assertThat(pool.pick(java.util.Set.of(b))).isEmpty();
    }
}
