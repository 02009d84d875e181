package org.chorus.jingle;

/**
 * The most a Jingle request may carry before it is read (PROTOCOL.md §5: more than the gateway's
 * limits is {@code bad-request} with a {@code <text>} naming the limit). The defaults are far above
 * what browsers send: a Chromium offer has 2 or 3 contents, about 15 payload types per content with
 * up to 5 rtcp-fb each, about 15 header extensions, a handful of sources (6 with simulcast and rtx)
 * in 2 or 3 SSRC groups of 2 or 3, and 5 to 20 candidates.
 *
 * <p>Two stages use them. {@link JingleSize} checks the raw stanza before anything else reads it
 * (elements, nesting, attributes, text lengths, the sid); {@link JingleReader} checks each count
 * before it reads the list and each attribute it keeps. Every refusal is a
 * {@link MalformedJingleException} whose message says {@code over the gateway's limit of N WHAT},
 * which the session layer answers with {@code bad-request} and that text.
 *
 * @param maxElements elements in one Jingle IQ, all levels together (default 4096)
 * @param maxDepth levels of elements below the IQ (default 8; Jingle needs 5)
 * @param maxAttributesPerElement attributes on one element (default 32)
 * @param maxTextLength characters of any attribute value or element text (default 1024)
 * @param maxSidLength characters of a sid (default 128)
 * @param maxContents contents in one request (default 16)
 * @param maxPayloadTypes payload types per content (default 64)
 * @param maxRtcpFbPerPayloadType rtcp-fb of one payload type, with those the description gives
 *     every payload type (default 16)
 * @param maxRtcpFbPerContent rtcp-fb elements in one content, on its payload types and its
 *     description together (default 256)
 * @param maxHeaderExtensions header extensions per content (default 32)
 * @param maxParameters parameters of one payload type or one source (default 32)
 * @param maxSources sources per content (default 64)
 * @param maxSourcesPerSession sources in all contents of one request (default 128)
 * @param maxSourceGroups SSRC groups per content (default 32)
 * @param maxSourcesPerGroup SSRCs in one SSRC group (default 8)
 * @param maxCandidates candidates in one request, over all its transports (default 32)
 * @param maxCandidatesPerSession candidates one session takes over its life, trickled ones
 *     included (default 128); the session layer counts them
 * @param maxConferenceUsers users in COIN's conference-info (default 16)
 * @param maxNameLength characters of a name or token: content, payload-type, parameter and
 *     ssrc-group names, rtcp-fb type and subtype, the fingerprint hash, a candidate's foundation,
 *     protocol, type, id and tcptype (default 64)
 * @param maxCredentialLength characters of an ICE ufrag or pwd (default 256, RFC 8839's maximum)
 * @param maxFingerprintLength characters of a DTLS fingerprint (default 256; SHA-512 needs 191)
 * @param maxValueLength characters of a value: a parameter's value, a header extension's URI, a
 *     candidate's address, a COIN user's entity and display text (default 512)
 */
public record JingleLimits(
        int maxElements,
        int maxDepth,
        int maxAttributesPerElement,
        int maxTextLength,
        int maxSidLength,
        int maxContents,
        int maxPayloadTypes,
        int maxRtcpFbPerPayloadType,
        int maxRtcpFbPerContent,
        int maxHeaderExtensions,
        int maxParameters,
        int maxSources,
        int maxSourcesPerSession,
        int maxSourceGroups,
        int maxSourcesPerGroup,
        int maxCandidates,
        int maxCandidatesPerSession,
        int maxConferenceUsers,
        int maxNameLength,
        int maxCredentialLength,
        int maxFingerprintLength,
        int maxValueLength) {

    public static final JingleLimits DEFAULTS = new JingleLimits(
            4096, 8, 32, 1024, 128,
            16, 64, 16, 256, 32, 32,
            64, 128, 32, 8,
            32, 128, 16,
            64, 256, 256, 512);

    public JingleLimits {
        int[] all = {maxElements, maxDepth, maxAttributesPerElement, maxTextLength, maxSidLength, maxContents,
            maxPayloadTypes, maxRtcpFbPerPayloadType, maxRtcpFbPerContent, maxHeaderExtensions, maxParameters,
            maxSources, maxSourcesPerSession, maxSourceGroups, maxSourcesPerGroup, maxCandidates,
            maxCandidatesPerSession, maxConferenceUsers, maxNameLength, maxCredentialLength, maxFingerprintLength,
            maxValueLength};
        for (int limit : all) {
            if (limit < 1) {
                throw new IllegalArgumentException("every Jingle limit must be at least 1");
            }
        }
    }

    /**
     * Refuses {@code count} above {@code max}: {@code over the gateway's limit of 64 sources per
     * content (content 'video')}.
     *
     * @param what what is counted, as the message names the limit ("sources per content")
     * @param where which part of the request, or null
     */
    public static void check(int count, int max, String what, String where) throws MalformedJingleException {
        if (count > max) {
            throw exceeded(max, what, where);
        }
    }

    /** Refuses a string longer than {@code max} characters; null passes. */
    public static void checkLength(String value, int max, String what, String where) throws MalformedJingleException {
        if (value != null && value.length() > max) {
            throw exceeded(max, "characters in " + what, where);
        }
    }

    static MalformedJingleException exceeded(int max, String what, String where) {
        return new MalformedJingleException("over the gateway's limit of " + max + " " + what
                + (where == null ? "" : " (" + where + ")"));
    }
}
