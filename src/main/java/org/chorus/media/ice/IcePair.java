package org.chorus.media.ice;

import java.net.InetSocketAddress;

/**
 * One candidate pair of an {@link IceAgent}: a remote candidate with the local base of its address
 * family (the port has one socket, so the host and the advertised address share that base and
 * RFC 8445 §6.1.2.4 prunes them to one pair). Holds the pair's check state and its one outstanding
 * STUN transaction. Mutable, owned by its agent; not thread-safe.
 */
final class IcePair {

    /** The check state of a pair (RFC 8445 §6.1.2.6; no FROZEN: one component, one stream). */
    enum State {
        WAITING, IN_PROGRESS, SUCCEEDED, FAILED;

        boolean canMoveTo(State next) {
            return switch (this) {
                case WAITING -> next == IN_PROGRESS || next == FAILED;
                case IN_PROGRESS -> next == SUCCEEDED || next == FAILED || next == WAITING;
                // a nomination that gets no answer fails a succeeded pair
                case SUCCEEDED -> next == FAILED;
                // a request from the peer on a failed pair triggers a new check
                case FAILED -> next == WAITING;
            };
        }
    }

    final InetSocketAddress remote;
    long remotePriority;
    /** RFC 8445 §6.1.2.3, recomputed when the role changes. */
    long priority;
    State state = State.WAITING;

    /** In the triggered-check queue; {@link #triggeredOrder} orders it first in, first out. */
    boolean triggered;
    long triggeredOrder;
    /** The peer sent USE-CANDIDATE on this pair (we are controlled). */
    boolean nominatedByPeer;

    /** The outstanding transaction, when {@link #transmissions} > 0: id, whether it nominates, timing. */
    long transactionHigh;
    int transactionLow;
    boolean transactionNominates;
    /** Our role when the transaction began: its requests carry it, a 487 answer switches from it. */
    boolean transactionControlling;
    int transmissions;
    long retransmitAt;
    long lastIntervalNanos;

    IcePair(InetSocketAddress remote, long remotePriority) {
        this.remote = remote;
        this.remotePriority = remotePriority;
    }

    void moveTo(State next) {
        if (state == next) {
            return;
        }
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("pair " + remote + ": " + state + " -> " + next);
        }
        state = next;
    }

    boolean inFlight() {
        return transmissions > 0;
    }

    void endTransaction() {
        transmissions = 0;
        transactionNominates = false;
    }

    boolean matches(long high, int low) {
        return inFlight() && transactionHigh == high && transactionLow == low;
    }

    static long pairPriority(long controllingPriority, long controlledPriority) {
        long min = Math.min(controllingPriority, controlledPriority);
        long max = Math.max(controllingPriority, controlledPriority);
        return (min << 32) + 2 * max + (controllingPriority > controlledPriority ? 1 : 0);
    }

    @Override
    public String toString() {
        return remote + " " + state + (inFlight() ? " tx" + transmissions : "");
    }
}
