package org.chorus.jingle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of answering a member's offer: per content, the payload types and header extensions
 * the gateway accepted (with the member's numbers) and the member's sources and FID/SIM groups; the
 * member's transport; the DTLS role the gateway takes; and the BUNDLE group. It is also what the
 * gateway knows of a publisher when it offers that publisher's media to the others (§6).
 */
public record NegotiatedSession(List<MediaContent> contents, IceTransport remoteTransport, DtlsSetup localSetup, List<String> bundle) {

    public NegotiatedSession {
        contents = List.copyOf(contents);
        Objects.requireNonNull(remoteTransport, "remoteTransport");
        Objects.requireNonNull(localSetup, "localSetup");
        bundle = List.copyOf(bundle);
    }

    /**
     * The description of the session-accept: the accepted codecs and header extensions without
     * sources (the gateway sends nothing on this session), the gateway's transport with its DTLS role,
     * the BUNDLE group, and {@code <conference-info isfocus='true'/>}.
     */
    public SessionDescription answer(LocalTransport local) {
        List<MediaContent> answered = contents.stream().map(MediaContent::withoutSources).toList();
        return new SessionDescription(answered, local.forAnswer(localSetup), bundle, ConferenceInfo.FOCUS);
    }

    public Optional<MediaContent> content(String name) {
        return contents.stream().filter(content -> content.name().equals(name)).findFirst();
    }

    /** The accepted payload type with this number, in whichever content. */
    public Optional<PayloadType> payloadType(int id) {
        return contents.stream().flatMap(content -> content.payloadType(id).stream()).findFirst();
    }

    /** The content that announced this SSRC. */
    public Optional<MediaContent> contentOf(long ssrc) {
        return contents.stream()
                .filter(content -> content.source(ssrc).isPresent()
                        || content.sourceGroups().stream().anyMatch(group -> group.ssrcs().contains(ssrc)))
                .findFirst();
    }
}
