package org.chorus.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.chorus.gateway.GatewayLogCapture;
import org.chorus.gateway.GatewayTestAccess;
import org.chorus.jingle.client.ReceivingSession;
import org.chorus.jingle.client.SendingSession;
import org.chorus.testing.ProsodyExtension;
import org.chorus.testing.ProsodyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RTP/RTCP fuzz: a member with real keys sends mutated RTP and RTCP (encrypted by its own SRTP
 * context, so the gateway decrypts them), and unknown source addresses send STUN-, DTLS- and
 * RTP-looking datagrams to the gateway's media port, while two well-behaved members stream to each
 * other. Their media must keep flowing (packets received per second within 30 % of before) and the
 * gateway must log no error. The default size suits CI; the profile of issue 8 is
 * {@code -Dfuzz.packets=200000}. Every run prints its seed ({@code -Dfuzz.seed=S} repeats it).
 */
@ExtendWith(ProsodyExtension.class)
class MediaFuzzEndToEndTest {
    private static final int PACKETS = Integer.getInteger("fuzz.packets", 20_000);
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int PER_BURST = 40;
    private static final long BURST_GAP_MILLIS = 5;
    private static final Duration BASELINE = Duration.ofSeconds(4);

    @RegisterExtension
    final CallFixture calls;

    MediaFuzzEndToEndTest(ProsodyServer server) {
        calls = new CallFixture(server);
    }

    @Test
    void mutatedMediaFromAMemberAndFromStrangersLeavesOthersMediaFlowing() throws Exception {
        GatewayLogCapture errors = GatewayLogCapture.attach();
        calls.add(errors::detach);
        AutoCloseable gateway = calls.gateway();
        System.out.printf("Media fuzz: seed %d, %d packets (repeat: -Dfuzz.seed=%d -Dfuzz.packets=%d)%n", SEED, PACKETS, SEED, PACKETS);
        TestRoom room = calls.room("fuzz", "alice", "bob", "mallory");
        room.everyMemberCalls();
        MediaParticipant alice = room.member(0);
        MediaParticipant bob = room.member(1);
        MediaParticipant mallory = room.member(2);
        mallory.stopSending();
        await().atMost(Duration.ofSeconds(30)).until(() -> alice.packetsFrom(bob.name) > 50 && bob.packetsFrom(alice.name) > 50
                && mallory.openSessionsByPublisher().size() == 2);

        double before = rate(alice, bob, BASELINE);
        long aliceStart = alice.packetsFrom(bob.name);
        long bobStart = bob.packetsFrom(alice.name);
        Fuzz fuzz = new Fuzz(SEED, mallory.sending(), List.copyOf(mallory.openSessionsByPublisher().values()),
                GatewayTestAccess.mediaPort(gateway), alice.sending(), bob.sending());
        long t0 = System.nanoTime();
        fuzz.run(PACKETS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double during = ((alice.packetsFrom(bob.name) - aliceStart) + (bob.packetsFrom(alice.name) - bobStart)) / seconds;
        double after = rate(alice, bob, BASELINE);

        System.out.printf("Media fuzz: %d packets in %.1f s (%d SRTP RTP, %d SRTCP from the member, %d refused by its"
                        + " own stack; %d spoofed datagrams); good members' media %.1f pkt/s before, %.1f during, %.1f after;"
                        + " gateway errors logged %d; component reconnects %d%n",
                PACKETS, seconds, fuzz.rtp, fuzz.rtcp, fuzz.refused, fuzz.spoofed, before, during, after,
                errors.events().size(), GatewayTestAccess.reconnectAttempts(gateway));
        errors.events().forEach(e -> System.out.println("Gateway error: " + e));

        assertThat(during).as("good members' packets per second during the fuzz (before: %.1f)", before)
                .isGreaterThanOrEqualTo(before * 0.7);
        assertThat(after).as("good members' packets per second after the fuzz (before: %.1f)", before)
                .isGreaterThanOrEqualTo(before * 0.7);
        assertThat(errors.events()).as("errors the gateway logged (seed %d)", SEED).isEmpty();
    }

    private static double rate(MediaParticipant alice, MediaParticipant bob, Duration window) throws InterruptedException {
        long a = alice.packetsFrom(bob.name);
        long b = bob.packetsFrom(alice.name);
        Thread.sleep(window.toMillis());
        return ((alice.packetsFrom(bob.name) - a) + (bob.packetsFrom(alice.name) - b)) / (window.toMillis() / 1000.0);
    }

    /** The packets, each a pure function of (seed, number). */
    private static final class Fuzz {
        private final long seed;
        private final SendingSession sending;
        private final List<ReceivingSession> receiving;
        private final InetSocketAddress target;
        private final long[] victims;
        private final long[] own;
        int rtp;
        int rtcp;
        int refused;
        int spoofed;

        Fuzz(long seed, SendingSession sending, List<ReceivingSession> receiving, int mediaPort, SendingSession... others) {
            this.seed = seed;
            this.sending = sending;
            this.receiving = receiving;
            this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), mediaPort);
            this.own = new long[] {sending.streams().audioSsrc(), sending.streams().videoSsrc()};
            this.victims = new long[others.length * 2];
            for (int i = 0; i < others.length; i++) {
                victims[2 * i] = others[i].streams().audioSsrc();
                victims[2 * i + 1] = others[i].streams().videoSsrc();
            }
        }

        void run(int packets) throws Exception {
            List<DatagramSocket> strangers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                strangers.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            }
            try {
                for (int n = 0; n < packets; n++) {
                    SplittableRandom r = new SplittableRandom(seed ^ (n * 0x9E3779B97F4A7C15L));
                    int kind = r.nextInt(100);
                    try {
                        if (kind < 35) {
                            byte[] p = rtpPacket(r);
                            count(sending.sendRtp(p, 0, p.length), true);
                        } else if (kind < 60) {
                            byte[] p = rtcpPacket(r);
                            boolean sent = r.nextBoolean() || receiving.isEmpty()
                                    ? sending.sendRtcp(p, 0, p.length)
                                    : receiving.get(r.nextInt(receiving.size())).sendRtcp(p, 0, p.length);
                            count(sent, false);
                        } else {
                            byte[] d = spoofed(r);
                            strangers.get(r.nextInt(strangers.size())).send(new DatagramPacket(d, d.length, target));
                            spoofed++;
                        }
                    } catch (RuntimeException e) {
                        refused++; // the member's own stack would not encrypt or send it
                    }
                    if (n % PER_BURST == PER_BURST - 1) {
                        Thread.sleep(BURST_GAP_MILLIS);
                    }
                }
            } finally {
                strangers.forEach(DatagramSocket::close);
            }
        }

        private void count(boolean sent, boolean isRtp) {
            if (!sent) {
                refused++;
            } else if (isRtp) {
                rtp++;
            } else {
                rtcp++;
            }
        }

        private byte[] rtpPacket(SplittableRandom r) {
            int payload = r.nextInt(8) == 0 ? r.nextInt(1400) : r.nextInt(200);
            int cc = r.nextInt(6) == 0 ? r.nextInt(16) : 0;
            boolean ext = r.nextInt(5) == 0;
            int extWords = ext ? (r.nextInt(4) == 0 ? r.nextInt(0x10000) : r.nextInt(8)) : 0;
            int extBytesPresent = ext ? Math.min(extWords, r.nextInt(10)) * 4 : 0;
            ByteBuffer b = ByteBuffer.allocate(12 + Math.min(cc, r.nextInt(16)) * 4 + (ext ? 4 + extBytesPresent : 0) + payload);
            boolean padding = r.nextInt(10) == 0;
            b.put((byte) ((r.nextInt(20) == 0 ? r.nextInt(4) : 2) << 6 | (padding ? 0x20 : 0) | (ext ? 0x10 : 0) | cc));
            int pt = r.nextInt(3) == 0 ? r.nextInt(128) : (r.nextBoolean() ? MediaParticipant.AUDIO_PT : MediaParticipant.VIDEO_PT);
            b.put((byte) ((r.nextBoolean() ? 0x80 : 0) | pt));
            b.putShort((short) r.nextInt(65536)).putInt(r.nextInt());
            long ssrc = switch (r.nextInt(4)) {
                case 0 -> victims[r.nextInt(victims.length)]; // another member's stream
                case 1 -> r.nextLong(1L << 32);
                default -> own[r.nextInt(own.length)];
            };
            b.putInt((int) ssrc);
            while (b.position() < b.capacity() - payload - (ext ? 4 + extBytesPresent : 0)) {
                b.putInt(r.nextInt());
            }
            if (ext) {
                b.putShort((short) (r.nextBoolean() ? 0xBEDE : r.nextInt(65536))).putShort((short) extWords);
                for (int i = 0; i < extBytesPresent; i++) {
                    b.put((byte) r.nextInt(256));
                }
            }
            byte[] rest = new byte[payload];
            r.nextBytes(rest);
            if (padding && payload > 0) {
                rest[payload - 1] = (byte) r.nextInt(256);
            }
            b.put(rest);
            return b.array();
        }

        private byte[] rtcpPacket(SplittableRandom r) {
            ByteBuffer b = ByteBuffer.allocate(1400);
            int parts = 1 + r.nextInt(r.nextInt(10) == 0 ? 12 : 3);
            for (int i = 0; i < parts && b.remaining() > 64; i++) {
                int pt = r.nextInt(8) == 0 ? 192 + r.nextInt(24) : new int[] {200, 201, 202, 203, 205, 206}[r.nextInt(6)];
                int fmt = r.nextInt(6) == 0 ? r.nextInt(32) : new int[] {1, 1, 4, 15, 0}[r.nextInt(5)];
                int words = pt == 205 && fmt == 1 ? 2 + r.nextInt(64) : 1 + r.nextInt(12);
                words = Math.min(words, b.remaining() / 4 - 2);
                int declared = r.nextInt(10) == 0 ? r.nextInt(65536) : words;
                b.put((byte) (0x80 | fmt)).put((byte) pt).putShort((short) declared);
                b.putInt((int) own[r.nextInt(own.length)]);
                for (int w = 0; w < words; w++) {
                    if (w == 0 && (pt == 205 || pt == 206)) {
                        b.putInt((int) (r.nextBoolean() ? victims[r.nextInt(victims.length)] : r.nextLong(1L << 32)));
                    } else if (pt == 206 && fmt == 15 && w == 1) {
                        b.put("REMB".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    } else {
                        b.putInt(r.nextInt());
                    }
                }
            }
            byte[] out = new byte[b.position()];
            b.flip();
            b.get(out);
            return out;
        }

        private byte[] spoofed(SplittableRandom r) {
            int kind = r.nextInt(4);
            int length = kind == 3 ? r.nextInt(1500) : 20 + r.nextInt(r.nextInt(8) == 0 ? 1400 : 200);
            byte[] d = new byte[length];
            r.nextBytes(d);
            ByteBuffer b = ByteBuffer.wrap(d);
            if (kind == 0 && length >= 20) { // STUN
                b.putShort((short) new int[] {0x0001, 0x0101, 0x0111, 0x0011, r.nextInt(0x4000)}[r.nextInt(5)]);
                b.putShort((short) (r.nextBoolean() ? length - 20 : r.nextInt(65536)));
                b.putInt(r.nextInt(4) == 0 ? r.nextInt() : 0x2112A442);
                b.position(20);
                while (b.remaining() >= 8) {
                    int attrLength = r.nextInt(4) == 0 ? r.nextInt(65536) : Math.min(b.remaining() - 4, r.nextInt(40));
                    b.putShort((short) new int[] {0x0006, 0x0008, 0x8028, 0x0024, 0x8029, 0x802A, 0x0025, r.nextInt(65536)}[r.nextInt(8)]);
                    b.putShort((short) attrLength);
                    b.position(Math.min(b.limit(), b.position() + (attrLength + 3) / 4 * 4));
                }
            } else if (kind == 1 && length >= 13) { // DTLS record
                b.put((byte) (20 + r.nextInt(44))).putShort((short) (r.nextBoolean() ? 0xFEFD : 0xFEFF));
                b.putShort((short) r.nextInt(3)).position(11);
                b.putShort((short) (r.nextBoolean() ? length - 13 : r.nextInt(65536)));
                if (b.remaining() > 0) {
                    b.put((byte) r.nextInt(3));
                }
            } else if (kind == 2 && length >= 12) { // RTP or RTCP
                boolean rtcp = r.nextInt(3) == 0;
                b.put((byte) (0x80 | r.nextInt(32))).put((byte) (rtcp ? 200 + r.nextInt(7) : r.nextInt(256)));
                b.putShort((short) r.nextInt(65536));
                if (rtcp) {
                    b.putInt((int) victims[r.nextInt(victims.length)]);
                } else {
                    b.putInt(r.nextInt()).putInt((int) victims[r.nextInt(victims.length)]);
                }
            }
            return d;
        }
    }
}
