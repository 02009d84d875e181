package org.chorus.media;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.chorus.jingle.NegotiatedSession;
import org.chorus.jingle.ReceiverMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.JID;

/**
 * The media graph of one room's call, keyed by participant (a member's full JID, or a recorder's):
 * who publishes, which receiver takes whose streams, and which receivers are recorders. The Jingle
 * layer asks for media by participant and never holds a {@link Publisher} or {@link Subscription}.
 *
 * <p>Every entry is tied to the media leg that carries it, and is removed only with that leg, so a
 * late removal for a leg that was already replaced (a member that called again) leaves the new one
 * alone. Confined to the signalling thread; packets flow through the publishers and subscriptions
 * on the media threads, which this class never touches.
 */
public final class CallMedia {
    private static final Logger log = LoggerFactory.getLogger(CallMedia.class);

    /** One receiver taking one publisher's streams. */
    private record Edge(JID receiver, JID publisher) {}

    private final MediaPlane plane;
    private final Map<JID, Publisher> publishers = new LinkedHashMap<>();
    private final Map<Edge, Subscription> subscriptions = new LinkedHashMap<>();
    private final Set<JID> recorders = new LinkedHashSet<>();

    public CallMedia(MediaPlane plane) {
        this.plane = plane;
    }

    /**
     * Starts taking the participant's streams over {@code leg}. A participant publishes once: one that
     * still has a publisher must be removed first ({@link #removePublisher}).
     *
     * @throws IllegalStateException when the participant already publishes
     */
    public void addPublisher(JID participant, MediaLeg leg, NegotiatedSession negotiated) {
        if (publishers.containsKey(participant)) {
            throw new IllegalStateException(participant + " already publishes in this call");
        }
        publishers.put(participant, new Publisher(plane, leg, negotiated));
    }

    /** Whether the participant publishes. */
    public boolean publishes(JID participant) {
        return publishers.containsKey(participant);
    }

    /**
     * Forwards {@code publisher}'s streams to {@code receiver} over {@code leg}, as the receiver's
     * answer mapped them; false, and nothing changed, when {@code publisher} does not publish or the
     * receiver already takes its streams.
     */
    public boolean subscribe(JID receiver, JID publisher, MediaLeg leg, ReceiverMapping mapping) {
        Publisher source = publishers.get(publisher);
        Edge edge = new Edge(receiver, publisher);
        if (source == null || subscriptions.containsKey(edge)) {
            return false;
        }
        Subscription subscription = new Subscription(source, leg, mapping);
        subscriptions.put(edge, subscription);
        source.add(subscription);
        return true;
    }

    /** Asks the participant for a keyframe (a new receiver starts mid-GOP); nothing if it does not publish. */
    public void requestKeyframe(JID publisher) {
        Publisher source = publishers.get(publisher);
        if (source != null) {
            source.requestKeyframe();
        }
    }

    /**
     * Stops taking the participant's streams over {@code leg}: its publisher closes, and the receivers
     * of its streams get nothing more (their subscriptions stay until each is removed with its leg).
     * Nothing happens when the participant publishes over another leg.
     */
    public void removePublisher(JID participant, MediaLeg leg) {
        Publisher publisher = publishers.get(participant);
        if (publisher != null && publisher.leg() == leg) {
            publishers.remove(participant);
            publisher.close();
        }
    }

    /** Stops forwarding {@code publisher}'s streams to {@code receiver} over {@code leg}. */
    public void unsubscribe(JID receiver, JID publisher, MediaLeg leg) {
        Edge edge = new Edge(receiver, publisher);
        Subscription subscription = subscriptions.get(edge);
        if (subscription != null && subscription.leg() == leg) {
            subscriptions.remove(edge);
            subscription.close();
        }
    }

    /**
     * The participant is gone from the call's media: its publisher, every subscription to its streams
     * and every subscription that carried others' streams to it close, and it is no longer a recorder.
     */
    public void removeParticipant(JID participant) {
        Publisher publisher = publishers.remove(participant);
        if (publisher != null) {
            publisher.close();
        }
        List<Edge> gone = new ArrayList<>();
        for (Edge edge : subscriptions.keySet()) {
            if (edge.receiver().equals(participant) || edge.publisher().equals(participant)) {
                gone.add(edge);
            }
        }
        for (Edge edge : gone) {
            subscriptions.remove(edge).close();
        }
        recorders.remove(participant);
    }

    /** Adds a recorder, a receiver that publishes nothing; false if it already is one. */
    public boolean addRecorder(JID recorder) {
        return recorders.add(recorder);
    }

    /** Removes a recorder; false if it was not one. Its subscriptions go with {@link #removeParticipant}. */
    public boolean removeRecorder(JID recorder) {
        return recorders.remove(recorder);
    }

    public boolean isRecorder(JID receiver) {
        return recorders.contains(receiver);
    }

    /** The recorders, a copy in the order they came. */
    public List<JID> recorders() {
        return List.copyOf(recorders);
    }

    /**
     * Every second: tells each publisher whose leg is secure the bitrate it may send video at (REMB).
     * One publisher's failure is logged and does not keep the others from theirs.
     */
    public void tick(long rembBitrate) {
        for (Map.Entry<JID, Publisher> entry : publishers.entrySet()) {
            try {
                entry.getValue().sendBandwidthEstimate(rembBitrate);
            } catch (RuntimeException e) {
                log.error("bandwidth estimate to {} failed", entry.getKey(), e);
            }
        }
    }

    /** Whether nothing is left: no publisher, no subscription, no recorder. */
    public boolean isEmpty() {
        return publishers.isEmpty() && subscriptions.isEmpty() && recorders.isEmpty();
    }
}
