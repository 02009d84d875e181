package org.chorus.jingle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One Jingle content with an RTP description (XEP-0166, XEP-0167): its name (the SDP mid), media,
 * senders, whether the description asks for rtcp-mux, and its payload types, header extensions,
 * sources and SSRC groups. The transport is shared by the whole BUNDLE and lives in
 * {@link SessionDescription}.
 */
public record MediaContent(
        String name,
        MediaType media,
        Senders senders,
        boolean rtcpMux,
        List<PayloadType> payloadTypes,
        List<HeaderExtension> headerExtensions,
        List<Source> sources,
        List<SourceGroup> sourceGroups) {

    public MediaContent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(senders, "senders");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a content needs a name");
        }
        payloadTypes = List.copyOf(payloadTypes);
        headerExtensions = List.copyOf(headerExtensions);
        sources = List.copyOf(sources);
        sourceGroups = List.copyOf(sourceGroups);
    }

    public Optional<PayloadType> payloadType(int id) {
        return payloadTypes.stream().filter(pt -> pt.id() == id).findFirst();
    }

    /** The id this content uses for a header extension URI. */
    public OptionalInt headerExtensionId(String uri) {
        return headerExtensions.stream().filter(ext -> ext.uri().equals(uri)).mapToInt(HeaderExtension::id).findFirst();
    }

    public Optional<Source> source(long ssrc) {
        return sources.stream().filter(source -> source.ssrc() == ssrc).findFirst();
    }

    public Optional<SourceGroup> firstGroup(String semantics) {
        return sourceGroups.stream().filter(group -> group.is(semantics)).findFirst();
    }

    /** The same content without sources and SSRC groups: what an answer that sends nothing carries. */
    public MediaContent withoutSources() {
        return new MediaContent(name, media, senders, rtcpMux, payloadTypes, headerExtensions, List.of(), List.of());
    }

    public MediaContent withSources(List<Source> newSources, List<SourceGroup> newGroups) {
        return new MediaContent(name, media, senders, rtcpMux, payloadTypes, headerExtensions, newSources, newGroups);
    }
}
