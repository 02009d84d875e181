package org.chorus.recorder;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.chorus.recording.session.StartRequest;
import org.jivesoftware.smack.packet.StanzaError;
import org.jxmpp.jid.Jid;

/**
 * Who may tell this recorder what to do, and what it takes on (PROTOCOL.md §10):
 * <ul>
 *   <li>Jibri requests come only from JIDs in {@code accept-from}, whose entries are bare JIDs or
 *       domains. An empty {@code accept-from} refuses everyone ({@code not-allowed}): a recorder
 *       must be told which gateways it serves.</li>
 *   <li>A session-initiate is taken only from the conference JID of a recording this recorder is
 *       running, and only when that JID is trusted as well; everyone else gets {@code forbidden}
 *       before anything is parsed or allocated.</li>
 *   <li>A recording is stopped only by the JID that started it ({@link #mayStop}).</li>
 *   <li>Session ids are folder names: {@code [A-Za-z0-9][A-Za-z0-9._-]*}, at most 100 characters.</li>
 *   <li>A start is taken while the recorder is healthy, has a free slot and does not already record
 *       that conference.</li>
 * </ul>
 * Pure: no I/O, no clock.
 */
final class RecorderPolicy {
    static final String NO_ACCEPT_FROM = "this recorder takes no requests: accept-from must be set "
            + "(the gateways' domains or bare JIDs)";
    static final String NOT_ACCEPTED = "not in this recorder's accept-from";
    /**
     * The answer to a stop for a session this recorder does not run for the sender: the same for a
     * session that does not exist and one another gateway started, so that ids are not confirmed.
     */
    static final String NO_SUCH_RECORDING = "no recording with this session_id was started by you";

    /** Why a request is refused: the stanza error to answer with. */
    record Refusal(StanzaError.Condition condition, String text) {}

    /** What happens to a start that passed the trust and syntax checks. */
    enum Admission {
        ACCEPT,
        /** Every slot is taken, or the conference is already being recorded here. */
        BUSY,
        /** The recorder cannot write (see its health). */
        UNHEALTHY
    }

    private final Set<String> acceptFrom;
    private final int maxRecordings;

    RecorderPolicy(List<String> acceptFrom, int maxRecordings) {
        this.acceptFrom = acceptFrom.stream().map(e -> e.trim().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.maxRecordings = maxRecordings;
    }

    /** Whether anyone may command this recorder at all. */
    boolean acceptsAnyone() {
        return !acceptFrom.isEmpty();
    }

    /** Empty when {@code from} may send Jibri requests; else the error to answer. */
    Optional<Refusal> mayCommand(Jid from) {
        if (acceptFrom.isEmpty()) {
            return Optional.of(new Refusal(StanzaError.Condition.not_allowed, NO_ACCEPT_FROM));
        }
        if (!trusted(from)) {
            return Optional.of(new Refusal(StanzaError.Condition.forbidden, NOT_ACCEPTED));
        }
        return Optional.empty();
    }

    /** Whether {@code from}'s bare JID or domain is in accept-from. */
    boolean trusted(Jid from) {
        if (from == null) {
            return false;
        }
        return acceptFrom.contains(from.asBareJid().toString().toLowerCase(Locale.ROOT))
                || acceptFrom.contains(from.getDomain().toString().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code from} may open a session with this recorder: it is the conference JID of one of
     * {@code conferences} (the bare JIDs of the recordings that take sessions now) and trusted.
     */
    boolean mayCall(Jid from, Set<String> conferences) {
        return from != null && conferences.contains(from.asBareJid().toString()) && trusted(from);
    }

    /**
     * Whether {@code from} may stop (or otherwise speak for) a recording that {@code startedBy}
     * started: the same bare JID when the start came from a bare JID (as the gateway's start comes
     * from its conference JID), the very same full JID when it came from a full one. Another JID in
     * accept-from may not: trusting two gateways does not let one end the other's recordings.
     */
    boolean mayStop(Jid startedBy, Jid from) {
        if (startedBy == null || from == null) {
            return false;
        }
        if (startedBy.hasResource()) {
            return startedBy.equals(from);
        }
        return startedBy.equals(from.asBareJid());
    }

    /** Empty for a session id that can name a folder; else what is wrong with it. */
    static Optional<String> sessionIdProblem(String sessionId) {
        if (sessionId == null || !StartRequest.SESSION_ID.matcher(sessionId).matches()) {
            return Optional.of("session_id must match [A-Za-z0-9][A-Za-z0-9._-]* (at most 100 characters)");
        }
        return Optional.empty();
    }

    Admission admit(boolean healthy, int running, boolean conferenceRecorded) {
        if (!healthy) {
            return Admission.UNHEALTHY;
        }
        return running >= maxRecordings || conferenceRecorded ? Admission.BUSY : Admission.ACCEPT;
    }

    /** Whether the brewery should see this recorder as busy. */
    boolean busy(int running) {
        return running >= maxRecordings;
    }
}
