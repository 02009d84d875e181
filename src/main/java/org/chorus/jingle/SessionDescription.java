package org.chorus.jingle;

import java.util.List;
import java.util.Optional;

/**
 * What a session-initiate or session-accept describes: the contents, the one transport they share
 * through BUNDLE (null when the request has no ICE-UDP transport), the content names of the BUNDLE
 * group (empty without one), and COIN's conference-info (null when absent).
 */
public record SessionDescription(
        List<MediaContent> contents,
        IceTransport transport,
        List<String> bundle,
        ConferenceInfo conferenceInfo) {

    public SessionDescription {
        contents = List.copyOf(contents);
        bundle = List.copyOf(bundle);
    }

    public Optional<MediaContent> content(String name) {
        return contents.stream().filter(content -> content.name().equals(name)).findFirst();
    }

    public List<String> contentNames() {
        return contents.stream().map(MediaContent::name).toList();
    }

    /** Whether every content is in the BUNDLE group, so that one ICE component carries them all. */
    public boolean allBundled() {
        return bundle.containsAll(contentNames());
    }
}
