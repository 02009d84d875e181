package org.chorus.media.ice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.ice4j.StunException;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.FingerprintAttribute;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.message.Message;

/**
 * ice4j's STUN codec without a {@code StunStack}: ice4j encodes and decodes the message and its
 * attributes, and this class adds and checks the two content-dependent attributes itself, which
 * ice4j would compute only through a stack and its credentials manager.
 *
 * <p>MESSAGE-INTEGRITY (RFC 5389 §15.4) is the HMAC-SHA1, keyed by the password, of the message up
 * to the attribute, with the header's length field already counting the attribute (and not what
 * follows it). FINGERPRINT (§15.5) is the CRC-32 of the message up to it, XOR 0x5354554e, with the
 * length field counting the fingerprint. One instance per agent: it encodes into one reused buffer.
 */
final class StunCodec {

    static final int HEADER_LENGTH = 20;
    private static final int INTEGRITY_LENGTH = 4 + 20;
    private static final int FINGERPRINT_LENGTH = 4 + 4;

    private byte[] buffer = new byte[0];

    /** The buffer the last {@link #encode} wrote to (valid up to the length it returned). */
    byte[] buffer() {
        return buffer;
    }

    /**
     * Encodes {@code message} (which holds no MESSAGE-INTEGRITY or FINGERPRINT) and appends
     * MESSAGE-INTEGRITY keyed by {@code password}, when not null, and FINGERPRINT. Returns the length.
     *
     * <p>ice4j encodes each attribute; the header is laid here rather than by
     * {@code Message.encode}, which would also load ice4j's global agent configuration (to add a
     * SOFTWARE attribute) before the gateway has applied its ice4j settings.
     */
    int encode(Message message, String password) {
        List<Attribute> attributes = message.getAttributes();
        int needed = HEADER_LENGTH + INTEGRITY_LENGTH + FINGERPRINT_LENGTH;
        for (int i = 0; i < attributes.size(); i++) {
            needed += padded(Attribute.HEADER_LENGTH + attributes.get(i).getDataLength());
        }
        if (buffer.length < needed) {
            buffer = new byte[Math.max(needed, 160)];
        }
        putU16(buffer, 0, message.getMessageType());
        System.arraycopy(Message.MAGIC_COOKIE, 0, buffer, 4, 4);
        System.arraycopy(message.getTransactionID(), 0, buffer, 8, 12);
        int length = HEADER_LENGTH;
        for (int i = 0; i < attributes.size(); i++) {
            byte[] encoded = attributes.get(i).encode();
            System.arraycopy(encoded, 0, buffer, length, encoded.length);
            int end = length + padded(encoded.length);
            Arrays.fill(buffer, length + encoded.length, end, (byte) 0);
            length = end;
        }
        if (password != null) {
            putU16(buffer, length, Attribute.MESSAGE_INTEGRITY);
            putU16(buffer, length + 2, 20);
            putU16(buffer, 2, length + INTEGRITY_LENGTH - HEADER_LENGTH);
            byte[] hmac = MessageIntegrityAttribute.calculateHmacSha1(buffer, 0, length, key(password));
            System.arraycopy(hmac, 0, buffer, length + 4, 20);
            length += INTEGRITY_LENGTH;
        }
        putU16(buffer, length, Attribute.FINGERPRINT);
        putU16(buffer, length + 2, 4);
        putU16(buffer, 2, length + FINGERPRINT_LENGTH - HEADER_LENGTH);
        byte[] crc = FingerprintAttribute.calculateXorCRC32(buffer, 0, length);
        System.arraycopy(crc, 0, buffer, length + 4, 4);
        return length + FINGERPRINT_LENGTH;
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }

    /**
     * The STUN message in {@code bytes[0, bytes.length)} (exactly one message), or null when it is
     * malformed or its FINGERPRINT is wrong (ice4j checks that while decoding).
     */
    static Message decode(byte[] bytes) {
        try {
            return Message.decode(bytes, 0, bytes.length);
        } catch (StunException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The exact bytes of the one STUN message in {@code buffer[offset, offset + length)}, or null
     * when the header is not STUN's or its length field does not fit the datagram.
     */
    static byte[] exactMessage(byte[] buffer, int offset, int length) {
        if (buffer == null || offset < 0 || length < HEADER_LENGTH || length > buffer.length - offset
                || (buffer[offset] & 0xC0) != 0) {
            return null;
        }
        int total = HEADER_LENGTH + u16(buffer, offset + 2);
        if (total > length) {
            return null;
        }
        if (offset == 0 && total == buffer.length) {
            return buffer;
        }
        return Arrays.copyOfRange(buffer, offset, offset + total);
    }

    /**
     * Whether {@code message}, decoded from {@code bytes}, carries a MESSAGE-INTEGRITY that
     * {@code password} produced (short-term credentials: the key is the password's bytes).
     */
    boolean integrityMatches(Message message, byte[] bytes, String password) {
        if (password == null) {
            return false;
        }
        Attribute attribute = message.getAttribute(Attribute.MESSAGE_INTEGRITY);
        if (!(attribute instanceof MessageIntegrityAttribute integrity)) {
            return false;
        }
        int at = integrity.getLocationInMessage();
        if (at < HEADER_LENGTH || at + INTEGRITY_LENGTH > bytes.length) {
            return false;
        }
        if (buffer.length < at) {
            buffer = new byte[Math.max(at + INTEGRITY_LENGTH + FINGERPRINT_LENGTH, 160)];
        }
        System.arraycopy(bytes, 0, buffer, 0, at);
        putU16(buffer, 2, at + INTEGRITY_LENGTH - HEADER_LENGTH);
        try {
            byte[] expected = MessageIntegrityAttribute.calculateHmacSha1(buffer, 0, at, key(password));
            return MessageDigest.isEqual(expected, integrity.getHmacSha1Content());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Sets the 96-bit transaction id {@code high}:{@code low}. */
    static void setTransactionId(Message message, long high, int low) {
        byte[] id = new byte[12];
        for (int i = 0; i < 8; i++) {
            id[i] = (byte) (high >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            id[8 + i] = (byte) (low >>> (24 - 8 * i));
        }
        setTransactionId(message, id);
    }

    static void setTransactionId(Message message, byte[] id) {
        try {
            message.setTransactionID(id);
        } catch (StunException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The first 64 bits of the transaction id of the message in {@code bytes}. */
    static long transactionHigh(byte[] bytes) {
        long high = 0;
        for (int i = 8; i < 16; i++) {
            high = (high << 8) | (bytes[i] & 0xFF);
        }
        return high;
    }

    /** The last 32 bits of the transaction id of the message in {@code bytes}. */
    static int transactionLow(byte[] bytes) {
        return (u16(bytes, 16) << 16) | u16(bytes, 18);
    }

    private static byte[] key(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static void putU16(byte[] b, int at, int value) {
        b[at] = (byte) (value >> 8);
        b[at + 1] = (byte) value;
    }
}
