package org.chorus.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chorus.gateway.GatewayMain;
import org.chorus.jingle.client.ClientMedia;
import org.chorus.media.ice.IceSettings;
import org.chorus.media.srtp.SrtpStartup;
import org.chorus.testing.ProsodyServer;
import org.chorus.testing.XmppTestClient;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Chorus under load: a real Prosody, the real gateway as its own process (its command line, with
 * the JVM options of the systemd unit), and the load generator's members as real XMPP and
 * Jingle/ICE/DTLS-SRTP clients in a members-only room.
 */
final class ChorusScenario {
    static final String ROOM = "bench";
    /** The gateway's JVM options, as in systemd/chorus-gateway.service. */
    static final List<String> GATEWAY_JVM = List.of("-Xms128m", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError");

    private ChorusScenario() {}

    /** Set when something went wrong that the logs may explain: the caller then keeps the work directory. */
    static final boolean[] keepFiles = {false};

    static Result run(BenchConfig config, Path workDir) throws Exception {
        int n = config.participants();
        List<String> notes = new ArrayList<>();
        Receipts receipts = new Receipts(n, config.senders());
        List<ChorusParticipant> participants = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> endings = new java.util.concurrent.CopyOnWriteArrayList<>();
        long[] origin = {System.nanoTime()};
        java.util.function.Consumer<String> ended = what -> endings.add(String.format("at %+.1f s: %s",
                (System.nanoTime() - origin[0]) / 1e9, what));
        ScheduledExecutorService reports = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-rtcp");
            t.setDaemon(true);
            return t;
        });
        ProsodyServer.Options options = ProsodyServer.Options.builder().mam(false).workDir(workDir.resolve("prosody")).build();
        try (ProsodyServer prosody = ProsodyServer.start(options);
                XmppTestClient owner = XmppTestClient.connectNewUser(prosody, "owner")) {
            List<XmppTestClient> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                clients.add(XmppTestClient.connectNewUser(prosody, i < config.senders() ? "sender" : "receiver"));
            }
            List<EntityBareJid> members = clients.stream().map(XmppTestClient::bareJid).toList();
            MultiUserChat room = owner.createMembersOnlyRoom(ROOM, "owner", members);

            try (ChildJvm gateway = startGateway(prosody, workDir, Math.max(25, n))) {
                awaitGatewayIn(room, gateway);
                Thread.sleep(2000);
                ProcStats.Heap heapEmpty = ProcStats.liveHeap(gateway.pid());
                java.util.Map<String, Integer> threadsEmpty = ProcStats.threadGroups(gateway.pid());
                log("gateway %s in the room; live heap %.1f MiB", gateway, heapEmpty.bytes() / 1048576.0);

                int mediaPort = mediaPort(gateway.stdout());
                // One plain socket per session port, as the relay's members have.
                ClientMedia media = ClientMedia.open(IceSettings.builder().bindAddress("127.0.0.1").port(0)
                        .allowLoopback(true).sockets(1).build());
                try {
                    Jid conference = JidCreate.bareFrom(ROOM + "@" + prosody.componentDomain());
                    for (int i = 0; i < n; i++) {
                        clients.get(i).joinRoom(ROOM, (i < config.senders() ? "s" : "r") + i);
                        participants.add(new ChorusParticipant(i, i < config.senders(), clients.get(i), media, receipts, ended));
                    }
                    reports.scheduleAtFixedRate(() -> participants.forEach(ChorusParticipant::sendReport), 1, 1,
                            TimeUnit.SECONDS);
                    long joinStart = System.nanoTime();
                    for (ChorusParticipant p : participants) {
                        p.join(conference);
                    }
                    awaitForwarding(participants, n - 1, Duration.ofSeconds(60 + 4L * n));
                    double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
                    log("%d members in the call, %d forwarding sessions secure, in %.1f s", n,
                            participants.stream().mapToInt(ChorusParticipant::secureReceivingSessions).sum(), joinSeconds);
                    gateway.requireAlive();
                    Thread.sleep(2000);
                    Measurement.Idle idle = Measurement.idle(gateway.pid(), config.idle().toMillis());
                    log("idle call: %.1f%% of a core", 100 * idle.cpuShare());

                    Traffic traffic = new Traffic(config, List.copyOf(participants.subList(0, config.senders())));
                    origin[0] = System.nanoTime() + config.warmup().toNanos(); // times relative to the window's start
                    long prosodyPid = prosody.pid().orElse(0L);
                    Measurement.Window window = Measurement.run(config, traffic, gateway.pid(), mediaPort, prosodyPid,
                            "chorus-ice-read", workDir);
                    gateway.requireAlive();
                    Thread.sleep(2000);
                    Measurement.Idle idleWarm = Measurement.idle(gateway.pid(), config.idle().toMillis());
                    log("idle call after the media: %.1f%% of a core", 100 * idleWarm.cpuShare());
                    int silent = receipts.silentPairsDuringWarmup();
                    if (silent > 0) {
                        notes.add(silent + " (receiver, sender) pairs received nothing during the warm-up");
                    }
                    ProcStats.Heap heapFull = ProcStats.liveHeap(gateway.pid());

                    reports.shutdownNow();
                    if (!endings.isEmpty()) {
                        notes.add(endings.size() + " sessions ended before the members hung up (times from the window's start):");
                        endings.stream().limit(12).forEach(e -> notes.add("  " + e));
                        gateway.stdout().lines().filter(l -> l.contains("failed") || l.contains("no media") || l.contains("consent")
                                || l.contains("ICE not connected") || l.contains("DTLS") && !l.contains("handshake done"))
                                .limit(12).forEach(l -> notes.add("  gateway: " + l));
                        keepFiles[0] = true;
                    }
                    for (ChorusParticipant p : participants) {
                        p.close();
                    }
                    participants.clear();
                    Thread.sleep(config.settle().toMillis());
                    ProcStats.Heap heapAfter = ProcStats.liveHeap(gateway.pid());
                    StringBuilder extra = new StringBuilder();
                    ProcStats.threadGroups(gateway.pid()).forEach((group, count) -> {
                        int before = threadsEmpty.getOrDefault(group, 0);
                        if (count > before) {
                            extra.append(' ').append(group).append(" x").append(count - before).append(';');
                        }
                    });
                    if (extra.length() > 0) {
                        notes.add("gateway threads " + config.settle().toSeconds()
                                + " s after everyone left, beyond those before the call:" + extra);
                    }
                    OwnDrops.Reading ownDrops = OwnDrops.read(gateway.pid()); // last: it starts JMX threads there
                    notes.add(String.format("the gateway held %d legs (ICE + DTLS-SRTP sessions): each member's own sending "
                            + "session and one forwarding session per (publisher, receiver) pair; %.1f KiB of live heap per leg",
                            config.legs(), (heapFull.bytes() - heapEmpty.bytes()) / 1024.0 / config.legs()));
                    notes.add("SRTP backend: gateway " + srtpBackend(gateway.stdout()) + ", load generator "
                            + SrtpStartup.initialize());
                    addCommonNotes(notes, receipts, window);
                    return Result.of("Chorus", config, window, idle, idleWarm, joinSeconds, receipts, heapEmpty, heapFull, heapAfter,
                            ownDrops, notes);
                } finally {
                    reports.shutdownNow();
                    for (ChorusParticipant p : participants) {
                        p.close();
                    }
                    media.close();
                }
            }
        }
    }

    static void addCommonNotes(List<String> notes, Receipts receipts, Measurement.Window window) {
        String loss = receipts.lossByPair(window.sentBySender());
        if (!loss.isEmpty()) {
            notes.add(loss);
        }
        if (receipts.silentPairsMeasured() > 0) {
            notes.add(receipts.silentPairsMeasured() + " (receiver, sender) pairs received nothing in the window");
        }
        if (receipts.malformed.sum() > 0 || receipts.ownPackets.sum() > 0) {
            notes.add(receipts.malformed.sum() + " malformed packets, " + receipts.ownPackets.sum() + " echoed to their sender");
        }
        if (receipts.latency.negativeSamples() > 0) {
            notes.add(receipts.latency.negativeSamples() + " negative latency samples");
        }
        if (window.refused() > 0) {
            notes.add(window.refused() + " packets refused by the sending stack");
        }
    }

    private static ChildJvm startGateway(ProsodyServer prosody, Path workDir, int maxParticipants) throws Exception {
        Path config = workDir.resolve("gateway.conf");
        Files.writeString(config, """
                chorus {
                  xmpp { host = "%s", port = %d, domain = "%s", secret = "%s" }
                  muc { service = "%s", rooms = ["%s"] }
                  calls { max-participants = %d }
                  media { port = 0, bind-address = "127.0.0.1", allow-loopback = true }
                  data-dir = "%s"
                }
                """.formatted(prosody.host(), prosody.componentPort(), prosody.componentDomain(),
                prosody.componentSecret(), prosody.mucDomain(), ROOM, maxParticipants,
                workDir.resolve("gateway-data").toString().replace("\\", "\\\\")));
        List<String> jvm = new ArrayList<>(GATEWAY_JVM);
        jvm.add("-Dlogback.configurationFile=logback.xml"); // the production logging set-up, not the tests'
        return ChildJvm.start("gateway", workDir, jvm, GatewayMain.class, List.of("--config", config.toString()));
    }

    private static void awaitGatewayIn(MultiUserChat room, ChildJvm gateway) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            gateway.requireAlive();
            boolean present = room.getOccupants().stream().anyMatch(j -> j.getResourceOrEmpty().toString().equals("Call"));
            if (present) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not join the room; its output: "
                + ChildJvm.tail(gateway.stdout(), 3000) + gateway.stderr());
    }

    private static void awaitForwarding(List<ChorusParticipant> participants, int each, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int missing = 0;
            for (ChorusParticipant p : participants) {
                missing += Math.max(0, each - p.secureReceivingSessions());
            }
            if (missing == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(missing + " forwarding sessions are not secure after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** The gateway's media port, from its log line "Media port open on /127.0.0.1:PORT". */
    private static int mediaPort(String gatewayLog) {
        Matcher m = Pattern.compile("Media port open on \\S*:(\\d+)").matcher(gatewayLog);
        if (!m.find()) {
            throw new IllegalStateException("no media port in the gateway's log: " + ChildJvm.tail(gatewayLog, 3000));
        }
        return Integer.parseInt(m.group(1));
    }

    private static String srtpBackend(String gatewayLog) {
        Matcher m = Pattern.compile("SRTP backend (\\w+)").matcher(gatewayLog);
        return m.find() ? m.group(1) : "?";
    }

    static void log(String format, Object... args) {
        System.out.printf("[bench] " + format + "%n", args);
        System.out.flush();
    }
}
