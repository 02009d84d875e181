package org.chorus.media;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.chorus.jingle.MediaContent;
import org.chorus.jingle.MediaType;
import org.chorus.jingle.SessionDescription;

/** Changes to what a participant signals ({@link MediaParticipant#join(org.jxmpp.jid.Jid, UnaryOperator)}). */
final class OfferFilters {
    private OfferFilters() {
    }

    /** Changes every video content of the offer with {@code change}, and keeps the rest of the offer. */
    static UnaryOperator<SessionDescription> onVideo(UnaryOperator<MediaContent> change) {
        return offer -> {
            List<MediaContent> contents = new ArrayList<>();
            for (MediaContent content : offer.contents()) {
                contents.add(content.media() == MediaType.VIDEO ? change.apply(content) : content);
            }
            return new SessionDescription(contents, offer.transport(), offer.bundle(), offer.conferenceInfo());
        };
    }
}
