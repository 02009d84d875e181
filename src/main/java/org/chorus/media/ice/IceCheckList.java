package org.chorus.media.ice;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The candidate pairs of one {@link IceAgent}, one per remote candidate (at most
 * {@value #MAX_REMOTE_CANDIDATES}), paired with the first local address of the same family: the
 * port has one socket, so its host and advertised addresses share that base and RFC 8445 §6.1.2.4
 * prunes their pairs to one. Also the triggered-check queue (a flag and an order on each pair).
 * Every lookup is a scan of a short list, without allocation. Not thread-safe.
 */
final class IceCheckList {

    static final int MAX_REMOTE_CANDIDATES = 64;
    /** RFC 8445 §5.1.2.1: type preference 126 (host), local preference 65535, component 1. */
    static final long HOST_PRIORITY = (126L << 24) | (65535L << 8) | 255;

    private final InetSocketAddress localV4;
    private final InetSocketAddress localV6;
    private final ArrayList<IcePair> pairs = new ArrayList<>(2);
    private long triggerOrder;

    IceCheckList(List<InetSocketAddress> localAddresses) {
        this.localV4 = firstOfFamily(localAddresses, true);
        this.localV6 = firstOfFamily(localAddresses, false);
    }

    int size() {
        return pairs.size();
    }

    IcePair get(int index) {
        return pairs.get(index);
    }

    /**
     * The pair of {@code remote}, made when new; null past the cap or without a local address of
     * its family. A known candidate signalled again with a higher priority takes it.
     */
    IcePair pairFor(InetSocketAddress remote, long remotePriority, boolean controlling) {
        if (remote == null || remote.isUnresolved()) {
            return null;
        }
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.remote.equals(remote)) {
                if (remotePriority > pair.remotePriority) {
                    pair.remotePriority = remotePriority;
                    pair.priority = pairPriority(controlling, remotePriority);
                }
                return pair;
            }
        }
        boolean v4 = remote.getAddress() instanceof Inet4Address;
        if (pairs.size() >= MAX_REMOTE_CANDIDATES || (v4 ? localV4 : localV6) == null) {
            return null;
        }
        IcePair pair = new IcePair(remote, remotePriority);
        pair.priority = pairPriority(controlling, remotePriority);
        pairs.add(pair);
        return pair;
    }

    /** RFC 8445 §6.1.2.3, with our host candidate's priority on the local side. */
    static long pairPriority(boolean controlling, long remotePriority) {
        return controlling
                ? IcePair.pairPriority(HOST_PRIORITY, remotePriority)
                : IcePair.pairPriority(remotePriority, HOST_PRIORITY);
    }

    /** After a role switch: the pair priorities depend on who controls. */
    void reprioritize(boolean controlling) {
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            pair.priority = pairPriority(controlling, pair.remotePriority);
        }
    }

    IcePair withTransaction(long high, int low) {
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.matches(high, low)) {
                return pair;
            }
        }
        return null;
    }

    /** Queues a triggered check of {@code pair} (a failed pair waits again), unless one is outstanding. */
    void trigger(IcePair pair) {
        if (pair.inFlight() || pair.triggered) {
            return;
        }
        if (pair.state == IcePair.State.FAILED) {
            pair.moveTo(IcePair.State.WAITING);
        }
        pair.triggered = true;
        pair.triggeredOrder = ++triggerOrder;
    }

    /** The triggered pair queued first, else the waiting pair of highest priority, else null. */
    IcePair nextToCheck() {
        IcePair best = null;
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.triggered) {
                if (best == null || !best.triggered || pair.triggeredOrder < best.triggeredOrder) {
                    best = pair;
                }
            } else if (pair.state == IcePair.State.WAITING && !pair.inFlight()
                    && (best == null || (!best.triggered && pair.priority > best.priority))) {
                best = pair;
            }
        }
        return best;
    }

    /** The succeeded pair of highest priority, or null. */
    IcePair bestSucceeded() {
        IcePair best = null;
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.state == IcePair.State.SUCCEEDED && (best == null || pair.priority > best.priority)) {
                best = pair;
            }
        }
        return best;
    }

    /** Whether there are pairs and every one has failed. */
    boolean allFailed() {
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i).state != IcePair.State.FAILED) {
                return false;
            }
        }
        return !pairs.isEmpty();
    }

    /** Ends every outstanding transaction and empties the triggered queue. */
    void stopAll() {
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            pair.endTransaction();
            pair.triggered = false;
        }
    }

    /** Whether {@code remote} belongs to a pair that has not failed. */
    boolean knows(InetSocketAddress remote) {
        for (int i = 0; i < pairs.size(); i++) {
            IcePair pair = pairs.get(i);
            if (pair.state != IcePair.State.FAILED && pair.remote.equals(remote)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return pairs.toString();
    }

    private static InetSocketAddress firstOfFamily(List<InetSocketAddress> addresses, boolean v4) {
        for (InetSocketAddress address : addresses) {
            if (!address.isUnresolved() && (address.getAddress() instanceof Inet4Address) == v4) {
                return address;
            }
        }
        return null;
    }
}
