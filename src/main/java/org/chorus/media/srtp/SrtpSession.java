package org.chorus.media.srtp;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;
import org.slf4j.LoggerFactory;

/**
 * SRTP and SRTCP protection for one DTLS-SRTP association, on top of jitsi-srtp: one context factory
 * sends with our master key, one receives with the peer's, and each SSRC gets its own contexts.
 *
 * <h2>Buffers</h2>
 * All four operations work in place on {@code (buf, off, len)} and return the new length, or -1 when
 * the packet is refused (malformed, failed authentication, replayed, or the session is closed).
 * Protecting makes the packet longer, and the AES-GCM backend writes its tag past the end of the
 * packet without checking the array bounds: with too little room the OpenSSL backend crashes the
 * JVM. So {@code protectRtp} and {@code protectRtcp} require {@link #MAX_OVERHEAD} spare bytes after
 * the packet, {@code buf.length - off - len >= MAX_OVERHEAD}, and throw
 * {@link IllegalArgumentException} otherwise, before any cryptography runs. Unprotecting only
 * shrinks the packet and needs no spare room.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Receive side: one lock for the whole receive direction. Packets arrive on one thread (the
 *       path's receive thread), so the lock is uncontended; it exists so that the replay of packets
 *       that came before the keys (on the DTLS worker that finished the handshake) can never interleave with it.</li>
 *   <li>Send side: any number of threads. State is per SSRC (the rollover counter and the SRTCP index
 *       advance packet by packet), so each SSRC has its own send state with its own packet view, and
 *       protecting locks only that SSRC: forwarding threads that send different SSRCs never wait for
 *       each other, and two threads that send the same SSRC are serialized.</li>
 *   <li>Deriving a context and {@link #close()} share one lock, so that a context is never derived
 *       from master keys that {@code close()} is wiping.</li>
 * </ul>
 */
public final class SrtpSession implements AutoCloseable {

    /**
     * The spare capacity, in bytes, that {@link #protectRtp} and {@link #protectRtcp} require after the
     * packet. The largest growth is 20 bytes (AEAD SRTCP: a 4-byte SRTCP index and a 16-byte tag);
     * the others are AEAD SRTP 16, CM-80 SRTP 10 and CM-80 SRTCP 14 (see
     * {@link SrtpProfile#rtpOverhead()} and {@link SrtpProfile#rtcpOverhead()}). The requirement is
     * rounded up to 64 as a margin, because running short here is a native crash, not an exception.
     * Pooled packet buffers must be sized for it.
     */
    public static final int MAX_OVERHEAD = 64;

    /** The largest number of bytes protecting one packet actually adds, over all profiles. */
    public static final int MAX_GROWTH = SrtpProfile.SRTCP_INDEX_LENGTH + 16;

    /** A bound on the receive contexts, one per SSRC the peer sends: a defence against SSRC spraying. */
    static final int MAX_RECEIVE_SSRCS = 256;

    private static final int RTP_HEADER_LENGTH = 12;
    private static final int RTCP_HEADER_LENGTH = 8;

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(SrtpSession.class);
    private static final Logger JITSI_LOGGER = new LoggerImpl(SrtpSession.class.getName());

    private final SrtpProfile profile;
    private final SrtpContextFactory sendFactory;
    private final SrtpContextFactory receiveFactory;
    private final Object factoryLock = new Object();
    private volatile boolean closed;

    private final ConcurrentHashMap<Integer, SendStream> sendStreams = new ConcurrentHashMap<>();

    private final Object receiveLock = new Object();
    private final Map<Integer, SrtpCryptoContext> rtpReceive = new HashMap<>();
    private final Map<Integer, SrtcpCryptoContext> rtcpReceive = new HashMap<>();
    private final SrtpBufferView receiveView = new SrtpBufferView();

    /** Send state of one SSRC; protecting locks this object. */
    private static final class SendStream {
        final int ssrc;
        final SrtpBufferView view = new SrtpBufferView();
        SrtpCryptoContext rtp;
        SrtcpCryptoContext rtcp;

        SendStream(int ssrc) {
            this.ssrc = ssrc;
        }
    }

    public SrtpSession(SrtpKeys keys) {
        this.profile = keys.profile();
        this.sendFactory = new SrtpContextFactory(true, keys.localKey(), keys.localSalt(),
                profile.rtpPolicy(), profile.rtcpPolicy(), JITSI_LOGGER);
        this.receiveFactory = new SrtpContextFactory(false, keys.remoteKey(), keys.remoteSalt(),
                profile.rtpPolicy(), profile.rtcpPolicy(), JITSI_LOGGER);
    }

    public SrtpProfile profile() {
        return profile;
    }

    /**
     * Encrypts and authenticates an RTP packet in place.
     *
     * @return the SRTP length, or -1 if the packet is malformed or the session closed
     * @throws IllegalArgumentException if fewer than {@link #MAX_OVERHEAD} bytes follow the packet
     */
    public int protectRtp(byte[] buf, int off, int len) {
        requireSpareCapacity(buf, off, len);
        if (closed || rtpHeaderLength(buf, off, len) < 0) {
            return -1;
        }
        SendStream stream = sendStream(readInt(buf, off + 8));
        synchronized (stream) {
            try {
                if (stream.rtp == null) {
                    stream.rtp = deriveSend(stream.ssrc);
                    if (stream.rtp == null) {
                        return -1;
                    }
                }
                SrtpErrorStatus status = stream.rtp.transformPacket(stream.view.wrap(buf, off, len));
                return status == SrtpErrorStatus.OK ? resultLength(stream.view, off) : -1;
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.debug("SRTP protect failed", e);
                return -1;
            } finally {
                stream.view.clear();
            }
        }
    }

    /**
     * Encrypts and authenticates an RTCP (compound) packet in place, keyed by its first sender SSRC.
     *
     * @return the SRTCP length, or -1 if the packet is malformed or the session closed
     * @throws IllegalArgumentException if fewer than {@link #MAX_OVERHEAD} bytes follow the packet
     */
    public int protectRtcp(byte[] buf, int off, int len) {
        requireSpareCapacity(buf, off, len);
        if (closed || !isRtcpHeader(buf, off, len)) {
            return -1;
        }
        SendStream stream = sendStream(readInt(buf, off + 4));
        synchronized (stream) {
            try {
                if (stream.rtcp == null) {
                    stream.rtcp = deriveSendControl(stream.ssrc);
                    if (stream.rtcp == null) {
                        return -1;
                    }
                }
                SrtpErrorStatus status = stream.rtcp.transformPacket(stream.view.wrap(buf, off, len));
                return status == SrtpErrorStatus.OK ? resultLength(stream.view, off) : -1;
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.debug("SRTCP protect failed", e);
                return -1;
            } finally {
                stream.view.clear();
            }
        }
    }

    /**
     * Authenticates and decrypts an SRTP packet in place.
     *
     * @return the RTP length, or -1 on a malformed packet, an authentication failure or a replay
     */
    public int unprotectRtp(byte[] buf, int off, int len) {
        checkBounds(buf, off, len);
        if (rtpHeaderLength(buf, off, len) < 0) {
            return -1;
        }
        int ssrc = readInt(buf, off + 8);
        synchronized (receiveLock) {
            if (closed) {
                return -1;
            }
            try {
                SrtpCryptoContext context = rtpReceive.get(ssrc);
                boolean fresh = context == null;
                if (fresh) {
                    if (rtpReceive.size() >= MAX_RECEIVE_SSRCS) {
                        return -1;
                    }
                    context = deriveReceive(ssrc);
                    if (context == null) {
                        return -1;
                    }
                }
                SrtpErrorStatus status = context.reverseTransformPacket(receiveView.wrap(buf, off, len), false);
                if (status != SrtpErrorStatus.OK) {
                    return -1;
                }
                if (fresh) {
                    // Only an authenticated packet earns its SSRC a context.
                    rtpReceive.put(ssrc, context);
                }
                return resultLength(receiveView, off);
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.debug("SRTP unprotect failed", e);
                return -1;
            } finally {
                receiveView.clear();
            }
        }
    }

    /**
     * Authenticates and decrypts an SRTCP packet in place.
     *
     * @return the RTCP length, or -1 on a malformed packet, an authentication failure or a replay
     */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        checkBounds(buf, off, len);
        if (!isRtcpHeader(buf, off, len)) {
            return -1;
        }
        int ssrc = readInt(buf, off + 4);
        synchronized (receiveLock) {
            if (closed) {
                return -1;
            }
            try {
                SrtcpCryptoContext context = rtcpReceive.get(ssrc);
                boolean fresh = context == null;
                if (fresh) {
                    if (rtcpReceive.size() >= MAX_RECEIVE_SSRCS) {
                        return -1;
                    }
                    context = deriveReceiveControl(ssrc);
                    if (context == null) {
                        return -1;
                    }
                }
                SrtpErrorStatus status = context.reverseTransformPacket(receiveView.wrap(buf, off, len));
                if (status != SrtpErrorStatus.OK) {
                    return -1;
                }
                if (fresh) {
                    rtcpReceive.put(ssrc, context);
                }
                return resultLength(receiveView, off);
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.debug("SRTCP unprotect failed", e);
                return -1;
            } finally {
                receiveView.clear();
            }
        }
    }

    /** Refuses every further packet and wipes the master keys. Safe to call from any thread, repeatedly. */
    @Override
    public void close() {
        synchronized (factoryLock) {
            if (closed) {
                return;
            }
            closed = true;
            sendFactory.close();
            receiveFactory.close();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Checks that {@code (buf, off, len)} lies inside {@code buf} and that at least {@link #MAX_OVERHEAD}
     * bytes follow it.
     *
     * @throws IllegalArgumentException if not
     */
    public static void requireSpareCapacity(byte[] buf, int off, int len) {
        checkBounds(buf, off, len);
        int spare = buf.length - off - len;
        if (spare < MAX_OVERHEAD) {
            throw new IllegalArgumentException("protecting a packet in place needs " + MAX_OVERHEAD
                    + " spare bytes after it, only " + spare + " available");
        }
    }

    private static void checkBounds(byte[] buf, int off, int len) {
        if (buf == null) {
            throw new IllegalArgumentException("no buffer");
        }
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IllegalArgumentException("packet [" + off + ", +" + len + ") outside a buffer of "
                    + buf.length + " bytes");
        }
    }

    private SendStream sendStream(int ssrc) {
        SendStream stream = sendStreams.get(ssrc);
        return stream != null ? stream : sendStreams.computeIfAbsent(ssrc, SendStream::new);
    }

    private SrtpCryptoContext deriveSend(int ssrc) throws GeneralSecurityException {
        synchronized (factoryLock) {
            return closed ? null : sendFactory.deriveContext(ssrc, 0);
        }
    }

    private SrtcpCryptoContext deriveSendControl(int ssrc) throws GeneralSecurityException {
        synchronized (factoryLock) {
            return closed ? null : sendFactory.deriveControlContext(ssrc);
        }
    }

    private SrtpCryptoContext deriveReceive(int ssrc) throws GeneralSecurityException {
        synchronized (factoryLock) {
            return closed ? null : receiveFactory.deriveContext(ssrc, 0);
        }
    }

    private SrtcpCryptoContext deriveReceiveControl(int ssrc) throws GeneralSecurityException {
        synchronized (factoryLock) {
            return closed ? null : receiveFactory.deriveControlContext(ssrc);
        }
    }

    /** The packet's new length; the offset never moves with the policies used here. */
    private static int resultLength(SrtpBufferView view, int off) {
        if (view.getOffset() != off) {
            throw new IllegalStateException("jitsi-srtp moved the packet");
        }
        return view.getLength();
    }

    /** The RTP header length (fixed part, CSRCs, extension), or -1 if it is not a whole RTP v2 header. */
    static int rtpHeaderLength(byte[] buf, int off, int len) {
        if (len < RTP_HEADER_LENGTH || (buf[off] & 0xC0) != 0x80) {
            return -1;
        }
        int length = RTP_HEADER_LENGTH + 4 * (buf[off] & 0x0F);
        if ((buf[off] & 0x10) != 0) {
            if (length + 4 > len) {
                return -1;
            }
            int words = ((buf[off + length + 2] & 0xFF) << 8) | (buf[off + length + 3] & 0xFF);
            length += 4 + 4 * words;
        }
        return length <= len ? length : -1;
    }

    private static boolean isRtcpHeader(byte[] buf, int off, int len) {
        return len >= RTCP_HEADER_LENGTH && (buf[off] & 0xC0) == 0x80;
    }

    private static int readInt(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8)
                | (buf[at + 3] & 0xFF);
    }
}
