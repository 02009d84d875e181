package org.chorus.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The reference: the same members and traffic through {@link UdpRelay}, its own process, same JVM options as the gateway. */
final class RelayScenario {
    private RelayScenario() {}

    static Result run(BenchConfig config, Path workDir) throws Exception {
        int n = config.participants();
        Receipts receipts = new Receipts(n, config.senders());
        List<String> notes = new ArrayList<>();
        Path portFile = workDir.resolve("relay.port");
        try (ChildJvm relay = ChildJvm.start("relay", workDir, ChorusScenario.GATEWAY_JVM, UdpRelay.class,
                List.of(portFile.toString()))) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(portFile)) {
                relay.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the relay did not start");
                }
                Thread.sleep(50);
            }
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(Files.readString(portFile).trim()));
            Thread.sleep(1000);
            ProcStats.Heap heapEmpty = ProcStats.liveHeap(relay.pid());
            List<UdpParticipant> participants = new ArrayList<>();
            try {
                long joinStart = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    UdpParticipant p = new UdpParticipant(i, address, receipts);
                    participants.add(p);
                    p.join();
                }
                double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
                ChorusScenario.log("relay %s with %d members", relay, n);
                Thread.sleep(2000);
                Measurement.Idle idle = Measurement.idle(relay.pid(), config.idle().toMillis());
                Traffic traffic = new Traffic(config, List.copyOf(participants.subList(0, config.senders())));
                Measurement.Window window = Measurement.run(config, traffic, relay.pid(), address.getPort(), 0, "relay",
                        workDir);
                relay.requireAlive();
                Thread.sleep(2000);
                Measurement.Idle idleWarm = Measurement.idle(relay.pid(), config.idle().toMillis());
                ProcStats.Heap heapFull = ProcStats.liveHeap(relay.pid());
                ChorusScenario.addCommonNotes(notes, receipts, window);
                return Result.of("UDP relay", config, window, idle, idleWarm, joinSeconds, receipts, heapEmpty, heapFull, null,
                        OwnDrops.Reading.NOT_EXPOSED, notes);
            } finally {
                participants.forEach(UdpParticipant::close);
            }
        }
    }
}
